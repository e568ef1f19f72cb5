// Content of the "site" template: for each kind of business the prompt may
// name, a tagline, six services, a story and values. English, plain text.

#include "infra/template_files.hpp"
#include "infra/templates/site.hpp"

namespace spawn {

nlohmann::json site_kind_for(const prompt_traits& t) {
  static const auto kinds = nlohmann::json::parse(template_text("site/kinds.json"));
  for (auto& k : kinds)
    for (auto& w : k["words"])
      if (t.has(w.get<std::string>()))
        return k;
  return kinds.back();
}

} // namespace spawn
