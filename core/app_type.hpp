#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spawn {

/// The kinds of app a session can ask for (DESIGN §5).
enum class app_type { webapp, api, script, site };

/// Returns the wire name of `t` ("webapp", "api", ...).
std::string_view to_string(app_type t);

/// Parses a wire name; `std::nullopt` for anything unknown.
std::optional<app_type> parse_app_type(std::string_view name);

} // namespace spawn
