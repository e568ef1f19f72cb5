#include "core/app_type.hpp"

namespace spawn {

std::string_view to_string(app_type t) {
  switch (t) {
    case app_type::webapp: return "webapp";
    case app_type::api: return "api";
    case app_type::script: return "script";
    case app_type::site: return "site";
  }
  return "webapp";
}

std::optional<app_type> parse_app_type(std::string_view name) {
  for (auto t : {app_type::webapp, app_type::api, app_type::script, app_type::site})
    if (to_string(t) == name)
      return t;
  return std::nullopt;
}

} // namespace spawn
