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

/// One spawnd node (table `nodes`): where it serves and when it last beat.
struct node_record {
  std::string id;
  std::string address; ///< its public base URL
  int port = 0;
  std::string state = "up";
  int capacity = 0;    ///< live sessions it accepts (limits.max_sessions)
  epoch_ms started_at = 0;
  epoch_ms heartbeat_at = 0;
  std::string metadata = "{}"; ///< JSON object text
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_record& x) {
  return f(x.id, x.address, x.port, x.state, x.capacity, x.started_at, x.heartbeat_at,
           x.metadata);
}

/// What the engine says about a container.
struct container_info {
  std::string id;
  std::string name;                          ///< without the leading '/'
  std::string image;
  std::string state;                         ///< running, paused, exited, ...
  std::map<std::string, std::string> labels;
  int host_port = 0;                         ///< loopback port of container_port
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, container_info& x) {
  return f(x.id, x.name, x.image, x.state, x.labels, x.host_port);
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
