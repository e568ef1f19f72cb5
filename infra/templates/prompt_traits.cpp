#include "infra/templates/prompt_traits.hpp"

#include <algorithm>
#include <set>

#include "infra/templates/prompt_words.hpp"
#include "core/text_escape.hpp"

namespace spawn {

namespace {

using tokens = std::vector<prompt_token>;
using word_list = std::initializer_list<std::string_view>;

bool one_of(std::string_view w, word_list ws) {
  return std::find(ws.begin(), ws.end(), w) != ws.end();
}

bool one_of(std::string_view w, const std::vector<std::string_view>& ws) {
  return std::find(ws.begin(), ws.end(), w) != ws.end();
}

bool is_punct(const prompt_token& t) {
  return !t.word;
}

/// Up to `max_words` words after `from`, skipping leading articles/verbs and
/// stopping at punctuation or a stop word; "of"/"de" link two nouns. Returns
/// the phrase as written in `prompt` ("verres d'eau").
std::string phrase_at(std::string_view prompt, const tokens& ts, std::size_t from,
                      std::size_t max_words) {
  std::vector<const prompt_token*> out;
  std::size_t i = from;
  while (i < ts.size() && ts[i].word && is_skippable_lead(ts[i].folded))
    ++i;
  for (; i < ts.size() && out.size() < max_words; ++i) {
    const auto& t = ts[i];
    if (is_punct(t) || is_stop_word(t.folded))
      break;
    bool linker = one_of(t.folded, {"of", "de", "du", "des", "d"});
    if (linker && (out.empty() || i + 1 >= ts.size() || !ts[i + 1].word
                   || is_stop_word(ts[i + 1].folded)))
      break;
    out.push_back(&t);
  }
  while (!out.empty() && one_of(out.back()->folded, {"of", "de", "du", "des", "d"}))
    out.pop_back();
  if (out.empty())
    return {};
  auto begin = out.front()->pos;
  auto end = out.back()->pos + out.back()->text.size();
  return std::string{prompt.substr(begin, end - begin)};
}

/// The phrase after the first of `triggers`, or "".
std::string phrase_after(std::string_view prompt, const tokens& ts, word_list triggers,
                         std::size_t max_words) {
  for (std::size_t i = 0; i < ts.size(); ++i)
    if (ts[i].word && one_of(ts[i].folded, triggers))
      if (auto p = phrase_at(prompt, ts, i + 1, max_words); !p.empty())
        return p;
  return {};
}

bool french_text(const tokens& ts) {
  int fr = 0;
  int en = 0;
  for (auto& t : ts) {
    if (one_of(t.folded, {"un", "une", "le", "la", "les", "des", "avec", "pour", "et",
                          "qui", "de", "du", "mon", "ma", "mes", "je", "veux", "sur",
                          "theme", "minuteur", "taches", "l", "d", "moi", "fais"}))
      ++fr;
    if (one_of(t.folded, {"a", "an", "the", "with", "for", "and", "that", "my", "to",
                          "of", "make", "me", "want", "about", "app", "i"}))
      ++en;
  }
  return fr > en;
}

void read_colours(const tokens& ts, prompt_traits& t, std::set<std::size_t>& used) {
  bool black = false;
  bool white = false;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    auto hex = ts[i].word ? colour_hex(ts[i].folded) : "";
    if (hex.empty())
      continue;
    // "light blue", "dark red", "bleu clair", "vert foncé" are shades, not themes.
    int shade = 0;
    if (i > 0 && one_of(ts[i - 1].folded, {"light", "pale", "pastel", "soft", "bright"})) {
      shade = 1;
      used.insert(i - 1);
    } else if (i > 0 && one_of(ts[i - 1].folded, {"dark", "deep"})) {
      shade = -1;
      used.insert(i - 1);
    }
    if (i + 1 < ts.size() && one_of(ts[i + 1].folded, {"clair", "claire", "pale", "pastel"})) {
      shade = 1;
      used.insert(i + 1);
    } else if (i + 1 < ts.size() && one_of(ts[i + 1].folded, {"fonce", "foncee", "sombre"})) {
      shade = -1;
      used.insert(i + 1);
    }
    if (one_of(ts[i].folded, {"black", "noir", "noire"})) {
      black = true;
      continue;
    }
    if (one_of(ts[i].folded, {"white", "blanc", "blanche"})) {
      white = true;
      continue;
    }
    if (!t.accent.empty())
      continue;
    if (shade != 0) {
      // Mix 35% towards white or black.
      std::string out = "#";
      for (int k = 0; k < 3; ++k) {
        int v = std::stoi(hex.substr(1 + 2 * k, 2), nullptr, 16);
        v = shade > 0 ? v + (255 - v) * 35 / 100 : v * 65 / 100;
        const char* digits = "0123456789abcdef";
        out += digits[v / 16];
        out += digits[v % 16];
      }
      hex = out;
    }
    t.accent = hex;
    t.accent_name = ts[i].text;
  }
  if (black && !white)
    t.theme = theme_kind::dark;
  else if (white && !black)
    t.theme = theme_kind::light;
}

void read_theme(const tokens& ts, prompt_traits& t, const std::set<std::size_t>& used) {
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (used.count(i) || !ts[i].word)
      continue;
    const auto& w = ts[i].folded;
    if (one_of(w, {"dark", "night", "midnight", "dim", "sombre", "nuit", "darkmode",
                   "dark-mode", "dark-themed"})) {
      t.theme = theme_kind::dark;
      return;
    }
    if (one_of(w, {"light", "bright", "clair", "claire", "lumineux", "light-mode",
                   "lightmode", "light-themed", "day"})) {
      t.theme = theme_kind::light;
      return;
    }
  }
}

void read_numbers(const tokens& ts, prompt_traits& t) {
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (!ts[i].number || ts[i].text.size() > 12)
      continue;
    auto n = std::stoll(ts[i].text);
    t.numbers.push_back(n);
    if (i + 1 >= ts.size())
      continue;
    const auto& unit = ts[i + 1].folded;
    int scale = one_of(unit, {"min", "mins", "minute", "minutes", "mn", "m"}) ? 60
                : one_of(unit, {"sec", "secs", "second", "seconds", "s", "seconde",
                                "secondes"}) ? 1
                : one_of(unit, {"h", "hr", "hrs", "hour", "hours", "heure", "heures"}) ? 3600
                : 0;
    if (scale == 0 || n <= 0 || n > 24 * 60)
      continue;
    duration_mention d;
    d.seconds = static_cast<int>(n) * scale;
    // The role is told by the words around the duration.
    bool brk = false;
    bool lng = false;
    bool work = false;
    auto lo = i >= 3 ? i - 3 : 0;
    for (auto k = lo; k < std::min(ts.size(), i + 5); ++k) {
      if (k == i || k == i + 1)
        continue;
      if (k > i + 1 && (is_punct(ts[k]) || one_of(ts[k].folded, {"and", "et"})))
        break;
      const auto& w = ts[k].folded;
      brk = brk || one_of(w, {"break", "breaks", "pause", "pauses", "rest", "repos"});
      lng = lng || one_of(w, {"long", "longue", "longer"});
      work = work || one_of(w, {"work", "focus", "session", "sessions", "travail",
                                "concentration", "study", "etude"});
    }
    d.role = brk ? (lng ? "long_break" : "break") : work ? "work" : "";
    t.durations.push_back(d);
  }
}

void read_fields(const tokens& ts, prompt_traits& t) {
  static const std::vector<std::string_view> triggers = {
    "with", "avec", "fields", "champs", "asking", "asks", "collecting", "collects",
    "including", "containing", "having", "demandant", "comprenant", "contenant",
    "has", "collect", "capture", "captures", "for"};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (!ts[i].word || !one_of(ts[i].folded, triggers))
      continue;
    std::size_t k = i + 1;
    bool listed = false; // a list needs a separator or the trigger "fields"
    std::vector<std::string> items;
    std::string item;
    auto close_item = [&] {
      if (!item.empty())
        items.push_back(item);
      item.clear();
    };
    std::size_t words_in_item = 0;
    for (; k < ts.size(); ++k) {
      const auto& tk = ts[k];
      if (tk.text == "," || tk.text == "/" || tk.text == "&"
          || one_of(tk.folded, {"and", "et", "or", "ou", "plus"})) {
        listed = true;
        close_item();
        words_in_item = 0;
        continue;
      }
      if (tk.text == ":")
        continue;
      if (is_punct(tk) || (is_stop_word(tk.folded) && !one_of(tk.folded, {"for"})))
        break;
      if (item.empty() && (is_article(tk.folded)
                           || one_of(tk.folded, {"fields", "field", "champs", "champ",
                                                 "for", "inputs", "input"})))
        continue;
      if (++words_in_item > 4)
        continue;
      item += (item.empty() ? "" : " ") + tk.text;
    }
    close_item();
    if (!listed && !one_of(ts[i].folded, {"fields", "champs"}))
      continue;
    for (auto& it : items) {
      auto f = fold(it);
      bool style = f.empty() || (f[0] >= '0' && f[0] <= '9');
      for (auto& w : tokenise(f))
        style = style || (is_descriptor(w.folded) && !one_of(w.folded, {"color", "colour", "couleur"}));
      if (!style && seen.insert(f).second && t.fields.size() < 12)
        t.fields.push_back(it);
    }
  }
}

} // namespace

bool prompt_traits::has(std::string_view w) const {
  return std::find(words.begin(), words.end(), w) != words.end();
}

int prompt_traits::find(std::string_view p) const {
  auto parts = tokenise(p);
  if (parts.empty())
    return -1;
  for (std::size_t i = 0; i + parts.size() <= words.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < parts.size() && match; ++k)
      match = words[i + k] == parts[k].folded;
    if (match)
      return static_cast<int>(i);
  }
  return -1;
}

bool prompt_traits::has_any(std::initializer_list<std::string_view> ws) const {
  return std::any_of(ws.begin(), ws.end(), [&](auto w) { return find(w) >= 0; });
}

prompt_traits analyse_prompt(std::string_view prompt) {
  prompt_traits t;
  t.prompt = sanitise_utf8(prompt);
  auto ts = tokenise(t.prompt);
  for (auto& tk : ts)
    if (tk.word)
      t.words.push_back(tk.folded);
  t.french = french_text(ts);
  std::set<std::size_t> shades;
  read_colours(ts, t, shades);
  if (t.theme == theme_kind::automatic)
    read_theme(ts, t, shades);
  read_numbers(ts, t);
  read_fields(ts, t);
  t.topic = phrase_after(t.prompt, ts, {"about", "on", "regarding", "covering", "sur",
                              "concernant", "propos"}, 4);
  if (t.topic.empty())
    for (std::size_t i = 1; i < ts.size() && t.topic.empty(); ++i)
      if (one_of(ts[i].folded, {"quiz", "trivia", "quizz", "questionnaire"})) {
        auto k = i;
        while (k > 0 && ts[k - 1].word && !is_filler(ts[k - 1].folded)
               && !is_descriptor(ts[k - 1].folded) && !is_stop_word(ts[k - 1].folded)
               && i - k < 2)
          --k;
        for (auto j = k; j < i; ++j)
          t.topic += (j > k ? " " : "") + ts[j].text;
      }
  t.subject = phrase_after(t.prompt, ts, {"for", "pour", "manage", "managing", "track", "tracking",
                                "store", "storing", "count", "counting", "gerer",
                                "suivre", "gestion", "compter", "stocker", "log",
                                "logging", "record", "recording"}, 4);
  read_title(ts, t);
  return t;
}

} // namespace spawn
