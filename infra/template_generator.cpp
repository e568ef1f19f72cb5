#include "infra/template_generator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

#include "core/error.hpp"
#include "infra/template_edits.hpp"
#include "infra/template_files.hpp"
#include "infra/templates/prompt_words.hpp"
#include "infra/templates/site.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

namespace {

using renderer = std::vector<app_file> (*)(const prompt_traits&, const std::string&);

std::string pluralise(const std::string& word) {
  static const std::vector<std::pair<std::string_view, std::string_view>> irregular{
    {"person", "people"}, {"child", "children"}, {"man", "men"}, {"woman", "women"},
    {"mouse", "mice"}, {"data", "data"}, {"news", "news"}, {"info", "info"}};
  for (auto& [one, many] : irregular)
    if (word == one || word == many)
      return std::string{many};
  if (word.empty())
    return word;
  auto ends = [&](std::string_view s) {
    return word.size() >= s.size() && word.compare(word.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("s") || ends("x") || ends("z"))
    return word;
  if (ends("ch") || ends("sh"))
    return word + "es";
  if (ends("y") && word.size() > 1 && std::string_view{"aeiou"}.find(word[word.size() - 2])
                                          == std::string_view::npos)
    return word.substr(0, word.size() - 1) + "ies";
  return word + "s";
}

bool only_words_from(const std::string& title, std::initializer_list<std::string_view> set) {
  auto words = tokenise(title);
  return std::all_of(words.begin(), words.end(), [&](const prompt_token& w) {
    return !w.word || std::find(set.begin(), set.end(), w.folded) != set.end();
  });
}

} // namespace

template_generator::template_generator() {
  // Parse the manifests now, not inside the first request's generation time.
  (void) template_manifests();
}

std::string template_generator::name() const {
  return "template";
}

std::string choose_template(app_type type, const prompt_traits& t) {
  switch (type) {
    case app_type::site:
      return "site";
    case app_type::api: {
      if (auto own = choose_by_manifest("api", t, ""); !own.empty())
        return own;
      bool crud_words = t.has_any({"crud", "rest", "restful", "resource", "resources",
                                   "database", "records", "manage", "gerer", "gestion",
                                   "store", "storing", "inventory", "inventaire"});
      bool service_words = t.has_any({"hello", "echo", "health", "healthcheck", "ping", "time",
                                      "clock", "uuid", "random", "status", "demo", "heure",
                                      "aleatoire", "bonjour"});
      if (t.subject.empty() && service_words && !crud_words)
        return "generic_api";
      if (!t.subject.empty() || crud_words || api_resource(t) != "items")
        return "crud_api";
      return "generic_api";
    }
    case app_type::script: {
      auto mode = math_mode(t);
      return mode.empty() ? "report_script" : mode + "_script";
    }
    case app_type::webapp:
      return choose_webapp(t);
  }
  return "generic";
}

std::string api_resource(const prompt_traits& t) {
  auto phrase = t.subject;
  if (phrase.empty()) {
    // "a books API", "a simple movie REST API"
    auto at = t.find("api");
    while (at > 0) {
      const auto& w = t.words[static_cast<std::size_t>(at - 1)];
      if (is_filler(w) || is_descriptor(w) || is_generic_noun(w)
          || w == "rest" || w == "json" || w == "crud" || w == "http" || w == "restful") {
        --at;
        continue;
      }
      phrase = w;
      break;
    }
  }
  if (phrase.empty()) {
    // "an API to store and list books": the first noun after a verb of keeping.
    static const std::vector<std::string_view> verbs{
      "store", "stores", "list", "lists", "manage", "manages", "track", "tracks", "save",
      "saves", "keep", "keeps", "add", "serve", "serves", "catalog", "catalogue", "stocker",
      "lister", "gerer", "suivre", "enregistrer", "garder", "ajouter"};
    bool after_verb = false;
    for (auto& w : t.words) {
      if (std::find(verbs.begin(), verbs.end(), w) != verbs.end()) {
        after_verb = true;
        continue;
      }
      if (!after_verb || is_stop_word(w) || is_article(w) || is_filler(w) || is_descriptor(w)
          || is_generic_noun(w) || is_skippable_lead(w) || w == "api" || w == "rest"
          || w == "json" || w == "them" || w == "it" || w == "all")
        continue;
      if (std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }))
        continue;
      phrase = w;
      break;
    }
  }
  auto words = tokenise(phrase);
  std::vector<std::string> head;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i].folded;
    if (w == "of" || w == "de" || w == "du" || w == "des" || w == "d") {
      static const std::vector<std::string_view> containers{
        "collection", "list", "library", "catalog", "catalogue", "database", "inventory",
        "set", "liste", "base", "bibliotheque", "inventaire", "registry", "registre"};
      bool container = head.size() == 1
                       && std::find(containers.begin(), containers.end(), head[0])
                            != containers.end();
      if (!container)
        break;
      head.clear();
      continue;
    }
    if (!words[i].word || words[i].number || is_article(w) || is_descriptor(w)
        || (is_generic_noun(w) && !head.empty()))
      continue;
    if (head.size() < 3)
      head.push_back(w);
  }
  if (head.empty())
    return "items";
  static const std::vector<std::pair<std::vector<std::string_view>, std::string_view>> synonyms{
    {{"library", "bookstore", "bookshop", "librairie", "bibliotheque", "reading"}, "books"},
    {{"shop", "store", "boutique", "ecommerce", "e-commerce", "magasin"}, "products"},
    {{"blog"}, "posts"},
    {{"todo", "to-do", "todos", "to-dos"}, "todos"},
    {{"data", "stuff", "things", "information", "infos", "donnees", "choses", "me", "it",
      "them", "everything", "anything", "testing", "fun"}, "items"}};
  if (head.size() == 1)
    for (auto& [words_in, resource] : synonyms)
      if (std::find(words_in.begin(), words_in.end(), head[0]) != words_in.end())
        return std::string{resource};
  std::string joined;
  for (auto& w : head)
    joined += (joined.empty() ? "" : " ") + w;
  auto slug = slugify(joined, 32);
  if (slug.empty())
    return "items";
  // English puts the plural on the last word, French on the first.
  auto dash = t.french ? slug.find('-') : slug.rfind('-');
  if (dash == std::string::npos)
    return pluralise(slug);
  if (t.french)
    return pluralise(slug.substr(0, dash)) + slug.substr(dash);
  return slug.substr(0, dash + 1) + pluralise(slug.substr(dash + 1));
}

std::string resolve_title(std::string_view name, const prompt_traits& t) {
  if (t.title_from == title_source::named)
    return t.title;
  auto title = t.title;
  bool weak = t.title_from != title_source::head;
  if (name == "quiz" && !t.topic.empty()
      && (title.empty() || only_words_from(title, {"quiz", "quizz", "trivia", "game",
                                                   "questionnaire", "qcm", "jeu"}))) {
    std::string topic;
    for (auto& w : tokenise(t.topic))
      if (w.word)
        topic += (topic.empty() ? "" : " ") + title_word(w.text, w.folded, topic.empty());
    return t.french ? "Quiz : " + topic : topic + " Quiz";
  }
  if (name == "counter" && !t.subject.empty()
      && (title.empty() || only_words_from(title, {"counter", "compteur", "tally", "clicker",
                                                   "click", "simple"}))) {
    auto subject = title_word(t.subject, fold(t.subject), true);
    return t.french ? "Compteur : " + t.subject : subject + " Counter";
  }
  if (is_data_template(name) && name.size() > 4 && name.substr(name.size() - 4) == "_api"
      && (title.empty() || weak
                                 || only_words_from(title, {"api", "rest", "restful", "json",
                                                            "http", "web", "server", "backend",
                                                            "service"}))) {
    if (auto own = data_template_title(name, t); !own.empty())
      return own;
  }
  if (name == "crud_api" || name == "generic_api") {
    if (title.empty() || weak
        || only_words_from(title, {"api", "rest", "restful", "crud", "json", "http", "web",
                                   "server", "backend", "service", "endpoint", "endpoints"})) {
      if (name == "generic_api")
        return title.empty() || weak ? "API" : title;
      auto resource = api_resource(t);
      std::replace(resource.begin(), resource.end(), '-', ' ');
      return capitalise(resource) + " API";
    }
    return title;
  }
  // "a multiplication table from 1 to 10" is the grid, not the table of 1.
  bool range_only = t.numbers.size() == 2 && !t.has_any({"of", "de", "du", "times"});
  if (name == "table_script" && range_only)
    return "Multiplication Tables";
  if (name == "table_script" && math_mode(t) == "table")
    for (auto n : t.numbers)
      if (n >= 1 && n <= 1000 && !t.has("tables"))
        return "Multiplication Table of " + std::to_string(n);
  if (name.size() > 7 && name.substr(name.size() - 7) == "_script" && name != "report_script"
      && (weak || tokenise(title).size() <= 1 || t.has_any({"print", "prints", "list", "compute",
                                                             "calculate", "generate"}))) {
    if (name == "fibonacci_script")
      return "Fibonacci Numbers";
    if (name == "primes_script")
      return "Prime Numbers";
    if (name == "factorial_script")
      return "Factorials";
    if (name == "series_script")
      return series_title(t);
    for (auto n : t.numbers)
      if (n >= 1 && n <= 1000)
        return "Multiplication Table of " + std::to_string(n);
    return "Multiplication Tables";
  }
  if (!title.empty())
    return title;
  if (auto own = data_template_title(name, t); !own.empty())
    return own;
  if (name == "todo")
    return t.french ? "Liste de tâches" : "To-Do List";
  if (name == "notes")
    return "Notes";
  if (name == "timer")
    return t.has("pomodoro") ? "Pomodoro Timer" : t.french ? "Minuteur" : "Timer";
  if (name == "counter")
    return t.french ? "Compteur" : "Counter";
  if (name == "calculator")
    return t.french ? "Calculatrice" : "Calculator";
  if (name == "quiz")
    return "Quiz";
  if (name == "form")
    return t.french ? "Formulaire" : "Form";
  if (name == "chart")
    return t.french ? "Tableau de bord" : "Dashboard";
  if (name == "report_script")
    return "Report";
  if (name == "site")
    return site_kind_for(t)["label"].get<std::string>();
  return t.french ? "Mon application" : "My App";
}

namespace {

/// True if `path` is relative, non-empty and free of "..", backslashes and
/// empty or hidden segments.
bool safe_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string_view::npos
      || path.find('\0') != std::string_view::npos || path.size() > 200)
    return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    auto seg = path.substr(start, end == std::string_view::npos ? std::string_view::npos
                                                                 : end - start);
    if (seg.empty() || seg.front() == '.')
      return false;
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return true;
}

} // namespace

caf::expected<generated_app>
template_generator::generate_observed(const generation_request& req,
                                      const generation_observer& obs) {
  // Wall time, and the thread's CPU time, which a busy machine does not inflate.
  auto cpu_ms = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  auto start = std::chrono::steady_clock::now();
  auto cpu_start = cpu_ms();
  auto app = generate(req);
  auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  auto cpu = cpu_ms() - cpu_start;
  if (app && obs.progress) {
    char ms[64];
    std::snprintf(ms, sizeof ms, "%.1f ms, cpu %.1f", took.count(), cpu);
    if (is_generic_starter(app->template_name))
      obs.progress(std::string{generic_starter_notice} + " (generated in " + ms + " ms)");
    else
      obs.progress("Offline generator: the " + app->template_name
                   + " template fits this request (generated in " + ms + " ms)");
  }
  return app;
}

bool is_generic_starter(std::string_view template_name) {
  return template_name == "generic" || template_name == "report_script";
}

caf::expected<generated_app> template_generator::generate(const generation_request& req) {
  if (!req.instruction.empty()) {
    auto turn = apply_template_instruction(req);
    if (!turn)
      return turn.error();
    return std::move(turn->app);
  }
  return render_template(req, "", nlohmann::json::object());
}

caf::expected<generated_app> render_template(const generation_request& req,
                                             const std::string& name,
                                             const nlohmann::json& edits) {
  auto site = req.type == app_type::site && !req.details.empty();
  auto traits = analyse_prompt(site ? site_prompt(req.prompt, req.details) : req.prompt);
  if (traits.prompt.empty())
    return make_error(errc::invalid_input, "the prompt is empty");
  if (site && !site_accent(req.details).empty())
    traits.accent = site_accent(req.details);
  apply_edits_to_traits(traits, edits);
  static const std::vector<std::pair<std::string_view, renderer>> renderers{
    {"todo", todo_webapp},           {"notes", notes_webapp},
    {"timer", timer_webapp},         {"counter", counter_webapp},
    {"calculator", calculator_webapp}, {"quiz", quiz_webapp},
    {"form", form_webapp},           {"chart", chart_webapp},
    {"generic", generic_webapp},     {"crud_api", crud_api},
    {"generic_api", generic_api},    {"fibonacci_script", math_script},
    {"primes_script", math_script},  {"table_script", math_script},
    {"factorial_script", math_script}, {"series_script", math_script},
    {"report_script", report_script},
    {"site", site_pages}};
  generated_app app;
  app.template_name = name.empty() ? choose_template(req.type, traits) : name;
  auto it = std::find_if(renderers.begin(), renderers.end(),
                         [&](auto& r) { return r.first == app.template_name; });
  app.title = edits.contains("title") ? edits["title"].get<std::string>()
                                      : resolve_title(app.template_name, traits);
  if (it != renderers.end())
    app.files = it->second(traits, app.title);
  else if (is_data_template(app.template_name) && req.type == app_type::api)
    app.files = data_api(app.template_name, traits, app.title);
  else if (is_data_template(app.template_name))
    app.files = data_webapp(app.template_name, traits, app.title);
  else
    return make_error(errc::generation_failed, "no template named " + app.template_name);
  switch (req.type) {
    case app_type::api:
      app.entry = "server.js";
      app.run = {"node", "server.js"};
      break;
    case app_type::script:
      app.entry = "main.js";
      app.run = {"node", "main.js"};
      break;
    default:
      app.entry = "index.html";
  }
  if (auto pct = edits.value("font_percent", 100); pct != 100)
    for (auto& f : app.files)
      if (f.path.size() > 5 && f.path.compare(f.path.size() - 5, 5, ".html") == 0) {
        auto at = f.content.find("</style>");
        if (at != std::string::npos)
          f.content.insert(at, "html{font-size:" + std::to_string(pct) + "%}\n");
      }
  if (!edits.empty())
    app.edits = edits.dump();
  bool has_entry = false;
  for (auto& f : app.files) {
    if (!safe_path(f.path) || f.content.empty())
      return make_error(errc::generation_failed, "template " + app.template_name
                                                   + " produced a bad file: " + f.path);
    has_entry = has_entry || f.path == app.entry;
  }
  if (!has_entry)
    return make_error(errc::generation_failed,
                      "template " + app.template_name + " produced no " + app.entry);
  return app;
}

} // namespace spawn
