#include "http/site_details.hpp"

#include <cctype>

#include "core/error.hpp"
#include "http/validation.hpp"

namespace spawn {

using nlohmann::json;

namespace {

caf::error invalid(const std::string& field, const std::string& why) {
  return make_error(errc::invalid_input, "'site." + field + "' " + why);
}

bool is_hex_colour(const std::string& s) {
  if (s.size() != 7 || s[0] != '#')
    return false;
  for (size_t i = 1; i < 7; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(s[i])))
      return false;
  return true;
}

} // namespace

caf::expected<std::string> parse_site_details(const json& site) {
  if (!site.is_object())
    return make_error(errc::invalid_input, "'site' must be an object");
  json out = json::object();
  for (auto& [key, value] : site.items()) {
    if (key == "name" || key == "trade" || key == "city") {
      if (!value.is_string())
        return invalid(key, "must be a string");
      auto s = value.get<std::string>();
      auto len = utf8_length(s);
      if (len < 0)
        return invalid(key, "is not valid UTF-8");
      if (len < 1 || len > 80)
        return invalid(key, "must have 1 to 80 characters");
      for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f)
          return invalid(key, "must not contain control characters");
      out[key] = s;
    } else if (key == "colors") {
      if (!value.is_array() || value.size() > 3)
        return invalid(key, "must be an array of at most 3 colours");
      for (auto& c : value)
        if (!c.is_string() || !is_hex_colour(c.get<std::string>()))
          return invalid(key, "must hold colours written #rrggbb");
      out[key] = value;
    } else if (key == "source_url") {
      if (!value.is_string())
        return invalid(key, "must be a string");
      auto s = value.get<std::string>();
      if (s.size() > 300 || (s.rfind("http://", 0) != 0 && s.rfind("https://", 0) != 0)
          || s.size() < 11)
        return invalid(key, "must be an http(s) URL of at most 300 characters");
      for (unsigned char c : s)
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>')
          return invalid(key, "must be a plain URL (no spaces, quotes or non-ASCII)");
      out[key] = s;
    } else {
      return make_error(errc::invalid_input, "'site' has an unknown field '" + key.substr(0, 40)
                                               + "' (name, trade, city, colors, source_url)");
    }
  }
  return out.dump();
}

} // namespace spawn
