#include "infra/template_edits.hpp"

#include <algorithm>
#include <regex>

#include "core/error.hpp"
#include "core/turns.hpp"
#include "infra/template_generator.hpp"
#include "infra/templates/prompt_words.hpp"
#include "infra/templates/templates.hpp"

namespace spawn {

using nlohmann::json;

const char* const template_edit_help =
  "The offline generator can change: the title or name (\"call it Focus\"), the colours "
  "(\"make it purple\", \"accent #0ea5e9\"), dark or light theme, the font size (\"bigger "
  "text\", \"font size 120%\"), the language (\"in French\", \"in English\"), a field of a "
  "form or an API resource (\"add a phone field\", \"remove the message field\"), durations "
  "(\"breaks of 10 minutes\") and limits (\"12 questions\", \"a goal of 8\").";

bool template_edit::empty() const {
  return !title && !accent && !theme && !french && !font_percent && font_step == 0
         && add_fields.empty() && remove_fields.empty() && durations.empty() && !limit;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string s) {
  auto strip = [](unsigned char c) {
    return std::isspace(c) || c == '"' || c == '\'' || c == '.' || c == '!' || c == ',';
  };
  while (!s.empty() && strip(static_cast<unsigned char>(s.back())))
    s.pop_back();
  size_t i = 0;
  while (i < s.size() && strip(static_cast<unsigned char>(s[i])))
    ++i;
  return s.substr(std::min(i, s.size()));
}

/// The text up to the next clause of the instruction (" and make ...", ", ").
std::string clause_head(const std::string& s) {
  static const std::regex cut{R"re((\s+(and|et|then|puis|with|avec)\s+|[,;]|\.\s))re",
                              std::regex::icase};
  std::smatch m;
  if (std::regex_search(s, m, cut))
    return s.substr(0, static_cast<size_t>(m.position(0)));
  return s;
}

std::optional<std::string> read_title(const std::string& text) {
  // A quoted name after a naming verb wins; else the clause after it.
  static const std::regex quoted{
    R"re((?:call|name|rename|title|retitle|appelle|nomme|renomme|titre)[^"]*?"([^"]{1,80})")re",
    std::regex::icase};
  static const std::regex plain{
    R"re((?:\bcall (?:it|the app|this app|the page)|\bname (?:it|the app)|\brename (?:it|the app|this app)?\s*(?:to|as)?|\b(?:change|set) the (?:title|name)(?: of the app)? to|\btitle (?:it )?|\bappelle[- ]?(?:la|le|l'appli|l'application)?|\brenomme[- ]?(?:la|le)?\s*(?:en)?|\bchange le (?:titre|nom) en|\btitre\s*:)\s+(.{1,80}))re",
    std::regex::icase};
  std::smatch m;
  if (std::regex_search(text, m, quoted))
    return trim(m[1].str());
  if (std::regex_search(text, m, plain)) {
    auto t = trim(clause_head(m[1].str()));
    if (!t.empty())
      return t;
  }
  return std::nullopt;
}

std::optional<bool> read_language(const std::string& folded) {
  static const std::regex fr{
    R"re(\b(in|to|into) french\b|\bfrench (ui|interface|language|version)\b|\ben francais\b|\bfrancais\b.*\b(langue|interface)\b|\b(langue|interface)\b.*\bfrancais\b|\btranslate.*\bfrench\b|\btradui[st].*\bfrancais\b)re"};
  static const std::regex en{
    R"re(\b(in|to|into|back to) english\b|\benglish (ui|interface|language|version)\b|\ben anglais\b|\btranslate.*\benglish\b|\btradui[st].*\banglais\b)re"};
  if (std::regex_search(folded, fr))
    return true;
  if (std::regex_search(folded, en))
    return false;
  return std::nullopt;
}

void read_font(const std::string& folded, template_edit& e) {
  static const std::regex about{R"re(\b(font|fonts|text|texts|type|police|texte|caracteres|lettres|writing|letters)\b)re"};
  if (!std::regex_search(folded, about))
    return;
  std::smatch m;
  static const std::regex pct{R"re(\b(\d{2,3})\s*%)re"};
  static const std::regex px{R"re(\b(\d{1,2})\s*px\b)re"};
  if (std::regex_search(folded, m, pct)) {
    e.font_percent = std::clamp(std::stoi(m[1].str()), 60, 200);
    return;
  }
  if (std::regex_search(folded, m, px)) {
    e.font_percent = std::clamp(std::stoi(m[1].str()) * 100 / 16, 60, 200);
    return;
  }
  static const std::regex bigger{
    R"re(\b(bigger|larger|big|large|increase|enlarge|more readable|plus grande?s?|plus gros|agrandi[rs]?|grossi[rs]?|huge)\b)re"};
  static const std::regex smaller{
    R"re(\b(smaller|small|tiny|decrease|reduce|shrink|plus petite?s?|rapetisse|reduis|diminue)\b)re"};
  if (std::regex_search(folded, smaller))
    e.font_step = -1;
  else if (std::regex_search(folded, bigger))
    e.font_step = 1;
}

std::vector<std::string> split_names(std::string s) {
  static const std::regex sep{R"re(\s*(,|\band\b|\bet\b|&)\s*)re", std::regex::icase};
  std::vector<std::string> out;
  std::sregex_token_iterator it{s.begin(), s.end(), sep, -1}, end;
  for (; it != end; ++it) {
    auto name = trim(it->str());
    static const std::regex lead{
      R"re(^(a|an|the|new|another|un|une|le|la|les|des|nouveau|nouvelle|field|fields|champ|champs|column|columns|colonne|property|called|named|for|pour|nomme|appele|intitule)\s+)re",
      std::regex::icase};
    static const std::regex tail{
      R"re(\s+(field|fields|champ|champs|column|columns|colonne|property|input)$)re",
      std::regex::icase};
    for (int k = 0; k < 4; ++k)
      name = std::regex_replace(name, lead, "");
    name = std::regex_replace(name, tail, "");
    name = trim(name);
    if (!name.empty() && name.size() <= 60) {
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      out.push_back(name);
    }
  }
  return out;
}

void read_fields(const std::string& text, template_edit& e) {
  auto folded = lower(text);
  static const std::regex noun{R"re(\b(fields?|champs?|columns?|colonnes?|propert(y|ies)|inputs?|questions? to the form)\b)re"};
  if (!std::regex_search(folded, noun))
    return;
  // "add a phone field", "add fields phone and company to the form",
  // "remove the message field", "ajoute un champ téléphone".
  static const std::regex add{
    R"re(\b(?:add|include|ajoute[rz]?|ajouter)\s+(.+?)(?:\s+(?:to|in|into|on|au|a|dans|sur)\s+(?:the|this|my|le|la|ce|cette|mon|ma)\b.*)?$)re",
    std::regex::icase};
  static const std::regex remove{
    R"re(\b(?:remove|delete|drop|get rid of|take out|enleve[rz]?|supprime[rz]?|retire[rz]?)\s+(.+?)(?:\s+(?:from|of|du|de la|de)\s+(?:the|this|my|le|la|ce|cette|mon|ma)?\b.*)?$)re",
    std::regex::icase};
  std::smatch m;
  auto head = clause_head(text);
  if (std::regex_search(text, m, remove))
    e.remove_fields = split_names(m[1].str());
  else if (std::regex_search(text, m, add))
    e.add_fields = split_names(m[1].str());
  (void) head;
}

void read_limit(const std::string& folded, template_edit& e) {
  std::smatch m;
  static const std::regex limit{
    R"re(\b(?:limit|limited|cap|max|maximum|at most|up to|goal|target|objectif|jusqu'a|au plus)\b\D{0,24}?(\d{1,7})\b|\b(\d{1,3})\s+(?:questions?|rounds?|items?|tours?)\b)re"};
  if (std::regex_search(folded, m, limit)) {
    auto n = m[1].matched ? m[1].str() : m[2].str();
    e.limit = std::stoll(n);
  }
}

std::string theme_name(theme_kind t) {
  return t == theme_kind::dark ? "dark" : t == theme_kind::light ? "light" : "auto";
}

bool same_name(const std::string& a, const std::string& b) {
  auto fa = lower(a), fb = lower(b);
  return fa == fb || fa.rfind(fb, 0) == 0 || fb.rfind(fa, 0) == 0;
}

/// The fields the app shows now (its edits or the template's own), or none
/// when the template has no form or resource fields.
std::optional<std::vector<std::string>> current_fields(const std::string& template_name,
                                                       const prompt_traits& traits) {
  if (template_name == "form")
    return form_fields(traits);
  if (template_name == "crud_api")
    return crud_fields(traits);
  return std::nullopt;
}

prompt_traits traits_of(const generation_request& req) {
  return analyse_prompt(req.prompt);
}

} // namespace

template_edit parse_instruction(std::string_view instruction) {
  template_edit e;
  // Curly and French quotes read as straight ones.
  std::string text;
  for (size_t i = 0; i < instruction.size(); ++i) {
    auto rest = instruction.substr(i);
    if (rest.rfind("\xe2\x80\x9c", 0) == 0 || rest.rfind("\xe2\x80\x9d", 0) == 0) {
      text += '"';
      i += 2;
    } else if (rest.rfind("\xc2\xab", 0) == 0 || rest.rfind("\xc2\xbb", 0) == 0) {
      text += '"';
      i += 1;
    } else {
      text += instruction[i];
    }
  }
  auto traits = analyse_prompt(text);
  std::string folded;
  for (auto& w : traits.words)
    folded += w + " ";
  // Fields first: "add a field called Colour" names no colour.
  read_fields(text, e);
  bool fields = !e.add_fields.empty() || !e.remove_fields.empty();
  e.title = read_title(text);
  if (!e.title && traits.title_from == title_source::named && !traits.title.empty())
    e.title = traits.title;
  if (!fields && !e.title) {
    if (!traits.accent.empty())
      e.accent = traits.accent;
    static const std::regex hex{R"re(#[0-9a-fA-F]{6}\b)re"};
    std::smatch m;
    if (std::regex_search(text, m, hex))
      e.accent = lower(m[0].str());
  }
  if (!e.title && !fields) {
    auto darker = std::regex_search(folded, std::regex{R"re(\b(darker|dark theme|dark mode|mode sombre|theme sombre)\b)re"});
    auto lighter = std::regex_search(folded, std::regex{R"re(\b(lighter|light theme|light mode|mode clair|theme clair)\b)re"});
    if (darker)
      e.theme = theme_kind::dark;
    else if (lighter)
      e.theme = theme_kind::light;
    else if (traits.theme != theme_kind::automatic)
      e.theme = traits.theme;
  }
  e.french = read_language(folded);
  read_font(folded + " " + lower(text), e); // "%" and "px" are not words
  if (e.font_step != 0 || e.font_percent) {
    // "bigger text" says nothing about colours or themes ("bright" is not light).
    if (e.theme && !std::regex_search(folded, std::regex{R"re(\b(dark|light|sombre|clair|theme|mode)\b)re"}))
      e.theme.reset();
  }
  if (!fields && !e.font_percent) {
    for (auto& d : traits.durations)
      e.durations.push_back(d);
    if (e.durations.empty())
      read_limit(folded, e);
  }
  return e;
}

void apply_edits_to_traits(prompt_traits& traits, const json& edits) {
  if (!edits.is_object())
    return;
  if (edits.contains("accent"))
    traits.accent = edits["accent"].get<std::string>();
  if (edits.contains("theme")) {
    auto t = edits["theme"].get<std::string>();
    traits.theme = t == "dark" ? theme_kind::dark : t == "light" ? theme_kind::light
                                                                 : theme_kind::automatic;
  }
  if (edits.contains("french"))
    traits.french = edits["french"].get<bool>();
  if (edits.contains("fields")) {
    traits.fields.clear();
    for (auto& f : edits["fields"])
      traits.fields.push_back(f.get<std::string>());
  }
  if (edits.contains("durations")) {
    for (auto& d : edits["durations"]) {
      duration_mention m;
      m.seconds = d.value("seconds", 0);
      m.role = d.value("role", "");
      auto same = std::find_if(traits.durations.begin(), traits.durations.end(),
                               [&](const duration_mention& x) { return x.role == m.role; });
      if (same != traits.durations.end())
        *same = m;
      else
        traits.durations.insert(traits.durations.begin(), m);
    }
  }
  if (edits.contains("limit"))
    traits.numbers.insert(traits.numbers.begin(), edits["limit"].get<long long>());
}

caf::expected<template_turn> apply_template_instruction(const generation_request& req) {
  auto& base = req.base;
  if (base.template_name.empty())
    return make_error(errc::invalid_input,
                      "this app was not made by the offline templates, so they cannot edit it");
  auto edit = parse_instruction(req.instruction);
  if (edit.empty())
    return make_error(errc::invalid_input,
                      std::string{"The offline generator cannot do this instruction. "}
                        + template_edit_help);
  auto state = json::parse(base.edits.empty() ? "{}" : base.edits, nullptr, false);
  if (!state.is_object())
    state = json::object();
  auto before = render_template(req, base.template_name, state);
  if (!before)
    return before.error();
  template_turn out;
  // Each part on its own, so one that changes nothing is said, not ignored.
  auto attempt = [&](const std::string& what, const std::string& why_not, auto change) {
    auto next = state;
    change(next);
    auto app = render_template(req, base.template_name, next);
    if (app && !same_files(*app, *before)) {
      state = next;
      before = std::move(app);
      out.done.push_back(what);
    } else {
      out.not_done.push_back(why_not);
    }
  };
  if (edit.title)
    attempt("the title is now \xe2\x80\x9c" + *edit.title + "\xe2\x80\x9d",
            "the title is already \xe2\x80\x9c" + *edit.title + "\xe2\x80\x9d",
            [&](json& s) { s["title"] = *edit.title; });
  if (edit.accent)
    attempt("the accent colour is now " + *edit.accent,
            "the accent colour is already " + *edit.accent,
            [&](json& s) { s["accent"] = *edit.accent; });
  if (edit.theme)
    attempt("the theme is now " + theme_name(*edit.theme),
            "the theme is already " + theme_name(*edit.theme),
            [&](json& s) { s["theme"] = theme_name(*edit.theme); });
  if (edit.french)
    attempt(*edit.french ? "the interface is now in French" : "the interface is now in English",
            *edit.french ? "the interface is already in French (or this template has no French version)"
                         : "the interface is already in English",
            [&](json& s) { s["french"] = *edit.french; });
  if (edit.font_percent || edit.font_step != 0) {
    int now = state.value("font_percent", 100);
    int pct = edit.font_percent ? *edit.font_percent
                                : std::clamp(now + edit.font_step * 15, 60, 200);
    bool has_page = std::any_of(before->files.begin(), before->files.end(), [](const app_file& f) {
      return f.path.size() > 5 && f.path.compare(f.path.size() - 5, 5, ".html") == 0;
    });
    if (!has_page)
      out.not_done.push_back("this app has no page whose font size could change");
    else
      attempt("the font size is now " + std::to_string(pct) + "%",
              "the font size is already " + std::to_string(pct) + "%",
              [&](json& s) { s["font_percent"] = pct; });
  }
  if (!edit.add_fields.empty() || !edit.remove_fields.empty()) {
    auto traits = traits_of(req);
    apply_edits_to_traits(traits, state);
    auto fields = current_fields(base.template_name, traits);
    if (!fields) {
      out.not_done.push_back("this app (the " + base.template_name
                             + " template) has no form or resource fields to change");
    } else {
      auto list = *fields;
      std::vector<std::string> added, removed, missing;
      for (auto& name : edit.remove_fields) {
        auto it = std::find_if(list.begin(), list.end(),
                               [&](const std::string& f) { return same_name(f, name); });
        if (it == list.end()) {
          missing.push_back(name);
          continue;
        }
        removed.push_back(*it);
        list.erase(it);
      }
      for (auto& name : edit.add_fields)
        if (std::none_of(list.begin(), list.end(),
                         [&](const std::string& f) { return lower(f) == lower(name); })) {
          list.push_back(name);
          added.push_back(name);
        }
      for (auto& m : missing)
        out.not_done.push_back("there is no field \xe2\x80\x9c" + m + "\xe2\x80\x9d");
      if (list.empty()) {
        out.not_done.push_back("a form or resource needs at least one field");
      } else if (!added.empty() || !removed.empty()) {
        std::string what;
        for (auto& a : added)
          what += (what.empty() ? "added the field \xe2\x80\x9c" : ", added \xe2\x80\x9c") + a + "\xe2\x80\x9d";
        for (auto& r : removed)
          what += (what.empty() ? "removed the field \xe2\x80\x9c" : ", removed \xe2\x80\x9c") + r + "\xe2\x80\x9d";
        attempt(what, "the fields are already so", [&](json& s) { s["fields"] = list; });
      } else if (missing.empty()) {
        out.not_done.push_back("the fields are already so");
      }
    }
  }
  if (!edit.durations.empty()) {
    json ds = json::array();
    std::string what;
    for (auto& d : edit.durations) {
      ds.push_back({{"seconds", d.seconds}, {"role", d.role}});
      auto label = d.role == "break" ? "breaks" : d.role == "long_break" ? "long breaks"
                   : d.role == "work" ? "focus" : "the duration";
      what += std::string{what.empty() ? "" : ", "} + label + " "
              + (d.seconds % 60 == 0 ? std::to_string(d.seconds / 60) + " min"
                                     : std::to_string(d.seconds) + " s");
    }
    attempt(what, "this app has no such duration (or it is already so)", [&](json& s) {
      auto merged = s.value("durations", json::array());
      for (auto& d : ds) {
        auto it = std::find_if(merged.begin(), merged.end(),
                               [&](const json& x) { return x.value("role", "") == d["role"]; });
        if (it != merged.end())
          *it = d;
        else
          merged.push_back(d);
      }
      s["durations"] = merged;
    });
  }
  if (edit.limit)
    attempt("the limit is now " + std::to_string(*edit.limit),
            "this app has no limit that " + std::to_string(*edit.limit) + " could set",
            [&](json& s) { s["limit"] = *edit.limit; });
  if (out.done.empty()) {
    std::string why;
    for (auto& n : out.not_done)
      why += (why.empty() ? "" : "; ") + n;
    return make_error(errc::invalid_input, "Nothing changed: " + why + ".");
  }
  out.app = std::move(*before);
  out.app.backend = base.backend.empty() ? "template" : base.backend;
  std::string summary;
  for (auto& d : out.done)
    summary += (summary.empty() ? "" : "; ") + d;
  summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
  summary += ".";
  if (!out.not_done.empty()) {
    summary += " Not done: ";
    for (size_t i = 0; i < out.not_done.size(); ++i)
      summary += (i ? "; " : "") + out.not_done[i];
    summary += ".";
  }
  out.app.summary = summary;
  return out;
}

} // namespace spawn
