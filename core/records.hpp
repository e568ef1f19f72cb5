#pragma once

// The records that cross actor boundaries (and, with the cluster, nodes): each
// has an `inspect` overload so CAF can serialize it; core/messages.hpp
// registers them with the actor system.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/session.hpp"

namespace spawn {

/// Which sessions a listing returns; empty fields do not filter.
struct session_filter {
  std::string owner;
  std::string state;    ///< a phase name
  std::string node_id;
  bool live_only = false; ///< only sessions not yet destroyed
  int limit = 50;
  int offset = 0;
};

/// One spawnd node (table `nodes`): where it serves, its incarnation and lease.
struct node_record {
  std::string id;
  std::string address; ///< its public base URL (the API)
  int port = 0;
  std::string state = "up"; ///< up, left (stopped), dead (lease ran out)
  int capacity = 0;    ///< live sessions it accepts (limits.max_sessions)
  epoch_ms started_at = 0;
  epoch_ms heartbeat_at = 0;
  std::string metadata = "{}"; ///< JSON object text (its load)
  // The cluster (issue 14).
  std::string cluster;        ///< its cluster's name ("" : standalone)
  int64_t epoch = 0;          ///< incarnation: new at every start
  std::string cluster_host;   ///< where its middleman listens (host) ...
  int cluster_port = 0;       ///< ... and port (0: not published)
  std::string edge_address;   ///< host:port of its edge (Caddy server), "" : none
  epoch_ms lease_until = 0;   ///< dead once the database's clock passes it
  bool alive = false;         ///< state up and lease not run out (database clock)
  int live_sessions = 0;      ///< sessions it owns that are not destroyed
  int queued = 0;             ///< generations waiting on it (from its heartbeat)
  /// Its live sessions per tier: what its peers keep warm for its loss.
  std::map<std::string, int> live_by_tier;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_record& x) {
  return f(x.id, x.address, x.port, x.state, x.capacity, x.started_at, x.heartbeat_at,
           x.metadata, x.cluster, x.epoch, x.cluster_host, x.cluster_port, x.edge_address, x.lease_until,
           x.alive, x.live_sessions, x.queued, x.live_by_tier);
}

/// Who may write a session: the node and the incarnation that own it (the
/// fencing token of every ownership write). An empty `node_id`: no check.
struct session_owner {
  std::string node_id;
  int64_t epoch = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_owner& x) {
  return f(x.node_id, x.epoch);
}

/// One entry of the cluster's log (table `cluster_events`): a node joined,
/// left, died, was fenced, or claimed sessions of another.
struct cluster_event {
  int64_t seq = 0;
  epoch_ms at = 0;
  std::string node_id; ///< the node it is about
  int64_t epoch = 0;
  std::string kind;    ///< join, leave, death, claim, fenced, drain
  std::string detail;  ///< JSON object text
  std::string by;      ///< the node that wrote it
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_event& x) {
  return f(x.seq, x.at, x.node_id, x.epoch, x.kind, x.detail, x.by);
}

/// A live session and the edge of the node that owns it (routes of a node's
/// Caddy for apps owned elsewhere).
struct remote_route {
  std::string session_id;
  std::string node_id;
  std::string edge_address;
  std::vector<std::string> domains; ///< its custom domains (issue 18)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_route& x) {
  return f(x.session_id, x.node_id, x.edge_address, x.domains);
}

/// What the engine says about a container.
struct container_info {
  std::string id;
  std::string name;                          ///< without the leading '/'
  std::string image;
  std::string state;                         ///< running, paused, exited, ...
  std::map<std::string, std::string> labels;
  int host_port = 0;                         ///< published port of container_port
  std::string address = "127.0.0.1";        ///< where host_port is published
  std::string host = "local";               ///< the Docker host it runs on (table hosts)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, container_info& x) {
  return f(x.id, x.name, x.image, x.state, x.labels, x.host_port, x.address, x.host);
}

/// A container handed to a session: where it runs and where its files go.
struct container_lease {
  container_info container;
  std::string slot_dir;
  bool warm = false; ///< taken from the warm pool rather than started cold
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, container_lease& x) {
  return f(x.container, x.slot_dir, x.warm);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_filter& x) {
  return f(x.owner, x.state, x.node_id, x.live_only, x.limit, x.offset);
}

/// Tokens one model call used (reported even when the call then failed).
struct token_usage {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  double cost_usd = 0;
  std::string backend;
  std::string model;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_usage& x) {
  return f(x.input_tokens, x.output_tokens, x.cost_usd, x.backend, x.model);
}

} // namespace spawn
