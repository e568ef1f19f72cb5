#pragma once

#include <string>
#include <string_view>

namespace spawn {

/// A session id: 's' then 11 random base-36 characters; valid as a DNS label.
std::string new_session_id();

/// A manage token: 32 random bytes, hex-encoded (64 characters).
std::string new_manage_token();

/// Lower-case hex SHA-256 of `data`; tokens are stored only in this form.
std::string sha256_hex(std::string_view data);

/// Compares in time independent of where `a` and `b` differ.
bool constant_time_equal(std::string_view a, std::string_view b);

/// True when `id` has the shape of a session id (guards paths and SQL keys).
bool is_session_id(std::string_view id);

} // namespace spawn
