#include "infra/templates/prompt_words.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "core/text_escape.hpp"

namespace spawn {

namespace {

using word_set = std::set<std::string_view>;

bool in(const word_set& s, std::string_view w) {
  return s.count(w) > 0;
}

bool ascii_alnum(unsigned char c) {
  return std::isalnum(c) != 0;
}

/// Length of a typographic quote or apostrophe at `s[i]`, its ASCII fold in `as`.
std::size_t typographic_mark(std::string_view s, std::size_t i, char& as) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (i + 1 < s.size() && at(0) == 0xC2 && (at(1) == 0xAB || at(1) == 0xBB)) {
    as = '"';
    return 2;
  }
  if (i + 2 < s.size() && at(0) == 0xE2 && at(1) == 0x80) {
    if (at(2) == 0x9C || at(2) == 0x9D) {
      as = '"';
      return 3;
    }
    if (at(2) == 0x98 || at(2) == 0x99) {
      as = '\'';
      return 3;
    }
  }
  return 0;
}

} // namespace

std::vector<prompt_token> tokenise(std::string_view s) {
  std::vector<prompt_token> out;
  std::size_t i = 0;
  auto flush_word = [&](std::size_t start, std::size_t end) {
    if (end <= start)
      return;
    prompt_token t;
    t.text = std::string{s.substr(start, end - start)};
    while (!t.text.empty() && t.text.back() == '-')
      t.text.pop_back();
    if (t.text.empty())
      return;
    t.folded = fold(t.text);
    t.pos = start;
    t.word = true;
    t.number = std::all_of(t.text.begin(), t.text.end(),
                           [](char c) { return c >= '0' && c <= '9'; });
    out.push_back(std::move(t));
  };
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    char mark = 0;
    if (auto len = typographic_mark(s, i, mark)) {
      if (mark == '"')
        out.push_back({std::string{s.substr(i, len)}, "\"", i, false, false});
      i += len;
      continue;
    }
    if (c == ' ' || c == '\'') {
      ++i;
      continue;
    }
    if (c < 0x80 && !ascii_alnum(c)) {
      out.push_back({std::string(1, s[i]), std::string(1, s[i]), i, false, false});
      ++i;
      continue;
    }
    // A word: ASCII letters/digits, any non-ASCII letter, inner hyphens.
    auto start = i;
    bool digits_only = true;
    while (i < s.size()) {
      auto d = static_cast<unsigned char>(s[i]);
      char m = 0;
      if (typographic_mark(s, i, m))
        break;
      if (d == '-' && i + 1 < s.size()
          && (ascii_alnum(static_cast<unsigned char>(s[i + 1])) || s[i + 1] & 0x80)) {
        digits_only = false;
        ++i;
        continue;
      }
      if (d < 0x80 && !ascii_alnum(d))
        break;
      bool digit = d >= '0' && d <= '9';
      if (!digit && digits_only && i > start) {
        flush_word(start, i); // "25min" -> "25" "min"
        start = i;
      }
      digits_only = digits_only && digit;
      ++i;
    }
    flush_word(start, i);
  }
  return out;
}

bool is_stop_word(std::string_view w) {
  static const word_set words{
    "with", "that", "which", "who", "where", "when", "while", "using", "and", "or",
    "but", "so", "to", "for", "in", "on", "at", "by", "from", "about", "featuring",
    "including", "having", "plus", "then", "please", "into", "like", "showing",
    "shows", "show", "where", "whose", "than", "if", "as", "per", "without", "via",
    "avec", "et", "ou", "qui", "que", "pour", "dans", "en", "sur", "par", "afin",
    "mais", "puis", "donc", "sans", "comme", "ayant", "quand", "lorsque", "asking",
    "asks", "allowing", "allows", "letting", "containing", "displaying",
    "collecting", "supporting", "within", "under", "over", "below", "above",
    "demandant", "contenant", "affichant", "permettant", "comprenant", "between", "among",
    "amongst", "entre", "parmi"};
  return in(words, w);
}

bool is_article(std::string_view w) {
  static const word_set words{
    "a", "an", "the", "my", "our", "your", "his", "her", "their", "its", "some",
    "all", "any", "this", "these", "those", "each", "every", "un", "une", "le", "la",
    "les", "l", "des", "du", "de", "d", "mon", "ma", "mes", "ton", "ta", "tes",
    "notre", "nos", "votre", "vos", "leur", "leurs", "ses", "son", "sa", "ce",
    "cet", "cette", "ces", "tout", "tous", "toutes", "quelques", "following"};
  return in(words, w);
}

bool is_skippable_lead(std::string_view w) {
  static const word_set verbs{
    "manage", "managing", "track", "tracking", "store", "storing", "keep", "keeping",
    "list", "listing", "handle", "handling", "count", "counting", "log", "logging",
    "record", "recording", "gerer", "suivre", "stocker", "lister", "compter", "gestion",
    "suivi", "noter", "enregistrer", "organise", "organize", "organising", "organizing",
    "organiser", "test", "practice", "practise", "learning", "learn", "apprendre",
    "reviser"};
  return is_article(w) || in(verbs, w);
}

bool is_filler(std::string_view w) {
  static const word_set words{
    "make", "create", "build", "generate", "give", "write", "code", "design",
    "develop", "need", "want", "i", "im", "me", "us", "please", "can", "could",
    "would", "you", "like", "let", "lets", "s", "just", "show", "get", "set", "up",
    "spawn", "produce", "implement", "program", "hey", "hi", "ok", "okay",
    "d", "ll", "love", "wish", "am", "looking", "some", "kind", "of", "sort",
    "fais", "fait", "faites", "fabrique", "cree", "creez", "creer", "genere",
    "generer", "ecris", "ecrire", "je", "j", "veux", "voudrais", "aimerais",
    "moi", "nous", "svp", "stp", "il", "te", "vous", "plait", "peux", "tu",
    "pourrais", "pouvez", "besoin", "realise", "realiser", "construis", "code",
    "developpe", "bonjour", "salut", "donne", "donnez", "ai", "faire"};
  if (in(words, w) || is_article(w))
    return true;
  // "crée-moi", "fais-moi": every hyphenated part is filler.
  auto dash = w.find('-');
  return dash != std::string_view::npos && dash > 0
         && is_filler(w.substr(0, dash)) && is_filler(w.substr(dash + 1));
}

bool is_descriptor(std::string_view w) {
  static const word_set words{
    "simple", "modern", "minimal", "minimalist", "minimalistic", "responsive",
    "basic", "clean", "sleek", "beautiful", "nice", "cute", "fancy", "little",
    "small", "big", "quick", "tiny", "lightweight", "elegant", "pretty", "cool",
    "awesome", "great", "good", "fun", "funny", "single", "one-page", "web",
    "online", "interactive", "mobile", "mobile-friendly", "friendly", "stylish",
    "dark", "light", "theme", "themed", "mode", "colour", "color", "colored",
    "coloured", "colorful", "colourful", "style", "styled", "design", "new",
    "accessible", "fast", "easy", "user-friendly", "professional", "neat",
    "sombre", "clair", "claire", "joli", "jolie", "moderne", "minimaliste",
    "petit", "petite", "grand", "grande", "beau", "belle", "rapide", "facile",
    "theme", "couleur", "couleurs", "nouveau", "nouvelle", "basique", "epure",
    "epuree", "night", "nuit", "bright", "pastel", "vif", "fonce", "foncee"};
  return in(words, w) || !colour_hex(w).empty();
}

bool is_generic_noun(std::string_view w) {
  static const word_set words{
    "app", "apps", "application", "webapp", "web-app", "website", "site", "page",
    "webpage", "web-page", "tool", "thing", "something", "program", "programme",
    "script", "appli", "outil", "logiciel", "utility", "widget", "project",
    "projet", "interface", "ui", "software", "one", "quelque", "chose", "truc",
    "stuff"};
  return in(words, w);
}

std::string colour_hex(std::string_view w) {
  static const std::pair<std::string_view, std::string_view> colours[] = {
    {"red", "#dc2626"}, {"rouge", "#dc2626"}, {"crimson", "#be123c"},
    {"scarlet", "#e5322d"}, {"maroon", "#881337"}, {"bordeaux", "#881337"},
    {"blue", "#2563eb"}, {"bleu", "#2563eb"}, {"bleue", "#2563eb"},
    {"navy", "#1e3a8a"}, {"marine", "#1e3a8a"}, {"sky", "#0ea5e9"},
    {"green", "#16a34a"}, {"vert", "#16a34a"}, {"verte", "#16a34a"},
    {"lime", "#65a30d"}, {"emerald", "#059669"}, {"mint", "#10b981"},
    {"menthe", "#10b981"}, {"olive", "#6b7f1a"}, {"purple", "#7c3aed"},
    {"violet", "#7c3aed"}, {"violette", "#7c3aed"}, {"lavender", "#8b5cf6"},
    {"lavande", "#8b5cf6"}, {"indigo", "#4f46e5"}, {"orange", "#ea580c"},
    {"pink", "#db2777"}, {"rose", "#db2777"}, {"magenta", "#c026d3"},
    {"fuchsia", "#c026d3"}, {"teal", "#0d9488"}, {"turquoise", "#14b8a6"},
    {"cyan", "#0891b2"}, {"aqua", "#06b6d4"}, {"yellow", "#eab308"},
    {"jaune", "#eab308"}, {"gold", "#d4a017"}, {"golden", "#d4a017"},
    {"dore", "#d4a017"}, {"doree", "#d4a017"}, {"amber", "#f59e0b"},
    {"brown", "#92400e"}, {"marron", "#92400e"}, {"brun", "#92400e"},
    {"coral", "#f97316"}, {"corail", "#f97316"}, {"salmon", "#fa8072"},
    {"saumon", "#fa8072"}, {"beige", "#b59f6b"}, {"gray", "#6b7280"},
    {"grey", "#6b7280"}, {"gris", "#6b7280"}, {"grise", "#6b7280"},
    {"silver", "#94a3b8"}, {"black", "#111827"}, {"noir", "#111827"},
    {"noire", "#111827"}, {"white", "#f9fafb"}, {"blanc", "#f9fafb"},
    {"blanche", "#f9fafb"}};
  for (auto& [name, hex] : colours)
    if (name == w)
      return std::string{hex};
  return {};
}

std::string title_word(const std::string& word, const std::string& folded, bool first) {
  static const word_set acronyms{
    "api", "crud", "rest", "json", "html", "css", "js", "bmi", "faq", "rsvp", "ui",
    "ai", "http", "url", "csv", "pdf", "sql", "tv", "diy", "kpi", "qcm", "id",
    "imc", "tva", "vat", "usa", "uk", "eu", "seo", "ip", "xml"};
  static const word_set small{
    "of", "and", "the", "a", "an", "for", "with", "in", "on", "to", "de", "du",
    "des", "la", "le", "les", "et", "a", "au", "aux", "en", "d", "l"};
  if (in(acronyms, folded))
    return [&] {
      std::string up = word;
      for (auto& c : up)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return up;
    }();
  bool has_upper = std::any_of(word.begin(), word.end(),
                               [](char c) { return c >= 'A' && c <= 'Z'; });
  if (has_upper)
    return word;
  if (!first && in(small, folded))
    return word;
  // "to-do" -> "To-Do": capitalise every hyphenated part.
  std::string out;
  std::size_t start = 0;
  while (start <= word.size()) {
    auto dash = word.find('-', start);
    auto part = word.substr(start, dash == std::string::npos ? std::string::npos
                                                              : dash - start);
    out += capitalise(part);
    if (dash == std::string::npos)
      break;
    out += '-';
    start = dash + 1;
  }
  return out;
}

} // namespace spawn
