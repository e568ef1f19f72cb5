// Templates described by data: the manifest (infra/templates/<name>/
// manifest.json) names the words that choose a template, its parameters and
// its files; the files are the app's own HTML, CSS and JS.

#include <algorithm>
#include <climits>
#include <tuple>

#include "core/text_escape.hpp"
#include "infra/template_files.hpp"
#include "infra/templates/template_params.hpp"
#include "infra/templates/templates.hpp"

namespace spawn {

namespace {

using json = nlohmann::json;

/// Where a manifest's words match: earliest first, then the longer phrase,
/// then the higher priority.
struct match {
  int at = INT_MAX;
  int words = 0;
  int priority = 0;
  bool better_than(const match& o) const {
    return std::tie(at, o.words, o.priority) < std::tie(o.at, words, priority);
  }
};

match match_words(const json& words, const prompt_traits& t, int priority) {
  match best;
  for (auto& w : words) {
    auto phrase = w.get<std::string>();
    auto at = t.find(phrase);
    if (at < 0)
      continue;
    match m{at, static_cast<int>(std::count(phrase.begin(), phrase.end(), ' ')) + 1, priority};
    if (m.better_than(best))
      best = m;
  }
  return best;
}

bool requirements_met(const json& keywords, const prompt_traits& t) {
  auto req = keywords.value("requires", json::array());
  if (req.empty())
    return true;
  return std::any_of(req.begin(), req.end(),
                     [&](auto& w) { return t.find(w.template get<std::string>()) >= 0; });
}

const json* manifest_of(std::string_view folder) {
  for (auto& m : template_manifests())
    if (m["folder"] == folder)
      return &m;
  return nullptr;
}

std::string localised(const json& v, bool french) {
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_object())
    return v.value(french ? "fr" : "en", v.value("en", std::string{}));
  return {};
}

/// A parameter as plain text: numbers as digits, lists joined with commas.
std::string plain(const json& v) {
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_number_integer())
    return std::to_string(v.get<long long>());
  if (v.is_number())
    return v.dump();
  if (v.is_array()) {
    std::string out;
    for (auto& e : v)
      out += (out.empty() ? "" : ", ")
             + plain(e.is_object() ? e.value("name", e.value("label", json{})) : e);
    return out;
  }
  if (v.is_object())
    return plain(v.value("label", v.value("name", json{})));
  return {};
}

std::map<std::string, std::string> plain_vars(const json& params) {
  std::map<std::string, std::string> vars;
  for (auto& [k, v] : params.items())
    vars[k] = plain(v);
  return vars;
}

} // namespace

std::string choose_by_manifest(std::string_view type, const prompt_traits& t,
                               std::string_view fallback) {
  // The template named first wins ("a dashboard to count tasks" is a chart);
  // weak words count only when no template's strong words occur.
  for (const char* strength : {"strong", "weak"}) {
    std::string best;
    match best_match;
    for (auto& m : template_manifests()) {
      if (m.value("type", "") != type || !m.contains("keywords"))
        continue;
      auto& kw = m["keywords"];
      if (!requirements_met(kw, t))
        continue;
      auto found = match_words(kw.value(strength, json::array()), t, m.value("priority", 0));
      if (found.at != INT_MAX && found.better_than(best_match)) {
        best_match = found;
        best = m["folder"].get<std::string>();
      }
    }
    if (!best.empty())
      return best;
  }
  return std::string{fallback};
}

std::string choose_webapp(const prompt_traits& t) {
  return choose_by_manifest("webapp", t, "generic");
}

nlohmann::json template_params(std::string_view name, const prompt_traits& t) {
  auto* m = manifest_of(name);
  return m ? extract_params(m->value("params", json::object()), t) : json::object();
}

std::vector<app_file> data_api(const std::string& name, const prompt_traits& t,
                               const std::string& title) {
  const auto& m = *manifest_of(name);
  json config{{"title", title},
              {"description", t.prompt},
              {"css", plain_css(t.accent.empty() ? m.value("accent", std::string{"#0f766e"})
                                                 : t.accent)}};
  for (auto& [k, v] : extract_params(m.value("params", json::object()), t).items())
    config[k] = v;
  return {{"server.js", substitute(template_text(name + "/server.js"),
                                   {{"CONFIG", js_value(config)}})}};
}

bool is_data_template(std::string_view name) {
  auto* m = manifest_of(name);
  return m && m->value("renderer", "") != "cpp";
}

std::string data_template_title(std::string_view name, const prompt_traits& t) {
  auto* m = manifest_of(name);
  return m ? localised(m->value("title", json{}), t.french) : std::string{};
}

std::vector<app_file> data_webapp(const std::string& name, const prompt_traits& t,
                                  const std::string& title) {
  const auto& m = *manifest_of(name);
  auto params = extract_params(m.value("params", json::object()), t);
  auto vars = plain_vars(params);
  page_parts p;
  p.title = title;
  // "a landing page for Sweet Crumbs": the business is the page's title.
  if (auto tp = m.value("title_param", std::string{}); !tp.empty() && params[tp].is_string()
      && params[tp] != m["params"][tp].value("default", json{}))
    p.title = params[tp].get<std::string>();
  p.default_accent = m.value("accent", std::string{"#4f46e5"});
  // A subtitle about a parameter the prompt left empty uses the fallback.
  auto subtitle = localised(m.value("subtitle", json{}), t.french);
  for (auto& [k, v] : vars)
    if (v.empty() && subtitle.find("{{" + k + "}}") != std::string::npos)
      subtitle = localised(m.value("subtitle_fallback", json{}), t.french);
  p.subtitle = substitute(subtitle, vars);
  auto file = [&](const char* role, const char* fallback) {
    auto path = name + "/" + m.value("files", json::object()).value(role, std::string{fallback});
    return has_template_file(path) ? template_text(path) : std::string{};
  };
  // The body sees parameters as HTML text; the script sees them in CONFIG.
  std::map<std::string, std::string> html_vars;
  for (auto& [k, v] : vars)
    html_vars[k] = html_escape(v);
  p.body = substitute(file("body", "body.html"), html_vars);
  p.css = file("css", "app.css");
  p.js = file("js", "app.js");
  p.config = params;
  p.config["storageKey"] = name;
  p.config["french"] = t.french;
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
