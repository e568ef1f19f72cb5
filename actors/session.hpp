#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "actors/node_context.hpp"
#include "actors/session_accounting.hpp"

namespace spawn {

struct session_state {
  /// Ports and configuration.
  node_context ctx;
  /// The session as this actor drives it (may be ahead of the store).
  session_record record;
  /// The session as last persisted: what readers and subscribers see.
  session_record visible;
  /// The session's log, as persisted, oldest first.
  std::vector<event_record> events;
  /// Who receives `(atoms::event, session_record, event_record)` on each step.
  std::vector<caf::actor> subscribers;
  /// Children: provisioning, generation and the lifetime timer.
  caf::actor provisioner, generator, timer;
  /// The edge child (route in Caddy, idle and wake) once the app runs, when
  /// the node has an edge.
  caf::actor edge;
  /// The container this session runs in, once acquired.
  std::optional<container_lease> lease;
  /// The generated app, once generated.
  std::optional<generated_app> app;
  /// Failed attempts per phase ("provisioning", "generation", "deploying", ...).
  std::map<std::string, int> attempts;
  /// Requests outstanding to the children.
  bool acquiring = false, generating = false, deploying = false;
  /// The outstanding request to each child, by number (0: none). A crashed
  /// child both fails its request and sends a down message; whichever comes
  /// first handles the failure, the other finds its number gone (one retry).
  uint64_t acquire_call = 0, deploy_call = 0, worker_call = 0, calls = 0;
  /// Destruction is done but for a container still being acquired.
  bool finish_pending = false;
  /// When the current run of the pipeline started (for time-to-app).
  epoch_ms pipeline_started = 0;
  /// Redeploying a running app into a fresh container (its own vanished).
  bool repairing = false;
  /// A health check is in flight; the periodic check is armed.
  bool checking = false, health_armed = false;
  /// When the app first failed a health check in a row (0: healthy).
  epoch_ms unhealthy_since = 0;
  /// Adoption: the actor has checked reality and taken its decision.
  bool settled = false;
  /// Who waits for that decision (the manager's bounded recovery).
  std::vector<caf::response_promise> settle_waiters;
  /// Generation (issue 5): the app came from the prompt cache; when the last
  /// token count was shown; how many progress events were shown.
  bool from_cache = false;
  epoch_ms progress_at = 0;
  int progress_events = 0;
  /// Metrics, costs, generation queue place (actors/session_accounting.hpp).
  session_accounting acct;
  static inline const char* name = "session";
};

/// One session: owns its state machine (core/session_fsm.hpp), persists every
/// transition before announcing it, and drives its children: a provisioner, a
/// generation worker and a lifetime timer. A failing child is retried with
/// exponential backoff `sessions.max_attempts` times, then the session fails
/// and cleans up (its container is removed).
///
/// Messages: `(atoms::get) -> session_record`; `(atoms::subscribe, actor)`;
/// `(atoms::destroy) -> session_record`; `(atoms::adopt) -> bool` once an
/// adopted session has checked reality; `(atoms::health)` runs a health check; `(atoms::extend, int64 seconds) ->
/// session_record`; `(atoms::expire)` from the timer. The actor quits once the
/// session is `destroyed` and that is persisted.
///
/// With `adopted`, the record comes from the store (restart, sweep): the actor
/// checks reality first and continues, destroys or fails the session.
caf::behavior session_actor(caf::stateful_actor<session_state>* self, node_context ctx,
                            session_record record, bool adopted);

} // namespace spawn
