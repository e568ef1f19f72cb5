#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/generated_app.hpp"
#include "core/session.hpp"

namespace spawn {

/// ISO 8601 UTC with milliseconds ("2026-11-23T17:00:00.000Z"); null for 0.
nlohmann::json iso_time(epoch_ms t);

/// The public view of a session (never its token hash). `base_url` is how
/// clients reach spawnd, e.g. "http://127.0.0.1:8080"; `now` counts
/// `expires_in_seconds`.
nlohmann::json session_json(const session_record& s, const std::string& base_url,
                            epoch_ms now = now_ms());

/// `session_json(s, base_url, now).dump()`, byte for byte, written without
/// building the tree (the hot GET of a session).
std::string session_json_text(const session_record& s, const std::string& base_url,
                              epoch_ms now = now_ms());

/// `visitor_json(s, base_url, now).dump()` (http/session_access.hpp: what an
/// app's visitors may know), byte for byte, written the same way.
std::string visitor_json_text(const session_record& s, const std::string& base_url,
                              epoch_ms now = now_ms());

nlohmann::json event_json(const event_record& ev);

nlohmann::json files_json(const generated_app& app);

/// `{"error": {"code": code, "message": message}}`.
std::string error_body(const std::string& code, const std::string& message);

} // namespace spawn
