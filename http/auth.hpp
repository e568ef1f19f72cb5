#pragma once

#include <string>

#include <caf/expected.hpp>
#include <restinio/all.hpp>

#include "core/api_keys.hpp"
#include "infra/config.hpp"

namespace spawn {

/// The credential of `Authorization: Bearer <credential>`, or "" when absent.
std::string bearer_of(const restinio::request_handle_t& req);

/// The owner a request acts as: the owner of its API key when it presents one
/// (an unknown key is `errc::forbidden`), else its client address, unless
/// `auth.api_keys_required` (then `errc::unauthorized`). `keys` may be null.
caf::expected<std::string> caller_owner(const restinio::request_handle_t& req,
                                        const spawn_config& cfg, const api_key_index* keys);

/// Checks the admin token (constant time, on hashes): `errc::unauthorized`
/// when missing, `errc::forbidden` when wrong or when no admin token is set.
caf::error check_admin(const restinio::request_handle_t& req, const spawn_config& cfg);

} // namespace spawn
