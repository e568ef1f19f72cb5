// Webapp template "counter": one or more named tally counters with steps,
// optional goals, undo and totals, kept in localStorage.

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

std::vector<app_file> counter_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#0d9488";
  p.css = template_text("counter/app.css");
  p.body = template_text("counter/body.html");
  p.js = template_text("counter/app.js");
  // "a counter for glasses of water" names the first counter.
  auto name = t.subject.empty() ? std::string{"Count"} : capitalise(t.subject);
  long long goal = 0;
  for (auto n : t.numbers)
    if (n > 0 && n <= 1000000) {
      goal = n;
      break;
    }
  p.subtitle = goal ? "Count up to your goal of " + std::to_string(goal)
                        + ". Everything is saved in this browser."
                    : "Tap + to count. Add as many counters as you need; they are saved in this browser.";
  p.config = {{"storageKey", "counter"},
              {"name", name},
              {"goal", goal},
              {"allowNegative", t.has_any({"negative", "negatif", "score", "points"})}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
