// Webapp template "todo": a to-do / checklist / shopping list with
// priorities, due dates, filters and inline editing, kept in localStorage.

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

std::vector<app_file> todo_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#2563eb";
  p.css = template_text("todo/app.css");
  p.body = template_text("todo/body.html");
  p.js = template_text("todo/app.js");
  std::string noun = "task";
  std::string placeholder = "What needs to be done?";
  std::string subtitle = "Plan it, tick it off. Your list is saved in this browser.";
  if (t.has_any({"shopping", "grocery", "groceries", "courses", "supermarket"})) {
    noun = "item";
    placeholder = "Add an item, e.g. milk";
    subtitle = "Everything to buy, in one list that stays in this browser.";
  } else if (t.has_any({"packing", "pack", "trip", "travel", "voyage", "valise"})) {
    noun = "item";
    placeholder = "Something to pack, e.g. passport";
    subtitle = "Pack without forgetting anything.";
  } else if (t.has_any({"bucket list", "goals", "goal", "objectifs", "resolutions"})) {
    noun = "goal";
    placeholder = "A goal, e.g. run a half marathon";
    subtitle = "Big or small, write it down and tick it off.";
  } else if (t.has_any({"chores", "menage", "cleaning", "household"})) {
    noun = "chore";
    placeholder = "A chore, e.g. water the plants";
  }
  // Items the prompt lists ("a checklist with passport, tickets and charger").
  nlohmann::json seed = nlohmann::json::array();
  for (auto& f : t.fields)
    seed.push_back(capitalise(f));
  p.subtitle = subtitle;
  p.config = {{"storageKey", "todo"},
              {"noun", noun},
              {"placeholder", placeholder},
              {"listLabel", noun == "task" ? "Tasks" : noun == "goal" ? "Goals" : "Items"},
              {"emptyText", "Nothing here yet: add your first " + noun + " above."},
              {"seed", seed}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
