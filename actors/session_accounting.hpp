#pragma once

// Internal to the session actor: its metrics, costs, generation queue place and
// self-description for the admin API (issue 6). Called at the session's hook
// points; everything runs in the session actor's own context.

#include <functional>
#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "core/metric_names.hpp"

#include "core/metrics.hpp"
#include "core/session.hpp"

namespace spawn {

struct session_state;

/// What the session actor keeps for accounting; a field of `session_state`.
struct session_accounting {
  /// This session in the `spawn_sessions{state}` gauge while its actor lives.
  metrics::gauge_slot state_gauge{metrics::names::sessions, "state"};
  /// Its container in `spawn_containers{kind="app"}` while it holds one.
  metrics::gauge_slot container_gauge{metrics::names::containers, "kind"};
  /// When the current phase began (this actor's view).
  epoch_ms phase_since = 0;
  /// A generation slot is held / has been asked for.
  bool gen_slot = false, gen_asked = false;
  /// Position in the generation queue; 0 when not waiting.
  int queue_position = 0;
  /// When the session started waiting in the queue.
  epoch_ms queued_since = 0;
  /// Run once the generation slot is granted.
  std::function<void()> on_granted;
  /// The cost overrun warning was given.
  bool overrun_warned = false;
  /// Generation number of the accrual timer (a stale tick is ignored).
  uint64_t accrual_gen = 0;
  /// The Docker host its container last ran on, empty for the local engine:
  /// its compute line names it (joins a droplet's hours with its sessions).
  std::string host;
};

namespace accounting {

using self_ptr = session_actor_type::stateful_pointer<session_state>;

/// The actor starts (created or adopted): gauges, phase clock, cost accrual.
void on_start(self_ptr self);

/// The state machine moved `from` → `to` (before it is persisted).
void on_transition(self_ptr self, phase from, phase to);

/// The session failed in phase `where`.
void on_failure(self_ptr self, const std::string& where);

/// The app answers: time from the request to the app.
void on_running(self_ptr self, int64_t took_ms);

/// A container was leased / let go.
void on_container(self_ptr self, bool held);

/// True when the session may generate now. Otherwise it asks the node's
/// generation queue for a slot (once) and `then` runs when it is granted; the
/// wait is shown as `queue_position` and in the event log.
bool may_generate(self_ptr self, std::function<void()> then);

/// Generation finished ("ok", "failed") or the session winds down (""): the
/// slot or the place in line goes back.
void generation_done(self_ptr self, const std::string& result);

/// `(atoms::gengrant)` and `(atoms::genqueued, pos)` from the queue.
void on_granted(self_ptr self);
void on_queue_moved(self_ptr self, int position);

/// `(atoms::accrue, gen)`: the actual cost so far; warns once past the ratio.
void accrue(self_ptr self, uint64_t gen);

/// The final bill at destruction: sets the record's actual cost and stores the items.
void finalize(self_ptr self);

/// The actor's own account of itself (JSON): phase, since, pending work,
/// attempts, children, subscribers, queue place, costs.
std::string describe(self_ptr self);

} // namespace accounting

} // namespace spawn
