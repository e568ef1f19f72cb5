#pragma once

#include <map>
#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"

#include "core/work_queue.hpp"

namespace spawn {

struct generation_queue_state {
  /// Who holds a slot and who waits, first come, first served.
  work_queue queue{1};
  /// The session actor of each holder or waiter, to tell it when things move.
  std::map<std::string, queue_listener_actor> sessions;
  /// Slots granted since start.
  uint64_t granted = 0;
  static inline const char* name = "generation_queue";
};

/// The node-wide cap on concurrent generations (`limits.max_generations`),
/// interface `generation_queue_actor`.
///
/// `(atoms::genslot, id, session) -> int`: 0 when the session may generate at
/// once, else its 1-based position in line; a waiter later receives
/// `(atoms::genqueued, int position)` each time its position moves and
/// `(atoms::gengrant)` when its turn comes. `(atoms::genfree, id)` gives a slot
/// or a place in line back; a session actor that dies gives back both.
/// `(atoms::stats) -> std::string` is a JSON summary.
generation_queue_actor::behavior_type
generation_queue(generation_queue_actor::stateful_pointer<generation_queue_state> self, int slots);

} // namespace spawn
