#pragma once

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "core/session.hpp"

namespace spawn {

struct lifetime_timer_state {
  /// Who is told `atoms::expire` when the time is up.
  caf::actor parent;
  /// When the session expires (wall clock).
  epoch_ms expires_at = 0;
  /// Bumped at every re-arm, so a stale tick is ignored.
  uint64_t generation = 0;
  static inline const char* name = "lifetime_timer";
};

/// A session's destruction timer. Sends `atoms::expire` to its parent once
/// `expires_at` has passed; `(atoms::extend, epoch_ms)` moves the deadline.
/// Long waits are cut into ticks of at most a minute, so a changed wall clock
/// is noticed.
caf::behavior lifetime_timer(caf::stateful_actor<lifetime_timer_state>* self,
                             caf::actor parent, epoch_ms expires_at);

} // namespace spawn
