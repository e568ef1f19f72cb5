#pragma once

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "core/session.hpp"

namespace spawn {

struct lifetime_timer_state {
  /// Who is told `atoms::expire` when the time is up.
  expiry_listener_actor parent;
  /// When the session expires (wall clock).
  epoch_ms expires_at = 0;
  /// Bumped at every re-arm, so a stale tick is ignored.
  uint64_t generation = 0;
  static inline const char* name = "lifetime_timer";
};

/// A session's destruction timer (`lifetime_timer_actor`). Sends
/// `atoms::expire` to its parent once `expires_at` has passed;
/// `(atoms::extend, epoch_ms)` moves the deadline; `(atoms::timeout, gen)` is
/// its own tick. Long waits are cut into ticks of at most a minute, so a
/// changed wall clock is noticed.
lifetime_timer_actor::behavior_type
lifetime_timer(lifetime_timer_actor::stateful_pointer<lifetime_timer_state> self,
               expiry_listener_actor parent, epoch_ms expires_at);

} // namespace spawn
