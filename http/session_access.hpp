#pragma once

#include <string>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>
#include <restinio/all.hpp>

#include "core/api_keys.hpp"
#include "core/session.hpp"
#include "infra/config.hpp"

namespace spawn {

/// Where a read may carry the manage token.
enum class token_source {
  header,          ///< `X-Manage-Token` only
  header_or_query, ///< also `?token=` (WebSockets: browsers cannot set headers)
};

/// Whether the caller of `req` may read all of session `rec` (prompt, events,
/// files, costs, stream): it must present the session's manage token, the
/// admin token or an API key of the session's owner. A client address is no
/// credential (many clients share one behind a proxy). `errc::unauthorized`
/// when no credential was presented, `errc::forbidden` when the one presented
/// does not fit. Tokens are compared on hashes in constant time.
caf::error check_session_access(const restinio::request_handle_t& req,
                                const session_record& rec, const spawn_config& cfg,
                                const api_key_index* keys,
                                token_source where = token_source::header);

/// What an app's visitors may know of a session (its id is the public host
/// name of the app): id, state, progress, app URL and expiry, plus the URLs of
/// the API. `"private": true` tells clients that the rest needs a credential.
nlohmann::json visitor_json(const session_record& rec, const std::string& base_url,
                            epoch_ms now = now_ms());

/// Its text: `visitor_json_text` (http/json_codec.hpp).

} // namespace spawn
