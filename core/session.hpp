#pragma once

#include <cstdint>
#include <string>

#include "core/app_type.hpp"
#include "core/session_fsm.hpp"

namespace spawn {

/// Milliseconds since the Unix epoch; 0 means "not set" (NULL in SQL).
using epoch_ms = int64_t;

/// Current wall-clock time in `epoch_ms`.
epoch_ms now_ms();

/// ISO 8601 UTC with milliseconds, e.g. "2026-11-23T17:00:00.000Z".
std::string iso8601(epoch_ms t);

/// The row of record of one session (table `sessions`).
struct session_record {
  std::string id;
  std::string owner;              ///< client address or API key owner
  std::string prompt;
  app_type type = app_type::webapp;
  phase state = phase::requested;
  std::string tier = "small";
  std::string node_id;
  std::string app_url;
  std::string manage_token_hash;  ///< hex SHA-256 of the manage token
  std::string container_id;
  int host_port = 0;
  std::string message;            ///< last human-readable step
  std::string failure_reason;
  epoch_ms created_at = 0;
  epoch_ms started_at = 0;        ///< when it first became running
  epoch_ms expires_at = 0;
  epoch_ms destroyed_at = 0;
  double estimated_cost = 0;
  double actual_cost = 0;
  std::string metadata = "{}";   ///< JSON object text
  // Generation accounting (issue 5): every model call, retries included.
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  double generation_cost_usd = 0;
  /// The incarnation of `node_id` that owns the session (issue 14): every
  /// write of the session is conditional on (node_id, owner_epoch).
  int64_t owner_epoch = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_record& x) {
  return f(x.id, x.owner, x.prompt, x.type, x.state, x.tier, x.node_id, x.app_url,
           x.manage_token_hash, x.container_id, x.host_port, x.message,
           x.failure_reason, x.created_at, x.started_at, x.expires_at,
           x.destroyed_at, x.estimated_cost, x.actual_cost, x.metadata, x.input_tokens,
           x.output_tokens, x.generation_cost_usd, x.owner_epoch);
}

/// One entry of a session's log (table `session_events`).
struct event_record {
  int64_t seq = 0;          ///< assigned by the store, increasing per session
  std::string session_id;
  epoch_ms at = 0;
  std::string level = "info"; ///< info, warn, error
  std::string phase;          ///< the session's phase when it happened
  std::string message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_record& x) {
  return f(x.seq, x.session_id, x.at, x.level, x.phase, x.message);
}

} // namespace spawn
