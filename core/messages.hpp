#pragma once

// The messages that cross actor boundaries, beside the records of
// core/records.hpp, core/session.hpp and core/generated_app.hpp. Every type
// here has an `inspect` overload; `register_message_types` announces them all
// to an actor system, so they can cross CAF's middleman unchanged.

#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "core/api_keys.hpp"
#include "core/cost_model.hpp"
#include "core/generated_app.hpp"
#include "core/records.hpp"
#include "core/session.hpp"
#include "core/turns.hpp"

namespace spawn {

/// A validated request to create a session, as the HTTP layer hands it over.
struct create_request {
  std::string prompt;
  app_type type = app_type::webapp;
  int64_t ttl_seconds = 0; ///< 0: the app type's default
  std::string owner;
  std::string details{}; ///< client details of a site, JSON object text ("" : none)
  bool placed = false;   ///< already admitted by the node the client asked (cluster)
  std::vector<std::string> egress{}; ///< "host:port" the app may reach (runtime.egress_permit)
  /// Uploaded code (issue 18): JSON object text with the stored archive's
  /// path and the detected plan; "" for a prompt.
  std::string source{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_request& x) {
  return f(x.prompt, x.type, x.ttl_seconds, x.owner, x.details, x.placed, x.egress, x.source);
}

/// The answer to a creation: the session and, once only, its manage token.
struct created_session {
  session_record session;
  std::string manage_token;
  int estimated_seconds = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, created_session& x) {
  return f(x.session, x.manage_token, x.estimated_seconds);
}

/// The admin listing: sessions as the store has them, live ones replaced by
/// what their actors answered; `live_ids` names the sessions with an actor.
struct admin_session_list {
  std::vector<session_record> sessions;
  std::vector<std::string> live_ids;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, admin_session_list& x) {
  return f(x.sessions, x.live_ids);
}

/// What one health check of an app found.
struct health_report {
  std::string state;    ///< the engine's state, or "missing"
  int host_port = 0;    ///< the published port now (changes after a restart)
  bool answers = false;
  std::string detail;   ///< why it is unhealthy
  int64_t probe_rx = 0; ///< bytes the probe itself sent the app (not user traffic)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, health_report& x) {
  return f(x.state, x.host_port, x.answers, x.detail, x.probe_rx);
}

/// The steps of a session that call a child and are retried on failure.
enum class session_step : uint8_t {
  provisioning,
  generation,
  deploying,
  edge,
  destroying,
  turn, ///< a follow-up turn's container, deployment and route switch (issue 15)
};

/// "provisioning", "generation", "deploying", "edge", "destroying", "turn".
const char* to_string(session_step s);

/// Announces every record and message type above (and those of the other
/// core headers) to `cfg`, under stable names ("spawn::session_record", ...).
void register_message_types(caf::actor_system_config& cfg);

} // namespace spawn
