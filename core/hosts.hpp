#pragma once

// Docker hosts a node places apps on (issue 17): the record of table `hosts`
// and the placement policy, pure so that it is tested without an engine.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

#include "core/cost_model.hpp"
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
  int warm = 0;                   ///< of used_sessions: warm containers, no session yet
  std::string state = "ready";    ///< provisioning, ready, draining, gone
  double hourly_cost = 0;         ///< USD per hour (droplets)
  std::string droplet_id;         ///< DigitalOcean's id, empty elsewhere
  epoch_ms created_at = 0;
  epoch_ms last_seen = 0;         ///< its engine's last answer
};

/// What a droplet has cost so far (table `host_costs`, issue 17): its hours
/// since it was requested at its hourly price, split into the share its
/// sessions used (sessions / capacity of its hours) and what it cost idle.
/// DigitalOcean bills a droplet from creation to destruction, empty or not.
struct host_cost {
  std::string host_id, droplet_id, region, size;
  double hourly_usd = 0;
  epoch_ms started_at = 0;  ///< requested
  epoch_ms until = 0;       ///< accrued up to here
  double amount = 0;        ///< USD: hours × hourly_usd
  double sessions_usd = 0;  ///< of amount: the seats its sessions used
  bool ended = false;       ///< destroyed: it costs nothing more
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_cost& x) {
  return f(x.host_id, x.droplet_id, x.region, x.size, x.hourly_usd, x.started_at, x.until,
           x.amount, x.sessions_usd, x.ended);
}

/// The ledger line of droplet host `h`, nothing accrued yet.
host_cost cost_line(const host_record& h);

/// Hours of `c` so far.
double hours_of(const host_cost& c);

/// What `c` costs idle (amount minus its sessions' share).
double idle_usd(const host_cost& c);

/// Accrues `c` up to `now` (nothing when `now <= c.until` or it ended), the
/// time since its last accrual used by `sessions` of `capacity` seats.
void accrue(host_cost& c, epoch_ms now, int sessions, int capacity);

/// The host-level lines of `cost_items` for droplet line `c` of `node`
/// (issue 17): `droplet`, all its hours at its hourly price, and
/// `droplet_idle`, the part no session used (amount − sessions_usd, its
/// quantity the idle hours). Both are dated `c.until`.
std::vector<cost_item> host_cost_items(const host_cost& c, const std::string& node);

/// Filter of the host-level cost lines (GET /admin/v1/costs/hosts); empty
/// strings match anything.
struct host_cost_filter {
  std::string node_id, host_id, kind;
  int limit = 100;
  int offset = 0;
};

/// Checks the query of GET /admin/v1/costs/hosts: `node` (1-64 of
/// A-Z a-z 0-9 . _ -), `host` (1-128 of the same), `kind` (droplet,
/// droplet_idle), `limit` (1-1000), `offset` (0-1000000), each at most once;
/// `errc::invalid_input` naming the bad one.
caf::expected<host_cost_filter>
parse_host_cost_filter(const std::vector<std::pair<std::string, std::string>>& query);

/// A host-level cost line with the session compute lines that name its host
/// (same node and host): how many sessions it carried and what they were billed.
struct host_cost_row {
  cost_item item;
  int sessions = 0;
  double sessions_billed = 0;
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

/// Containers of sessions on `h` (its warm ones left out): what keeps it from
/// being removed or destroyed.
inline int session_count(const host_record& h) {
  return h.used_sessions - h.warm;
}

/// True when `h` takes a container of `tier` with `memory` bytes now: ready,
/// of that tier (or any), under both capacities.
bool has_room(const host_record& h, const std::string& tier, int64_t memory);

/// The hosts to try for a container of `tier` needing `memory`, best first by
/// `policy` (ties: the order of `hosts`); empty when none has room.
std::vector<size_t> placement_order(const std::vector<host_record>& hosts, const std::string& tier,
                                    int64_t memory, placement_policy policy);

} // namespace spawn
