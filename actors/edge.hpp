#pragma once

#include <string>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"

#include "actors/node_context.hpp"
#include "core/session.hpp"

namespace spawn {

struct edge_state {
  /// Ports and configuration (`ctx.edge` is set).
  node_context ctx;
  /// The session this edge belongs to (receives `(atoms::asleep, int64 seconds)`).
  sleep_listener_actor session;
  /// The session, its container and where the app answers (127.0.0.1:<port>).
  std::string session_id, container_id, upstream;
  /// The session's custom domains (issue 18): more hosts of its route.
  std::vector<std::string> domains;
  /// True while the app is paused and its route goes through the activator.
  bool sleeping = false;
  /// Received bytes at the last check (-1: not read yet) and when they last grew.
  int64_t last_rx = -1;
  /// Received bytes that were health probes, not requests (not yet discounted).
  int64_t probe_rx = 0;
  epoch_ms last_active = 0;
  /// Failed route restorations in a row (each tried again later).
  int reroute_failures = 0;
  static inline const char* name = "edge";
};

/// The edge child of a session (DESIGN §1, `edge_actor_type`): its route in
/// Caddy and its sleep. Its blocking calls (admin API, Engine API) run on the
/// node's I/O pool and the actor awaits each answer before its next message,
/// so a route change never overtakes an earlier one.
///
/// Messages: `(atoms::route) -> bool` puts the route (to the app, or through
/// the activator while sleeping); `(atoms::reroute)` the same without answer
/// (Caddy lost its config); `(atoms::wake) -> int64` unpauses the app and
/// points the route back at it, answering how long that took in ms (0 when it
/// was awake); `(atoms::destroy) -> bool` removes the route and quits;
/// `(atoms::domains, hosts) -> bool` puts the route again with these custom
/// domains (issue 18) as hosts besides `<id>.<apps_domain>`;
/// `(atoms::probed, int64 bytes)`: that many received bytes were a health
/// probe; `(atoms::edgetick)` is its own idle check. With
/// `edge.idle_timeout_seconds` > 0 it samples the container's received bytes;
/// once they have not grown for that long it points the route at the
/// activator, pauses the container and tells the session `(atoms::asleep, s)`.
edge_actor_type::behavior_type
edge_actor(edge_actor_type::stateful_pointer<edge_state> self, node_context ctx,
           sleep_listener_actor session, std::string session_id, std::string container_id,
           int host_port, bool sleeping, std::vector<std::string> domains);

/// The node's keeper of its Caddy server (`edge_keeper_actor`): at start and
/// every `edge.check_interval_ms` it makes sure the server is there (a
/// restarted Caddy has lost it: then every live session is told to route
/// again, through `(atoms::reroute)` to `manager`), removes routes of
/// sessions that are no longer live on this node (`(atoms::liveids)`), and in
/// a cluster routes every session live on another node to that node's edge
/// (the store's `rroutes`; Caddy keeps the Host header, the owner's Caddy
/// serves it), so a route follows a takeover within one check.
edge_keeper_actor::behavior_type edge_keeper(edge_keeper_actor::pointer self, node_context ctx,
                                             session_directory_actor manager);

} // namespace spawn
