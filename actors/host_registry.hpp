#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/node_context.hpp"
#include "actors/store_worker.hpp"
#include "infra/host_set.hpp"

namespace spawn {

/// The registry's own database connection, used from its blocking jobs only
/// (one at a time: host writes are rare and must keep their order).
struct host_db {
  store_factory make;
  std::mutex mtx;
  std::unique_ptr<store> db;
};

struct host_registry_state {
  /// Configuration and the I/O pool its blocking work runs on.
  node_context ctx;
  /// The hosts apps are placed on (also `ctx.runtime`).
  std::shared_ptr<host_set> set;
  /// Where the hosts are saved (table `hosts`).
  std::shared_ptr<host_db> db;
  /// The runtime image as a tar, read from the local engine once, for hosts
  /// that lack it (no registry is reachable).
  std::shared_ptr<std::string> image_tar = std::make_shared<std::string>();
  std::shared_ptr<std::mutex> image_mtx = std::make_shared<std::mutex>();
  /// A check is running: the next tick waits for it.
  bool checking = false;
  static inline const char* name = "host_registry";
};

/// Keeps the node's Docker hosts (issue 17): loads them from table `hosts`
/// at start, pings every one each `hosts.check_interval_ms`; a host failing
/// `hosts.fail_after` pings in a row is gone (its sessions redeploy on other
/// hosts: their health check finds their container gone); one that answers
/// again is readmitted empty. Admin messages answer JSON text:
/// `(hosts)` every host with the droplets' costs (`hosts_json`); `(hostadd, body)` admits a remote engine
/// `{"id","address":"tcp://h:2376","private_address",...}` after it answered
/// over TLS and holds the runtime image (copied from the local engine when
/// missing); `(drain, id)` takes no new apps; `(hostrm, id)` forgets a host
/// that runs nothing (or is gone).
host_registry_actor::behavior_type
host_registry(host_registry_actor::stateful_pointer<host_registry_state> self, node_context ctx,
              std::shared_ptr<host_set> set, store_factory make_store);

/// The engine of a remote host record (TLS material from `hosts.tls_dir`).
std::shared_ptr<docker_engine> remote_engine(const spawn_config& cfg, const host_record& h);

/// A host as the admin API shows it.
std::string host_json(const host_record& h);

/// The admin API's host list: every host (a droplet with `cost`, its line of
/// the ledger, else null) and `droplet_costs`, the ledger with its totals;
/// each ledger line and `cost` carries its `cost_items` lines (of `items`),
/// and `droplet_costs.cost_items` their totals.
std::string hosts_json(const std::vector<host_record>& hosts, const std::vector<host_cost>& lines,
                       const std::vector<host_cost_row>& items, const std::string& policy);

/// GET /admin/v1/costs/hosts: the host-level cost lines `rows` (one page of
/// `limit` from `offset`) and their totals.
std::string host_cost_items_json(const std::vector<host_cost_row>& rows, int limit, int offset);

/// Parses an admin's new host; `errc::invalid_input` naming the bad field.
caf::expected<host_record> parse_new_host(const spawn_config& cfg, const std::string& body);

} // namespace spawn
