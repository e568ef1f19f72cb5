#pragma once

#include <map>
#include <set>
#include <optional>
#include <string>

#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"

#include "core/messages.hpp"
#include "actors/node_context.hpp"
#include "core/admission.hpp"

namespace spawn {

/// Another node's manager as this one sees it (actors/session_manager_cluster.hpp).
struct peer_link {
  node_record node;                ///< its row as last read (load, epoch, addresses)
  session_manager_actor manager;   ///< its published manager; empty while connecting
  bool connecting = false;
  int placed = 0;                  ///< creations sent to it since that read
};

struct session_manager_state {
  /// Ports and configuration.
  node_context ctx;
  /// The live session actors of this node by session id.
  std::map<std::string, session_actor_type> sessions;
  /// True once the sessions left by an earlier run have been adopted and each
  /// has checked reality (what `readyz` waits for).
  bool recovered = false;
  /// Unfinished sessions waiting for adoption, and adoptions in flight
  /// (at most `recovery.parallelism`).
  std::vector<session_record> to_adopt;
  int adopting = 0;
  epoch_ms recovery_started = 0;
  /// Removes containers no live session owns (actors/orphan_reaper.hpp).
  orphan_reaper_actor reaper;
  /// Applies each session's egress permission (actors/egress_keeper.hpp).
  egress_keeper_actor egress;
  /// Sessions created since start.
  uint64_t created = 0;
  /// Limits on creation (rate per client, live per owner, live per node).
  std::optional<admission> admit;
  /// Owner of each live session actor, for `admit`.
  std::map<std::string, std::string> owners;
  /// When this manager started (the node's start in the `nodes` table).
  int64_t started_at = 0;
  /// The cluster (issue 14): this start's epoch (0 until joined, and while
  /// fenced), the member keeping the lease, the nodes as last read, and the
  /// connected peers by node id.
  int64_t epoch = 0;
  cluster_member_actor member;
  std::vector<node_record> members;
  std::map<std::string, peer_link> peers;
  /// Admins waiting for a session actor they restarted to be back (by id).
  std::map<std::string, std::vector<caf::typed_response_promise<std::string>>> restarts;
  /// Sessions whose crashed actor is being respawned (the sweep's ownership
  /// audit leaves them to the respawn).
  std::set<std::string> respawning;
  /// Creations that came before this start joined (no epoch yet): served
  /// once it has.
  std::vector<std::pair<create_request, caf::typed_response_promise<created_session>>>
    waiting_creates;
  static inline const char* name = "session_manager";
};

/// The root supervisor of a node's sessions (`session_manager_actor`, the
/// interface the HTTP front end and, with the cluster, other nodes use).
///
/// `(create, create_request) -> created_session` persists the new session and
/// spawns its actor. `(get, id) -> session_record` asks the live actor or, for
/// a finished session, the store; `(list, filter)`, `(events, id, after,
/// limit)` and `(files, id)` read the store. `(destroy, id, token)` and
/// `(extend, id, token, seconds)` check the manage token first
/// (`errc::unauthorized`, `errc::forbidden`, `errc::not_found`).
/// `(subscribe, id, sink)` streams the session's events to `sink`. At start it
/// adopts this node's unfinished sessions (`(adopt)`, retried while the store
/// is away); a periodic `(sweep)` destroys expired sessions nobody holds,
/// heartbeats this node's row in `nodes` and reloads the API keys; a session
/// actor that crashes is respawned from its persisted state (`(respawn, id,
/// old actor, reason, attempt)`, retried while the store is away).
///
/// Creation is refused by the limits of `admission` (429/503 errors carrying
/// their retry delay). Edge: `(wake, id) -> ms`, `(reroute)`, `(liveids)`.
/// Admin: `(introspect, id) -> string` (the live actor's own account, JSON),
/// `(force, id) -> session_record` (destroy without the manage token),
/// `(nodes)`, `(keys, owner) -> string` (a new key, shown once), `(revoke, key
/// id)`, `(admlist, filter)` (sessions, live ones as their actors see them),
/// `(stats) -> string`, `(restart, id) -> string` (the live actor is made to
/// crash and is respawned from the store; answers JSON with both actor ids
/// once the new one has checked reality; 404 when no session has that id).
session_manager_actor::behavior_type
session_manager(session_manager_actor::stateful_pointer<session_manager_state> self,
                node_context ctx);

} // namespace spawn
