#pragma once

// Every metric spawnd exports, named once: call sites use these constants, and
// the registry registers each with its kind and help at start
// (`metrics::registry`), so /metrics describes them even before first use.

#include <vector>

namespace spawn::metrics {

enum class metric_kind { counter, gauge, histogram };

/// One exported metric.
struct metric_def {
  const char* name;
  metric_kind kind;
  const char* help;
};

namespace names {
inline constexpr const char* sessions = "spawn_sessions";
inline constexpr const char* session_actors = "spawn_session_actors";
inline constexpr const char* containers = "spawn_containers";
inline constexpr const char* actors_running = "spawn_actors_running";
inline constexpr const char* sessions_created = "spawn_sessions_created_total";
inline constexpr const char* sessions_destroyed = "spawn_sessions_destroyed_total";
inline constexpr const char* sessions_refused = "spawn_sessions_refused_total";
inline constexpr const char* session_failures = "spawn_session_failures_total";
inline constexpr const char* phase_duration = "spawn_phase_duration_seconds";
inline constexpr const char* time_to_app = "spawn_time_to_app_seconds";
inline constexpr const char* generations = "spawn_generations_total";
inline constexpr const char* generations_running = "spawn_generations_running";
inline constexpr const char* generations_queued = "spawn_generations_queued_total";
inline constexpr const char* generation_queue_length = "spawn_generation_queue_length";
inline constexpr const char* generation_queue_wait = "spawn_generation_queue_wait_seconds";
inline constexpr const char* generation_tokens = "spawn_generation_tokens_total";
inline constexpr const char* cost_usd = "spawn_cost_usd_total";
inline constexpr const char* cost_overruns = "spawn_cost_overruns_total";
inline constexpr const char* http_requests = "spawn_http_requests_total";
inline constexpr const char* http_request_duration = "spawn_http_request_duration_seconds";
inline constexpr const char* misuse = "spawn_metrics_misuse_total";
} // namespace names

/// Every metric above with its kind and help.
const std::vector<metric_def>& known_metrics();

} // namespace spawn::metrics
