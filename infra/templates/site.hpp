#pragma once

#include <nlohmann/json.hpp>

#include "infra/templates/prompt_traits.hpp"

namespace spawn {

/// The kind of business a site prompt describes: {kind, label, tagline,
/// services [[name, text]...], story, values[]}; the "general" kind when the
/// prompt names none.
nlohmann::json site_kind_for(const prompt_traits& t);

/// The prompt the site template analyses when a request carries client
/// details (JSON text: name, trade, city, colors): the details lead, so the
/// name becomes the title and the city and trade are found.
std::string site_prompt(const std::string& prompt, const std::string& details);

/// The first client colour ("#rrggbb", validated by the HTTP layer), or "".
std::string site_accent(const std::string& details);

} // namespace spawn
