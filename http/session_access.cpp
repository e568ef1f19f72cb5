#include "http/session_access.hpp"

#include "core/error.hpp"
#include "core/tokens.hpp"
#include "http/auth.hpp"
#include "http/json_codec.hpp"

namespace spawn {

namespace {

std::string query_token(const restinio::request_handle_t& req) {
  try {
    auto qp = restinio::parse_query(req->header().query());
    if (qp.has("token"))
      return restinio::cast_to<std::string>(qp["token"]);
  } catch (const std::exception&) {
    // A malformed query carries no token.
  }
  return {};
}

} // namespace

caf::error check_session_access(const restinio::request_handle_t& req,
                                const session_record& rec, const spawn_config& cfg,
                                const api_key_index* keys, token_source where) {
  auto token = req->header().get_field_or("X-Manage-Token", "");
  if (token.empty() && where == token_source::header_or_query)
    token = query_token(req);
  if (!token.empty() && !rec.manage_token_hash.empty()
      && constant_time_equal(sha256_hex(token), rec.manage_token_hash))
    return {};
  auto bearer = bearer_of(req);
  if (!bearer.empty()) {
    if (!check_admin(req, cfg))
      return {};
    if (keys)
      if (auto owner = keys->owner_of(bearer); owner && *owner == rec.owner)
        return {};
  }
  if (token.empty() && bearer.empty())
    return make_error(errc::unauthorized,
                      "reading this session needs its manage token (X-Manage-Token), "
                      "the owner's API key or the admin token");
  return make_error(errc::forbidden, "the credential does not give access to this session");
}

nlohmann::json visitor_json(const session_record& rec, const std::string& base_url,
                            epoch_ms now) {
  auto full = session_json(rec, base_url, now);
  nlohmann::json j;
  for (auto key : {"id", "state", "progress", "app_url", "expires_at", "expires_in_seconds",
                   "destroyed_at", "status_url"})
    j[key] = full[key];
  j["private"] = true;
  return j;
}

} // namespace spawn
