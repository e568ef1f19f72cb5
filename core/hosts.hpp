#pragma once

// Docker hosts a node places apps on (issue 17): the record of table `hosts`
// and the placement policy, pure so that it is tested without an engine.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/session.hpp"

namespace spawn {

/// One Docker host (table `hosts`).
struct host_record {
  std::string id;
  std::string kind = "local";     ///< local, tcp, digitalocean
  std::string address;            ///< the engine: a socket path or tcp://host:2376
  std::string private_address = "127.0.0.1"; ///< where its apps' ports are published
  std::string region, size;       ///< DigitalOcean's (empty elsewhere)
  std::string tier;               ///< the only tier it takes; empty: any
  int capacity_sessions = 50;     ///< containers it may run
  int64_t capacity_memory = 0;    ///< bytes of app memory it may run; 0: no limit
  int used_sessions = 0;          ///< containers placed on it (warm ones too)
  int64_t used_memory = 0;        ///< their memory limits, summed
  std::string state = "ready";    ///< provisioning, ready, draining, gone
  double hourly_cost = 0;         ///< USD per hour (droplets)
  std::string droplet_id;         ///< DigitalOcean's id, empty elsewhere
  epoch_ms created_at = 0;
  epoch_ms last_seen = 0;         ///< its engine's last answer
};

/// How a new container picks among the hosts with room for it.
enum class placement_policy {
  spread,      ///< the least loaded (fewest containers for their capacity)
  pack,        ///< the most loaded that still has room (empties others for removal)
  local_first, ///< the local engine while it has room, then spread over the others
};

/// "spread", "pack", "local_first"; nullopt for anything else.
std::optional<placement_policy> parse_placement(const std::string& name);

/// True for the host states and kinds the table accepts.
bool is_host_state(const std::string& s);
bool is_host_kind(const std::string& s);

/// True when `h` takes a container of `tier` with `memory` bytes now: ready,
/// of that tier (or any), under both capacities.
bool has_room(const host_record& h, const std::string& tier, int64_t memory);

/// The hosts to try for a container of `tier` needing `memory`, best first by
/// `policy` (ties: the order of `hosts`); empty when none has room.
std::vector<size_t> placement_order(const std::vector<host_record>& hosts, const std::string& tier,
                                    int64_t memory, placement_policy policy);

} // namespace spawn
