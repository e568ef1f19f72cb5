#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"
#include "actors/node_context.hpp"
#include "actors/session_accounting.hpp"
#include "actors/turn_state.hpp"
#include "core/messages.hpp"

namespace spawn {

/// The one outstanding call of a step to a child (or to a pool thread).
struct pending_call {
  uint64_t id = 0;        ///< this call's number; answers of older calls are dropped
  caf::actor_addr child;  ///< who was asked: its crash fails the call
  epoch_ms started_at = 0;
  /// Runs once if the call fails by the child's crash (its answer never comes).
  std::function<void(const caf::error&)> on_crash;
};

/// One write of the session's log waiting its turn in the write queue.
struct pending_write {
  session_record snapshot; ///< the record as it was when the step was taken
  event_record event;
  bool transition = false; ///< the record is saved with the event
  std::function<void()> then; ///< runs once, after the write succeeded
};

/// Where the write queue stands.
enum class write_phase { idle, writing, backing_off };

/// What the session does besides its pipeline.
enum class session_mode {
  normal,
  repairing, ///< redeploying a running app into a fresh container
};

/// Where destruction stands.
enum class teardown_phase {
  none,
  removing,      ///< the container and slot are being removed
  awaiting_lease, ///< removed; a container still being acquired is removed when it comes
  finishing,     ///< `destroyed` is being persisted
};

struct session_state {
  /// Ports and configuration.
  node_context ctx;
  /// The session as this actor drives it (may be ahead of the store).
  session_record record;
  /// The session as last persisted: what readers and subscribers see.
  session_record visible;
  /// The session's log, as persisted, oldest first.
  std::vector<event_record> events;
  /// Who receives every persisted event.
  std::vector<event_sink_actor> subscribers;
  /// Children: provisioning, generation, the lifetime timer and (once the app
  /// runs, when the node has an edge) its route.
  provisioner_actor provisioner;
  generation_worker_actor generator;
  lifetime_timer_actor timer;
  edge_actor_type edge;
  /// The container this session runs in, once acquired.
  std::optional<container_lease> lease;
  /// The generated app, once generated.
  std::optional<generated_app> app;
  /// Failed attempts per step, and waits for a dependency that is away.
  std::map<session_step, int> attempts, waits;
  /// The outstanding call of each step (at most one per step).
  std::map<session_step, pending_call> calls;
  /// Numbers calls; 0 is never used.
  uint64_t last_call = 0;
  /// The log's writes, in order; the head is written (or waits to be retried).
  std::deque<pending_write> writes;
  write_phase write = write_phase::idle;
  /// Failed tries of the head write.
  int write_attempt = 0;
  session_mode mode = session_mode::normal;
  teardown_phase teardown = teardown_phase::none;
  /// When the current run of the pipeline started (for time-to-app).
  epoch_ms pipeline_started = 0;
  /// When the armed health check is due (0: none armed).
  epoch_ms health_due = 0;
  /// The number of the health check or container restart in flight (0: none).
  uint64_t health_call = 0;
  /// When the app first failed a health check in a row (0: healthy).
  epoch_ms unhealthy_since = 0;
  /// Adoption: the actor has checked reality and taken its decision.
  bool settled = false;
  /// Who waits for that decision (the manager's bounded recovery).
  std::vector<caf::typed_response_promise<bool>> settle_waiters;
  /// Generation (issue 5): the app came from the prompt cache; when the last
  /// token count was shown; how many progress events were shown.
  bool from_cache = false;
  epoch_ms progress_at = 0;
  int progress_events = 0;
  /// Metrics, costs, generation queue place (actors/session_accounting.hpp).
  session_accounting acct;
  /// The follow-up turn in flight, if any (issue 15, actors/turn_state.hpp).
  turn_state turns;
  static inline const char* name = "session";
};

using session_pointer = session_actor_type::stateful_pointer<session_state>;

/// One session (`session_actor_type`, actors/actors.hpp): owns its state
/// machine (core/session_fsm.hpp), persists every step through its ordered
/// write queue before announcing it, and drives its children: a provisioner,
/// a generation worker, a lifetime timer and its edge. A failing child is
/// retried with exponential backoff `sessions.max_attempts` times, then the
/// session fails and cleans up (its container is removed).
///
/// Messages: `(get) -> session_record`; `(subscribe, event_sink)`;
/// `(destroy) -> session_record` once `destroying` is stored; `(adopt) ->
/// bool` once an adopted session has checked reality; `(extend, seconds) ->
/// session_record`; `(wake) -> int64` (ms it took); `(reroute)` (Caddy lost
/// its routes); `(introspect) -> string` (JSON). From its children and
/// services: `(expire)` (timer), `(asleep, s)` (edge), `(progress, text)` and
/// `(usage, token_usage)` (generation worker), `(gengrant)` and `(genqueued,
/// position)` (generation queue). Its own: `(start)`, `(retry, step)`,
/// `(flush)` (next write), `(health)`, `(accrue, gen)`. The actor quits once
/// the session is `destroyed` and that is stored.
///
/// With `adopted`, the record comes from the store (restart, sweep): the actor
/// checks reality first and continues, destroys or fails the session.
session_actor_type::behavior_type session_actor(session_pointer self, node_context ctx,
                                                session_record record, bool adopted);

} // namespace spawn
