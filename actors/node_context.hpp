#pragma once

#include <memory>

#include <caf/actor.hpp>

#include "actors/store_worker.hpp"
#include "infra/config.hpp"
#include "infra/container_runtime.hpp"
#include "infra/generator.hpp"

namespace spawn {

/// What every actor of a node shares: configuration, the ports to the outside
/// world and the long-lived service actors. Copied by value into each actor.
struct node_context {
  std::shared_ptr<const spawn_config> cfg;
  store_pool stores;
  std::shared_ptr<container_runtime> runtime;
  std::shared_ptr<generator> gen;
  caf::actor pool; ///< the warm pool (actors/warm_pool.hpp)
};

/// The slot directory root of this node.
std::string slots_root(const spawn_config& cfg);

/// The container spec for an app of `tier` (DESIGN §6 limits).
container_spec app_container_spec(const spawn_config& cfg, const std::string& tier,
                                  const std::string& slot_dir);

} // namespace spawn
