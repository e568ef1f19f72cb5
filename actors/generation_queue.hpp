#pragma once

#include <map>
#include <string>

#include <caf/stateful_actor.hpp>

#include "core/work_queue.hpp"

namespace spawn {

struct generation_queue_state {
  /// Who holds a slot and who waits, first come, first served.
  work_queue queue{1};
  /// The session actor of each holder or waiter, to tell it when things move.
  std::map<std::string, caf::actor> sessions;
  /// Slots granted since start.
  uint64_t granted = 0;
  static inline const char* name = "generation_queue";
};

/// The node-wide cap on concurrent generations (`limits.max_generations`).
///
/// `(atoms::genslot, id, session) -> int`: 0 when the session may generate at
/// once, else its 1-based position in line; a waiter later receives
/// `(atoms::genqueued, int position)` each time its position moves and
/// `(atoms::gengrant)` when its turn comes. `(atoms::genfree, id)` gives a slot
/// or a place in line back; a session actor that dies gives back both.
/// `(atoms::stats) -> std::string` is a JSON summary.
caf::behavior generation_queue(caf::stateful_actor<generation_queue_state>* self, int slots);

} // namespace spawn
