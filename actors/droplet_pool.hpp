#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/host_registry.hpp"
#include "infra/digitalocean.hpp"

namespace spawn {

/// The droplet pool's tick (its own message).
using droplet_pool_actor = caf::typed_actor<caf::reacts_to<atoms::hostcheck>>;

struct droplet_pool_state {
  /// Configuration (hosts.digitalocean.*) and the I/O pool.
  node_context ctx;
  /// The hosts apps are placed on: droplets join it as they come up.
  std::shared_ptr<host_set> set;
  /// Where droplets are saved (its own connection; rows by host id).
  std::shared_ptr<host_db> db;
  /// DigitalOcean's API (the token lives only in there).
  std::shared_ptr<digitalocean> api;
  /// Droplets being made now.
  int creating = 0;
  /// Numbers the droplets of this start.
  int made = 0;
  /// Since when each ready droplet has run nothing.
  std::map<std::string, epoch_ms> empty_since;
  /// Droplets that could not be made in a row, and when the next may be tried.
  int failures = 0;
  epoch_ms next_try = 0;
  /// Destroys in flight.
  std::map<std::string, bool> destroying;
  /// The ledger line of every droplet of this node (table `host_costs`),
  /// accrued each tick, saved each `costs.accrual_interval_ms` and when it ends.
  std::map<std::string, host_cost> costs;
  /// Lines ended and saved: never written again.
  std::set<std::string> costs_closed;
  /// When the ledger was last saved.
  epoch_ms costs_saved = 0;
  static inline const char* name = "droplet_pool";
};

/// Keeps this node's DigitalOcean droplets (issue 17) between
/// `hosts.digitalocean.min` and `.max`: a droplet is requested when fewer
/// than `.min` exist or fewer than `.scale_up_free` container slots are free
/// on the ready hosts; its create action is followed, its engine must answer
/// over TLS (certificate signed by the installation's CA, made for it by
/// deploy/scripts/host-cert.sh and written by cloud-init), then it gets the
/// runtime image and is ready. A droplet empty for
/// `hosts.idle_destroy_minutes` is drained, checked empty again and
/// destroyed, while more than `.min` remain: never one with a container. A
/// droplet that cannot be made is destroyed (provision_droplet) and its
/// host is gone. Checks every `hosts.check_interval_ms`.
///
/// Droplet hours: every droplet has a line in `host_costs` from its request
/// to its destruction at its tier's hourly price (`tiers.<tier>.hourly_usd`,
/// DigitalOcean's price of the size), with the share its sessions used
/// (sessions over capacity, tick by tick) and so what it cost idle.
droplet_pool_actor::behavior_type
droplet_pool(droplet_pool_actor::stateful_pointer<droplet_pool_state> self, node_context ctx,
             std::shared_ptr<host_set> set, store_factory make_store,
             std::shared_ptr<digitalocean> api);

} // namespace spawn
