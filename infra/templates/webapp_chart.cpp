// Webapp template "chart": a small dashboard — summary figures, a
// canvas-drawn bar / line / pie chart (no libraries) and a data table to
// edit, seeded with sample data that fits the prompt.

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"

namespace spawn {

namespace {

nlohmann::json series(std::initializer_list<std::pair<const char*, double>> points) {
  auto out = nlohmann::json::array();
  for (auto& [label, value] : points)
    out.push_back({{"label", label}, {"value", value}});
  return out;
}

} // namespace

std::vector<app_file> chart_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#4f46e5";
  p.css = template_text("chart/app.css");
  p.body = template_text("chart/body.html");
  p.js = template_text("chart/app.js");
  std::string prefix;
  std::string suffix;
  if (t.prompt.find("\xe2\x82\xac") != std::string::npos || t.has_any({"euro", "euros"}))
    suffix = " \xe2\x82\xac";
  else if (t.prompt.find("\xc2\xa3") != std::string::npos || t.has_any({"pound", "pounds", "gbp"}))
    prefix = "\xc2\xa3";
  else if (t.prompt.find('$') != std::string::npos || t.has_any({"dollar", "dollars", "usd"}))
    prefix = "$";
  std::string name = "Value";
  std::string kind = "bar";
  nlohmann::json sample;
  if (t.has_any({"expense", "expenses", "spending", "budget", "depenses", "depense", "costs"})) {
    name = "Spending";
    sample = series({{"Rent", 950}, {"Groceries", 320}, {"Transport", 120}, {"Utilities", 140},
                     {"Eating out", 180}, {"Leisure", 90}});
    if (prefix.empty() && suffix.empty())
      prefix = "$";
  } else if (t.has_any({"weight", "poids", "kg", "weigh"})) {
    name = "Weight";
    suffix = " kg";
    kind = "line";
    sample = series({{"Week 1", 82.4}, {"Week 2", 81.9}, {"Week 3", 81.2}, {"Week 4", 81.5},
                     {"Week 5", 80.6}, {"Week 6", 80.1}});
  } else if (t.has_any({"steps", "pas", "walking", "running", "fitness", "exercise", "workout"})) {
    name = "Steps";
    sample = series({{"Mon", 7200}, {"Tue", 9400}, {"Wed", 5100}, {"Thu", 11050},
                     {"Fri", 8300}, {"Sat", 12900}, {"Sun", 6400}});
  } else if (t.has_any({"temperature", "weather", "meteo", "temperatures", "climate"})) {
    name = "Temperature";
    suffix = " \xc2\xb0""C";
    kind = "line";
    sample = series({{"Mon", 14}, {"Tue", 16}, {"Wed", 15}, {"Thu", 19}, {"Fri", 21},
                     {"Sat", 18}, {"Sun", 17}});
  } else if (t.has_any({"sales", "revenue", "ventes", "income", "profit", "chiffre d'affaires",
                        "orders"})) {
    name = t.has_any({"revenue", "income", "profit"}) ? "Revenue" : "Sales";
    sample = series({{"Jan", 12400}, {"Feb", 13900}, {"Mar", 15100}, {"Apr", 14300},
                     {"May", 17800}, {"Jun", 19650}});
    if (prefix.empty() && suffix.empty())
      prefix = "$";
  } else if (t.has_any({"sleep", "sommeil", "hours"})) {
    name = "Hours of sleep";
    suffix = " h";
    sample = series({{"Mon", 7.5}, {"Tue", 6.8}, {"Wed", 7.2}, {"Thu", 6.1}, {"Fri", 8},
                     {"Sat", 9.1}, {"Sun", 8.4}});
  } else {
    sample = series({{"Jan", 42}, {"Feb", 55}, {"Mar", 48}, {"Apr", 63}, {"May", 71},
                     {"Jun", 68}});
  }
  if (t.has_any({"pie", "camembert", "donut", "doughnut", "share", "breakdown", "repartition"}))
    kind = "pie";
  else if (t.has_any({"line", "trend", "over time", "courbe", "evolution", "progress"}))
    kind = "line";
  else if (t.has_any({"bar", "bars", "barres", "histogram", "histogramme", "column"}))
    kind = "bar";
  p.subtitle = "Edit the numbers below and the chart follows. Your data stays in this browser.";
  p.config = {{"storageKey", "chart"},
              {"series", name},
              {"kind", kind},
              {"prefix", prefix},
              {"suffix", suffix},
              {"sample", sample}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
