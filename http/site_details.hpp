#pragma once

#include <string>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace spawn {

/// Checks the `site` object of `POST /api/v1/sessions` (client details of a
/// site, seed 003): {"name", "trade", "city": strings of 1..80 characters
/// without control characters, "colors": up to 3 "#rrggbb", "source_url": an
/// http(s) URL of at most 300 characters}; every field optional, no other
/// field allowed. Returns the details as compact JSON text, or an
/// `errc::invalid_input` error naming the field.
caf::expected<std::string> parse_site_details(const nlohmann::json& site);

} // namespace spawn
