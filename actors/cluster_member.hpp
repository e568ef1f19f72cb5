#pragma once

#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/node_context.hpp"

namespace spawn {

struct cluster_member_state {
  node_context ctx;
  /// Who is told about joins, fencing, claims and the nodes (the manager).
  membership_listener_actor listener;
  /// This start's incarnation; 0 until joined.
  int64_t epoch = 0;
  /// Since when (steady clock, ms) the lease has been renewed without a gap
  /// longer than the lease: only then does this node judge others dead.
  int64_t held_since = 0;
  int64_t last_renewed = 0;
  /// Live sessions this node owns, as the last `nodes` read said; live
  /// nodes of its cluster (itself included) and sessions left by the others.
  int live = 0;
  int alive_nodes = 1;
  int orphans = 0;
  /// A claim is in flight.
  bool claiming = false;
  /// Sessions still to claim in the current round (this node's share of the
  /// orphans when the round began); -1: no round.
  int round_left = -1;
  /// Stopping: no more joins or claims.
  bool leaving = false;
  static inline const char* name = "cluster_member";
};

/// This node's membership (DESIGN §8, `cluster_member_actor`), in the way
/// Orleans keeps its membership table in a database: at start it joins (a new
/// epoch in `nodes`), then every `cluster.heartbeat_ms` it renews its lease
/// (`cluster.lease_ms`, in the database's clock) and reads the nodes, which go
/// to the listener as `(members, nodes)`. A renewal refused (declared dead
/// while paused or cut off, or replaced) tells the listener `(fenced, epoch)`
/// and joins again with a new epoch. A node of a cluster (`cluster.name`)
/// that has held its lease for a full lease declares lapsed nodes dead and
/// claims the sessions their incarnations left: its share (the orphans over
/// the live nodes), at most `cluster.claim_batch` at a time, within its
/// capacity (`(claimed, sessions)`), so survivors redeploy in parallel: a
/// round claims batch after batch until that share is taken, and what the
/// others left is claimed in the round of the next beat. `(claim)` claims now.
/// `(leave) -> bool` marks the incarnation left (a graceful stop).
cluster_member_actor::behavior_type
cluster_member(cluster_member_actor::stateful_pointer<cluster_member_state> self,
               node_context ctx, membership_listener_actor listener);

/// The node record this node advertises (addresses, capacity).
node_record advertised_node(const spawn_config& cfg);

} // namespace spawn
