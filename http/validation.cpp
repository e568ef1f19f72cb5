#include "http/validation.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "http/site_details.hpp"

namespace spawn {

using nlohmann::json;

namespace {

caf::error invalid(std::string message) {
  return make_error(errc::invalid_input, std::move(message));
}

caf::expected<json> parse_object(std::string_view body) {
  auto j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded())
    return invalid("the body is not valid JSON");
  if (!j.is_object())
    return invalid("the body must be a JSON object");
  return j;
}

std::string hex4(unsigned v) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "0000";
  for (int i = 3; i >= 0; --i, v >>= 4)
    out[i] = digits[v & 0xf];
  return out;
}

} // namespace

long control_char_at(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
      return static_cast<long>(i);
    // C1 controls U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8.
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9f)
      return static_cast<long>(i);
  }
  return -1;
}

long utf8_length(std::string_view s) {
  long n = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size())
      return -1;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2)
        return -1;
    i += len;
    ++n;
  }
  return n;
}

caf::expected<create_request> parse_create_request(std::string_view body,
                                                   const spawn_config& cfg,
                                                   std::string owner) {
  auto j = parse_object(body);
  if (!j)
    return j.error();
  create_request req;
  req.owner = std::move(owner);
  auto prompt = j->find("prompt");
  if (prompt == j->end() || !prompt->is_string())
    return invalid("'prompt' is required and must be a string");
  req.prompt = prompt->get<std::string>();
  auto trimmed = req.prompt.find_first_not_of(" \t\r\n");
  if (trimmed == std::string::npos)
    return invalid("'prompt' must not be empty");
  auto len = utf8_length(req.prompt);
  if (len < 0)
    return invalid("'prompt' is not valid UTF-8");
  // PostgreSQL's text cannot hold NUL (it would cut the prompt there) and no
  // other control character belongs in a prompt: refuse rather than alter.
  if (auto at = control_char_at(req.prompt); at >= 0)
    return invalid("'prompt' holds a control character (U+"
                   + hex4(static_cast<unsigned char>(req.prompt[at]) == 0xc2
                            ? static_cast<unsigned char>(req.prompt[at + 1])
                            : static_cast<unsigned char>(req.prompt[at]))
                   + ") at byte " + std::to_string(at) + "; only newline and tab are allowed");
  if (static_cast<size_t>(len) > cfg.max_prompt_chars)
    return invalid("'prompt' has " + std::to_string(len) + " characters; the limit is "
                   + std::to_string(cfg.max_prompt_chars));
  auto type = j->find("app_type");
  if (type == j->end() || type->is_null()) {
    req.type = app_type::webapp;
  } else {
    if (!type->is_string())
      return invalid("'app_type' must be a string");
    auto t = parse_app_type(type->get<std::string>());
    if (!t)
      return invalid("'app_type' must be one of webapp, api, script, site");
    if (!cfg.app_types.count(std::string{to_string(*t)}))
      return invalid("'app_type' " + std::string{to_string(*t)} + " is not enabled here");
    req.type = *t;
  }
  auto ttl = j->find("ttl_seconds");
  if (ttl != j->end() && !ttl->is_null()) {
    if (!ttl->is_number_integer())
      return invalid("'ttl_seconds' must be an integer");
    auto v = ttl->get<int64_t>();
    if (v < cfg.min_ttl_seconds || v > cfg.max_ttl_seconds)
      return invalid("'ttl_seconds' must be between " + std::to_string(cfg.min_ttl_seconds)
                     + " and " + std::to_string(cfg.max_ttl_seconds));
    req.ttl_seconds = v;
  }
  auto site = j->find("site"); // client details of a site (issue 5, seed 003)
  if (site != j->end() && !site->is_null()) {
    if (req.type != app_type::site)
      return invalid("'site' details are only for app_type site");
    auto details = parse_site_details(*site);
    if (!details)
      return details.error();
    req.details = std::move(*details);
  }
  // Outside destinations this app may reach (issue 13): each one the
  // operator permits (runtime.egress_permit), exactly as written there.
  auto egress = j->find("egress");
  if (egress != j->end() && !egress->is_null()) {
    if (!egress->is_array())
      return invalid("'egress' must be an array of \"host:port\" strings");
    if (egress->size() > 16)
      return invalid("'egress' lists " + std::to_string(egress->size())
                     + " destinations; the limit is 16");
    for (auto& e : *egress) {
      if (!e.is_string())
        return invalid("'egress' entries must be strings (\"host:port\")");
      auto d = e.get<std::string>();
      if (std::find(cfg.egress_permit.begin(), cfg.egress_permit.end(), d)
          == cfg.egress_permit.end())
        return invalid("egress to '" + d.substr(0, 300)
                       + "' is not permitted here (runtime.egress_permit lists what sessions may ask for)");
      if (std::find(req.egress.begin(), req.egress.end(), d) == req.egress.end())
        req.egress.push_back(d);
    }
  }
  return req;
}

caf::expected<int64_t> parse_extend_request(std::string_view body, const spawn_config& cfg) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return int64_t{0};
  auto j = parse_object(body);
  if (!j)
    return j.error();
  auto secs = j->find("seconds");
  if (secs == j->end() || secs->is_null())
    return int64_t{0};
  if (!secs->is_number_integer())
    return invalid("'seconds' must be an integer");
  auto v = secs->get<int64_t>();
  if (v < 1 || v > cfg.max_ttl_seconds)
    return invalid("'seconds' must be between 1 and " + std::to_string(cfg.max_ttl_seconds));
  return v;
}

caf::expected<std::string> parse_turn_request(std::string_view body, const spawn_config& cfg) {
  auto j = parse_object(body);
  if (!j)
    return j.error();
  auto prompt = j->find("prompt");
  if (prompt == j->end() || !prompt->is_string())
    return invalid("'prompt' is required and must be a string");
  auto text = prompt->get<std::string>();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return invalid("'prompt' must not be empty");
  auto len = utf8_length(text);
  if (len < 0)
    return invalid("'prompt' is not valid UTF-8");
  if (static_cast<size_t>(len) > cfg.max_prompt_chars)
    return invalid("'prompt' has " + std::to_string(len) + " characters; the limit is "
                   + std::to_string(cfg.max_prompt_chars));
  return text;
}

caf::expected<int> parse_rollback_request(std::string_view body) {
  auto j = parse_object(body);
  if (!j)
    return j.error();
  auto v = j->find("version");
  if (v == j->end() || !v->is_number_integer())
    return invalid("'version' is required and must be an integer");
  auto n = v->get<int64_t>();
  if (n < 1 || n > 1000000)
    return invalid("'version' must be a positive integer");
  return static_cast<int>(n);
}

} // namespace spawn
