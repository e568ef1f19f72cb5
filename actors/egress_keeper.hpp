#pragma once

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/node_context.hpp"

namespace spawn {

struct egress_keeper_state {
  node_context ctx;
  bool busy = false;   ///< an alignment is in flight
  int applied = -1;    ///< grants in the chain after the last alignment (-1: none yet)
  static inline const char* name = "egress_keeper";
};

/// Each session's egress permission, applied to its app container (issue 13,
/// item 8). A session created with `"egress": ["host:port", ...]` (each entry
/// one of `runtime.egress_permit`) may open connections to those destinations
/// and to the host's resolvers (port 53), nothing else: every 2 s the keeper
/// reads this node's live sessions, finds their containers' addresses,
/// resolves the names, and makes chain SPAWNAI-EGRESS (jumped to from the
/// firewall's SPAWNAI-APPS-OUT) hold exactly those grants, so rules of ended
/// sessions go and rules flushed by anything (a firewall rebuild, a reboot)
/// come back. Addresses apps may never reach (private, link-local, ...) are
/// never granted. Apps on the local engine only. `(egress) -> int` aligns now
/// (answering the number of grants; while an alignment runs, the last count).
egress_keeper_actor::behavior_type
egress_keeper(egress_keeper_actor::stateful_pointer<egress_keeper_state> self, node_context ctx);

} // namespace spawn
