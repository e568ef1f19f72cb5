#pragma once

#include <functional>
#include <string>

#include <caf/stateful_actor.hpp>

#include "actors/session.hpp"
#include "core/session_fsm.hpp"

/// The steps of a session actor, shared by the files that make it up
/// (session_log, session_pipeline, session_teardown, session_recovery and
/// session.cpp, which holds the behavior). Internal to actors/: every function
/// runs inside the session actor, on its own thread of control.
namespace spawn::session_steps {

using session_self = caf::stateful_actor<session_state>*;

/// What runs once a step is persisted.
using step_fn = std::function<void()>;

inline caf::timespan ms(int64_t n) {
  return std::chrono::milliseconds{n};
}

// --- the log (session_log.cpp) ------------------------------------------------

/// Persists `ev` (with the record as it is now; `transition` also saves the
/// record) and, once stored, makes it visible, announces it to subscribers and
/// runs `then`. A failed write is retried with backoff: nothing is announced
/// that is not stored.
void persist(session_self self, event_record ev, bool transition, step_fn then,
             int attempt = 0);

/// Appends a log line to the session's events (persisted, then announced).
void emit(session_self self, std::string level, std::string message);

/// Applies `e` to the state machine and persists the transition; an illegal
/// transition is logged, not applied. False when nothing changed.
bool advance(session_self self, session_event e, std::string message, step_fn then = {});

// --- the pipeline (session_pipeline.cpp) ---------------------------------------

/// Starts the pipeline of a new session: provisioning and generation overlap.
void begin(session_self self);
/// True once the session failed or is being destroyed.
bool winding_down(session_self self);
void ensure_children(session_self self);
/// Stops the children; a provisioner still acquiring a container is kept.
void stop_children(session_self self);
void request_acquire(session_self self);
void request_generate(session_self self);
void request_deploy(session_self self);
/// Takes the next step the state allows (provisioned, generated, deploy).
void maybe_advance(session_self self);
/// (Re)starts the lifetime timer at the record's expiry.
void arm_timer(session_self self);
/// A child's step failed: retry with backoff, or fail the session.
void child_failed(session_self self, const std::string& step, const caf::error& err);
/// Runs a step again after its backoff ("provisioning", "generation", "deploying").
void retry(session_self self, const std::string& step);
/// Fails the session with `reason` and starts its destruction.
void fail(session_self self, std::string reason);

// --- destruction (session_teardown.cpp) ----------------------------------------

/// Starts destruction; `then` runs once `destroying` is persisted (at once
/// when the session is already destroying or destroyed).
void begin_destroy(session_self self, std::string why, step_fn then = {});
/// Removes the container and slot, then finishes (retried with backoff).
void clean_up(session_self self);
/// Persists `destroyed` with the final cost and stops the actor.
void finish_destroy(session_self self);

// --- recovery (session_recovery.cpp) -------------------------------------------

/// Continues a session found in the store: checks reality, then resumes,
/// destroys or fails it. A session caught mid-phase restarts that phase from
/// its stored artifact; a running one whose container vanished is redeployed.
void resume(session_self self);
/// Answers `rp` once an adopted session has taken its decision.
void await_settled(session_self self, caf::response_promise rp);
/// Redeploys a running session into a fresh container from its stored files.
void redeploy(session_self self, std::string why);
/// The redeployment answered at `url`: persists it, the session runs again.
void repaired(session_self self, std::string url);
/// The app's container now publishes `host_port`: persists the new upstream.
void move_upstream(session_self self, int host_port, std::string why);

// --- health (session_health.cpp) ------------------------------------------------

/// Arms the periodic health check (`health.interval_ms`; 0 disables it).
void arm_health(session_self self);
/// Checks the app now: restarts a stopped or silent container, fails the
/// session once it stayed unhealthy for `health.grace_ms`, redeploys a
/// vanished one.
void check_health(session_self self);

// --- the edge (session_edge.cpp) ------------------------------------------------

/// The app answers on its container: persists `url` and the running state.
void running_at(session_self self, std::string url);
/// The app's URL through the edge (empty without an edge).
std::string edge_url(session_self self);
/// Routes the app through the edge child, then `running_at` its edge URL
/// (a failure retries as step "edge").
void route_then_run(session_self self);
/// The container or its port changed: the route follows (a fresh edge child).
void edge_follow(session_self self);
/// Removes the route before the container goes (best effort; the edge keeper
/// removes leftovers).
void unroute(session_self self);
/// The edge child stopped; a crashed one is replaced while the app runs.
void edge_down(session_self self, bool crashed);
/// The edge paused the idle app: running → sleeping.
void went_idle(session_self self, int64_t idle_seconds);
/// A request for the sleeping app: unpause, route back; ms it took (0: awake).
caf::result<int64_t> wake(session_self self);
/// Caddy lost its config: the edge child routes again.
void reroute(session_self self);

} // namespace spawn::session_steps
