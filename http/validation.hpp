#pragma once

#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "core/messages.hpp"
#include "infra/config.hpp"

namespace spawn {

/// Parses and checks the body of `POST /api/v1/sessions`:
/// `{"prompt": string (1..max chars, counted in UTF-8 code points, no control
/// character but newline and tab), "app_type":
/// known type, "ttl_seconds": optional integer within the configured bounds,
/// "site": optional client details of a site (http/site_details.hpp)}`.
/// Every problem is an `errc::invalid_input` error whose message names the field.
caf::expected<create_request> parse_create_request(std::string_view body,
                                                   const spawn_config& cfg,
                                                   std::string owner);

/// Parses the body of `POST .../extend`: `{"seconds": N}` or empty (the app
/// type's default lifetime is then used by the caller: returns 0).
caf::expected<int64_t> parse_extend_request(std::string_view body, const spawn_config& cfg);

/// Byte offset of the first control character in UTF-8 `s` (C0 other than
/// newline, carriage return and tab; DEL; C1), or -1 when there is none.
long control_char_at(std::string_view s);

/// Parses the body of `POST .../messages` (issue 15): `{"prompt": string}`,
/// 1..max chars like a session's prompt; answers the prompt.
caf::expected<std::string> parse_turn_request(std::string_view body, const spawn_config& cfg);

/// Parses the body of `POST .../rollback`: `{"version": positive integer}`.
caf::expected<int> parse_rollback_request(std::string_view body);

/// Number of UTF-8 code points in `s`; `-1` when `s` is not valid UTF-8.
long utf8_length(std::string_view s);

} // namespace spawn
