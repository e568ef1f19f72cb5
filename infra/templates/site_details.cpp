// Client details of a `site` (seed 003) folded into what the offline site
// template reads: a name, a trade, a city and a colour.

#include <nlohmann/json.hpp>

#include "infra/templates/site.hpp"

namespace spawn {

std::string site_prompt(const std::string& prompt, const std::string& details) {
  auto d = nlohmann::json::parse(details.empty() ? "{}" : details, nullptr, false);
  if (!d.is_object())
    return prompt;
  auto text = [&](const char* key) {
    auto it = d.find(key);
    return it != d.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  std::string lead;
  auto name = text("name"), trade = text("trade"), city = text("city");
  if (!name.empty())
    lead += " called \"" + name + "\"";
  if (!trade.empty())
    lead += " for a " + trade;
  if (!city.empty())
    lead += " in " + city;
  return lead.empty() ? prompt : "A website" + lead + ". " + prompt;
}

std::string site_accent(const std::string& details) {
  auto d = nlohmann::json::parse(details.empty() ? "{}" : details, nullptr, false);
  if (!d.is_object() || !d.contains("colors") || !d["colors"].is_array() || d["colors"].empty()
      || !d["colors"][0].is_string())
    return {};
  return d["colors"][0].get<std::string>();
}

} // namespace spawn
