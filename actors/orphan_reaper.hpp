#pragma once

#include <cstdint>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "actors/node_context.hpp"

namespace spawn {

struct orphan_reaper_state {
  /// Ports and configuration.
  node_context ctx;
  /// Who knows whether a session is live (the session manager).
  caf::actor manager;
  /// A scan is in flight.
  bool scanning = false;
  /// Containers removed since start.
  uint64_t reaped = 0;
  static inline const char* name = "orphan_reaper";
};

/// Removes this node's app containers that no live session owns: a session
/// destroyed while spawnd was down, a container left by a crash between its
/// start and its session learning of it. `(atoms::sweep) -> uint64_t` scans
/// now and answers with the number removed; the manager sends it once
/// recovery is done, then the reaper rescans every
/// `recovery.orphan_scan_interval_ms`. Warm containers belong to the warm
/// pool and other nodes' containers to other nodes: both are left alone.
caf::behavior orphan_reaper(caf::stateful_actor<orphan_reaper_state>* self, node_context ctx,
                            caf::actor manager);

} // namespace spawn
