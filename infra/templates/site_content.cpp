// Content of the "site" template: for each kind of business the prompt may
// name, a tagline, six services, a story and values. English, plain text.

#include "infra/template_files.hpp"
#include "infra/templates/site.hpp"

namespace spawn {

nlohmann::json site_kind_for(const prompt_traits& t) {
  static const auto kinds = nlohmann::json::parse(template_text("site/kinds.json"));
  // The trade named first wins: "my yoga studio" is wellness, not photography.
  const nlohmann::json* best = &kinds.back();
  int best_at = -1;
  for (auto& k : kinds)
    for (auto& w : k["words"])
      if (auto at = t.find(w.get<std::string>()); at >= 0 && (best_at < 0 || at < best_at)) {
        best = &k;
        best_at = at;
      }
  return *best;
}

} // namespace spawn
