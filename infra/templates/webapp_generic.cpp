// Webapp template "generic": for any prompt no other template fits. It says
// so plainly (the offline generator made a generic starter; a model backend
// would build the app) and offers a small workspace about the request: a
// checklist seeded from the items the prompt lists, free notes, progress.

#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

std::vector<app_file> generic_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#4f46e5";
  p.css = template_text("generic/app.css");
  p.body = template_text("generic/body.html");
  p.js = template_text("generic/app.js");
  nlohmann::json seed = nlohmann::json::array();
  for (auto& f : t.fields)
    seed.push_back(capitalise(f));
  p.subtitle = t.french ? "Page de départ générique : aucun modèle hors ligne ne correspond à cette demande."
                        : "Generic starter: no offline template fits this request.";
  p.config = {{"storageKey", "generic"}, {"request", t.prompt}, {"seed", seed}, {"french", t.french}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn
