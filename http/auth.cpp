#include "http/auth.hpp"

#include "core/error.hpp"
#include "core/tokens.hpp"

namespace spawn {

std::string bearer_of(const restinio::request_handle_t& req) {
  auto value = req->header().get_field_or(restinio::http_field::authorization, "");
  constexpr std::string_view scheme = "Bearer ";
  if (value.size() <= scheme.size())
    return {};
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(value[i]))
        != std::tolower(static_cast<unsigned char>(scheme[i])))
      return {};
  auto token = value.substr(scheme.size());
  while (!token.empty() && token.back() == ' ')
    token.pop_back();
  while (!token.empty() && token.front() == ' ')
    token.erase(token.begin());
  return token;
}

caf::expected<std::string> caller_owner(const restinio::request_handle_t& req,
                                        const spawn_config& cfg, const api_key_index* keys) {
  auto key = bearer_of(req);
  if (!key.empty()) {
    if (keys)
      if (auto owner = keys->owner_of(key))
        return *owner;
    return make_error(errc::forbidden, "the API key is not valid (unknown or revoked)");
  }
  if (cfg.api_keys_required)
    return make_error(errc::unauthorized,
                      "an API key is required: send 'Authorization: Bearer <key>'");
  return req->remote_endpoint().address().to_string();
}

caf::error check_admin(const restinio::request_handle_t& req, const spawn_config& cfg) {
  auto token = bearer_of(req);
  if (token.empty())
    return make_error(errc::unauthorized,
                      "the admin API needs 'Authorization: Bearer <admin token>'");
  // Compare hashes: equal length, and the time taken says nothing of the token.
  if (cfg.admin_token_hash.empty()
      || !constant_time_equal(sha256_hex(token), cfg.admin_token_hash))
    return make_error(errc::forbidden, cfg.admin_token_hash.empty()
                                         ? "the admin API is disabled on this node (no admin token)"
                                         : "the admin token is not valid");
  return {};
}

} // namespace spawn
