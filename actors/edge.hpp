#pragma once

#include <string>

#include <caf/stateful_actor.hpp>

#include "actors/node_context.hpp"
#include "core/session.hpp"

namespace spawn {

struct edge_state {
  /// Ports and configuration (`ctx.edge` is set).
  node_context ctx;
  /// The session this edge belongs to (receives `(atoms::idle, int64 seconds)`).
  caf::actor session;
  /// The session, its container and where the app answers (127.0.0.1:<port>).
  std::string session_id, container_id, upstream;
  /// True while the app is paused and its route goes through the activator.
  bool sleeping = false;
  /// Received bytes at the last check (-1: not read yet) and when they last grew.
  int64_t last_rx = -1;
  /// Received bytes that were health probes, not requests (not yet discounted).
  int64_t probe_rx = 0;
  epoch_ms last_active = 0;
  static inline const char* name = "edge";
};

/// The edge child of a session (DESIGN §1): its route in Caddy and its sleep.
/// Runs detached, so its blocking calls (admin API, Engine API) are serial:
/// a route change never overtakes an earlier one.
///
/// Messages: `(atoms::route) -> bool` puts the route (to the app, or through
/// the activator while sleeping); `(atoms::reroute)` the same without answer
/// (Caddy lost its config); `(atoms::wake) -> int64` unpauses the app and
/// points the route back at it, answering how long that took in ms (0 when it
/// was awake); `(atoms::destroy) -> bool` removes the route and quits;
/// `(atoms::idle, int64 bytes)`: that many received bytes were a health probe.
/// With `edge.idle_timeout_seconds` > 0 it samples the container's received
/// bytes; once they have not grown for that long it points the route at the
/// activator, pauses the container and tells the session `(atoms::idle, s)`.
caf::behavior edge_actor(caf::stateful_actor<edge_state>* self, node_context ctx,
                         caf::actor session, std::string session_id,
                         std::string container_id, int host_port, bool sleeping);

/// The node's keeper of its Caddy server: at start and every
/// `edge.check_interval_ms` it makes sure the server is there (a restarted
/// Caddy has lost it: then every live session is told to route again, through
/// `(atoms::reroute)` to `manager`), and removes routes of sessions that are
/// no longer live on this node (`(atoms::liveids)` from `manager`).
caf::behavior edge_keeper(caf::event_based_actor* self, node_context ctx, caf::actor manager);

} // namespace spawn
