#pragma once

#include <nlohmann/json.hpp>

#include "infra/templates/prompt_traits.hpp"

namespace spawn {

/// The kind of business a site prompt describes: {kind, label, tagline,
/// services [[name, text]...], story, values[]}; the "general" kind when the
/// prompt names none.
nlohmann::json site_kind_for(const prompt_traits& t);

} // namespace spawn
