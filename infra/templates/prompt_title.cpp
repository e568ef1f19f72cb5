// Title extraction of the prompt analysis: a name the prompt gives
// ("called \"Focus\""), else its head noun phrase ("pomodoro timer"), else a
// clause after "that"/"to"/"for" ("track water intake").

#include <algorithm>
#include <string>
#include <vector>

#include "infra/templates/prompt_words.hpp"
#include "core/text_escape.hpp"

namespace spawn {

namespace {

using tokens = std::vector<prompt_token>;

bool one_of(std::string_view w, std::initializer_list<std::string_view> ws) {
  return std::find(ws.begin(), ws.end(), w) != ws.end();
}

bool one_of(std::string_view w, const std::vector<std::string_view>& ws) {
  return std::find(ws.begin(), ws.end(), w) != ws.end();
}

bool is_punct(const prompt_token& t) {
  return !t.word;
}

/// A name given in quotes or after "called"/"named"/"nommé".
std::string named_title(std::string_view prompt, const tokens& ts) {
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (ts[i].folded != "\"")
      continue;
    for (std::size_t k = i + 1; k < ts.size(); ++k)
      if (ts[k].folded == "\"") {
        auto from = ts[i].pos + ts[i].text.size();
        auto text = sanitise_utf8(prompt.substr(from, ts[k].pos - from), 60);
        if (!text.empty())
          return text;
        break;
      }
  }
  static const std::vector<std::string_view> naming = {
    "called", "named", "titled", "entitled", "nomme", "nommee", "appele",
    "appelee", "intitule", "intitulee", "baptise", "baptisee"};
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (!ts[i].word || !one_of(ts[i].folded, naming))
      continue;
    auto after = ts[i].pos + ts[i].text.size();
    auto rest = prompt.substr(after);
    auto first = rest.find_first_not_of(' ');
    if (first != std::string_view::npos && rest[first] == '\'') {
      auto close = rest.find('\'', first + 1);
      if (close != std::string_view::npos && close > first + 1)
        return sanitise_utf8(rest.substr(first + 1, close - first - 1), 60);
    }
    std::string name;
    for (std::size_t k = i + 1, n = 0; k < ts.size() && n < 4; ++k, ++n) {
      if (is_punct(ts[k]) || is_stop_word(ts[k].folded))
        break;
      name += (name.empty() ? "" : " ") + title_word(ts[k].text, ts[k].folded, n == 0);
    }
    if (!name.empty())
      return name;
  }
  return {};
}

/// Title-cases up to five kept words of ts[from..], dropping descriptors.
std::string noun_phrase(const tokens& ts, std::size_t from, bool stop_at_generic_only) {
  std::vector<const prompt_token*> kept;
  std::size_t i = from;
  while (i < ts.size() && (!ts[i].word || is_filler(ts[i].folded) || is_skippable_lead(ts[i].folded)
                           || (one_of(ts[i].folded, {"hello", "thanks", "merci"})
                               && i + 1 < ts.size() && !ts[i + 1].word)))
    ++i;
  for (; i < ts.size(); ++i) {
    const auto& t = ts[i];
    if (is_punct(t) && t.text != "-")
      break;
    // "to do list" reads as one word.
    if (t.folded == "to" && i + 1 < ts.size() && ts[i + 1].folded == "do") {
      static const prompt_token todo{"To-Do", "to-do", 0, true, false};
      kept.push_back(&todo);
      ++i;
      continue;
    }
    if (kept.empty() && one_of(t.folded, {"and", "et", "or", "ou"}))
      continue; // "a black and gold dashboard"
    if (is_stop_word(t.folded))
      break;
    bool linker = one_of(t.folded, {"of", "de", "du", "des", "d"});
    if (linker && (i + 1 >= ts.size() || ts[i + 1].number))
      break;
    if (is_descriptor(t.folded) || is_article(t.folded) || is_filler(t.folded)) {
      if (linker && !kept.empty())
        kept.push_back(&t);
      continue;
    }
    kept.push_back(&t);
  }
  while (!kept.empty() && one_of(kept.back()->folded, {"of", "de", "du", "des", "d"}))
    kept.pop_back();
  bool all_generic = std::all_of(kept.begin(), kept.end(),
                                 [](auto* k) { return is_generic_noun(k->folded); });
  if (kept.empty() || (stop_at_generic_only && all_generic))
    return {};
  // Trailing generic nouns add nothing ("pomodoro timer app").
  while (kept.size() > 1 && is_generic_noun(kept.back()->folded))
    kept.pop_back();
  if (kept.size() > 5)
    kept.resize(5);
  std::string out;
  for (std::size_t k = 0; k < kept.size(); ++k)
    out += (k ? " " : "") + title_word(kept[k]->text, kept[k]->folded, k == 0);
  return out;
}

} // namespace

void read_title(const tokens& ts, prompt_traits& t) {
  if (auto named = named_title(t.prompt, ts); !named.empty()) {
    t.title = named;
    t.title_from = title_source::named;
    return;
  }
  if (auto head = noun_phrase(ts, 0, true); !head.empty()) {
    t.title = head;
    t.title_from = title_source::head;
    return;
  }
  for (std::size_t i = 0; i < ts.size(); ++i)
    if (ts[i].word && one_of(ts[i].folded, {"that", "which", "to", "for", "pour", "qui",
                                            "where", "ou", "so", "afin"}))
      if (auto clause = noun_phrase(ts, i + 1, false); !clause.empty()) {
        t.title = clause;
        t.title_from = title_source::clause;
        return;
      }
}

} // namespace spawn
