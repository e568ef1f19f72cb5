#pragma once

#include <cstdint>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"

#include "core/messages.hpp"
#include "actors/node_context.hpp"

namespace spawn {

struct orphan_reaper_state {
  /// Ports and configuration.
  node_context ctx;
  /// Who knows whether a session is live (the session manager).
  session_directory_actor manager;
  /// A scan is in flight.
  bool scanning = false;
  /// Containers removed since start.
  uint64_t reaped = 0;
  static inline const char* name = "orphan_reaper";
};

/// Removes this node's app containers that no live session owns (`orphan_reaper_actor`): a session
/// destroyed while spawnd was down, a container left by a crash between its
/// start and its session learning of it. `(atoms::sweep) -> uint64_t` scans
/// now and answers with the number removed; the manager sends it once
/// recovery is done, then the reaper rescans every
/// `recovery.orphan_scan_interval_ms`. Warm containers belong to the warm
/// pool and other nodes' containers to other nodes: both are left alone.
orphan_reaper_actor::behavior_type
orphan_reaper(orphan_reaper_actor::stateful_pointer<orphan_reaper_state> self, node_context ctx,
              session_directory_actor manager);

} // namespace spawn
