#pragma once

// Internal to the session manager: the cluster (issue 14). The peers' managers
// reached over CAF's middleman, where a creation goes, and which node answers
// for a session that lives elsewhere.

#include <optional>
#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/session_manager.hpp"
#include "core/messages.hpp"

namespace spawn::manager_cluster {

using self_ptr = session_manager_actor::stateful_pointer<session_manager_state>;

/// The nodes as the member last read them: connects to every live peer with a
/// middleman port that is not connected yet (or came back with a new epoch),
/// forgets the ones that are gone.
void on_members(self_ptr self, std::vector<node_record> nodes);

/// A monitored peer manager went down (its node died or the link broke);
/// true when `source` was one.
bool on_peer_down(self_ptr self, const caf::actor_addr& source);

/// The manager of the node owning `rec`, when that is another node this one is
/// connected to and the session is not destroyed.
std::optional<session_manager_actor> owner_of(self_ptr self, const session_record& rec);

/// Where a new session goes (`cluster.placement`): none for this node.
std::optional<session_manager_actor> place(self_ptr self);

/// Live session ids of every connected peer, added to `out` (then `done`).
void peer_live_ids(self_ptr self, std::shared_ptr<std::vector<std::string>> out,
                   std::function<void()> done);

/// Lost the lease of `epoch`: every session actor of this node stops without
/// touching its app (the sessions belong to whoever claims them now).
void fence(self_ptr self, int64_t epoch);

/// A graceful stop with `cluster.drain`: each live session is handed to the
/// peer with the most room (a conditional hand-over in the store, then that
/// peer adopts it) before its actor here stops. Answers how many moved.
caf::result<int> drain(self_ptr self);

/// A session handed over by a draining peer: adopt it here.
caf::result<bool> take_over(self_ptr self, session_record rec);

} // namespace spawn::manager_cluster

namespace spawn::manager_detail {

/// Spawns (monitored) the actor of `rec` and counts it for its owner.
session_actor_type adopt(manager_cluster::self_ptr self, session_record rec, bool adopted);

/// Adopts `recs` a few at a time (`recovery.parallelism`), as at start-up.
void adopt_all(manager_cluster::self_ptr self, std::vector<session_record> recs);

} // namespace spawn::manager_detail
