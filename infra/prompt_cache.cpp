#include "infra/prompt_cache.hpp"

#include "core/tokens.hpp"
#include "infra/chain_generator.hpp"

namespace spawn {

std::vector<std::pair<std::string, std::string>> cacheable_links(const generator& gen) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const generator& g) {
    if (g.name() != "template")
      out.emplace_back(g.name(), g.model());
  };
  if (auto* chain = dynamic_cast<const chain_generator*>(&gen))
    for (auto& link : chain->links())
      add(*link);
  else
    add(gen);
  return out;
}

std::string prompt_cache_key(const generation_request& req, const std::string& backend,
                             const std::string& model) {
  // Lengths first, so no two different tuples serialise alike.
  std::string material;
  for (auto* part : {&req.prompt, &req.details, &backend, &model})
    material += std::to_string(part->size()) + ":" + *part + ";";
  material += std::string{to_string(req.type)};
  return sha256_hex(material);
}

} // namespace spawn
