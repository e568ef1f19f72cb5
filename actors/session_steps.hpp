#pragma once

#include <functional>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/session.hpp"
#include "core/session_fsm.hpp"

/// The steps of a session actor, shared by the files that make it up
/// (session_log, session_pipeline, session_teardown, session_recovery and
/// session.cpp, which holds the behavior). Internal to actors/: every function
/// runs inside the session actor, on its own thread of control.
namespace spawn::session_steps {

using session_self = session_pointer;

/// What runs once a step is persisted.
using step_fn = std::function<void()>;

inline caf::timespan ms(int64_t n) {
  return std::chrono::milliseconds{n};
}

// --- calls to children (session_calls.cpp) -------------------------------------

/// True while `step` has a call outstanding.
bool pending(session_self self, session_step step);

/// Ends the outstanding call `id` of `step`: true when it was still the
/// outstanding one (its answer is to be handled), false when it was handled
/// already (by the child's crash, or a newer call replaced it).
bool take_call(session_self self, session_step step, uint64_t id);

/// Registers a new call of `step` to `child`: `on_crash` runs instead of the
/// answer when the child dies first. Returns the call's number.
uint64_t open_call(session_self self, session_step step, const caf::actor_addr& child,
                   std::function<void(const caf::error&)> on_crash);

/// A child went down: each call outstanding to it fails once, by `reason`.
/// False when no call was outstanding to it.
bool fail_calls_of(session_self self, const caf::actor_addr& child, const caf::error& reason);

/// Asks `child` for `step` and handles its answer, error, crash or timeout
/// exactly once: `ok(T&)` on an answer, `fail(error)` otherwise.
template <class T, class Handle, class Ok, class Fail, class... Ts>
void call_child(session_self self, session_step step, const Handle& child,
                caf::timespan timeout, Ok ok, Fail fail, Ts... xs) {
  auto id = open_call(self, step, child.address(), fail);
  self->request(child, timeout, xs...)
    .then(
      [=](T& x) mutable {
        if (take_call(self, step, id))
          ok(x);
      },
      [=](caf::error& err) mutable {
        if (take_call(self, step, id))
          fail(err);
      });
}

// --- the log (session_log.cpp) ------------------------------------------------

/// Queues `ev` (with the record as it is now; `transition` also saves the
/// record). Writes go out one at a time, in order; each is retried with
/// backoff until it is stored, then made visible, announced to subscribers,
/// and its `then` runs, once. Nothing is announced that is not stored.
void persist(session_self self, event_record ev, bool transition, step_fn then);

/// Writes the head of the queue (again, after a backoff).
void write_next(session_self self);

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
void child_failed(session_self self, session_step step, const caf::error& err);
/// Runs a step again after its backoff.
void retry(session_self self, session_step step);
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
void await_settled(session_self self, caf::typed_response_promise<bool> rp);
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
/// A turn's switch (issue 15): the route goes, in one atomic change of
/// Caddy's config, to the container of `lease` (through a fresh edge child);
/// `ok` once Caddy took it, `failed` otherwise (the old route then stays).
void switch_edge(session_self self, std::function<void()> ok,
                 std::function<void(const caf::error&)> failed);
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

// --- custom domains (session_domains.cpp, issue 18) -------------------------------

/// Attaches `domain`: checks it and the per-session cap, makes the session
/// its holder in the store (`errc::conflict` when another live session holds
/// it), persists it in the metadata with an event, then puts the route with
/// it; answers the session as persisted. Attaching one twice is no error.
caf::result<session_record> attach_domain(session_self self, std::string domain);
/// Detaches `domain` (`errc::not_found` when not attached): persisted, the
/// route rewritten without it, the store's hold given up.
caf::result<session_record> detach_domain(session_self self, std::string domain);

// --- turns and versions (session_turns.cpp, issue 15) -----------------------------

/// A follow-up prompt: answers the accepted turn once it is stored, then
/// generates the next version from the current one and switches to it
/// (`errc::conflict` while another turn runs or the session is not running).
caf::result<turn_record> say(session_self self, std::string prompt);
/// New uploaded code (issue 18; `source`: the stored archive and its plan):
/// a turn that builds it and switches to it like any version
/// (`errc::conflict` for a session made from a prompt, or of another type).
caf::result<turn_record> deploy_upload(session_self self, std::string source);
/// Redeploys stored version `version` as a new version (no generation).
caf::result<turn_record> roll_back(session_self self, int version);
/// The fix loop on a first version (issue 15): a model-made page that runs is
/// loaded headless; errors start a `fix` turn (at most generation.fix_rounds
/// rounds) while the first version serves.
void check_first_version(session_self self);
/// The session is being destroyed: the turn in flight, if any, is stored as
/// failed with `why` (never left `running` in the thread).
void abandon_turn(session_self self, const std::string& why);
/// A replaced container has drained: it and its slot go.
void drained(session_self self, container_lease old);
/// After a restart: a turn the crash interrupted is reported failed (its
/// version never went live) or, when its version was stored, finished by
/// redeploying the current version.
void resume_turns(session_self self);

} // namespace spawn::session_steps
