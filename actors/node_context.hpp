#pragma once

#include <memory>

#include <caf/actor.hpp>

#include "actors/actors.hpp"

#include "actors/blocking.hpp"
#include "actors/store_worker.hpp"
#include "infra/caddy_admin.hpp"
#include "core/api_keys.hpp"
#include "infra/config.hpp"
#include "infra/container_runtime.hpp"
#include "infra/generator.hpp"

namespace spawn {

class source_builder;

/// What every actor of a node shares: configuration, the ports to the outside
/// world and the long-lived service actors. Copied by value into each actor.
struct node_context {
  std::shared_ptr<const spawn_config> cfg;
  store_pool stores;
  /// Threads for blocking adapter calls: Docker, Caddy, files, HTTP probes
  /// (`pools.io_threads`), and for generation backends (`pools.generation_threads`).
  blocking_pool io, llm;
  /// Threads for the edge (Caddy's admin API, pausing and waking apps;
  /// `pools.edge_threads`): a route change never waits behind container
  /// starts. Empty: the edge uses `io`.
  blocking_pool edge_io;
  std::shared_ptr<container_runtime> runtime;
  std::shared_ptr<generator> gen;
  /// Turns uploaded code into apps (issue 18, infra/source_builder.hpp);
  /// null: uploads fail.
  std::shared_ptr<source_builder> builder;
  warm_pool_actor pool; ///< the warm pool (actors/warm_pool.hpp)
  std::shared_ptr<caddy_admin> edge; ///< Caddy in front of the apps; null: no edge
  /// Node-wide cap on concurrent generations (actors/generation_queue.hpp);
  /// none: sessions generate at once.
  generation_queue_actor gen_queue;
  /// The API keys in force, shared with the HTTP front end; may be null.
  std::shared_ptr<api_key_index> keys;
};

/// The pool the edge's blocking calls run on (`edge_io`, else `io`).
inline const blocking_pool& edge_pool(const node_context& ctx) {
  return ctx.edge_io ? ctx.edge_io : ctx.io;
}

/// The slot directory root of this node.
std::string slots_root(const spawn_config& cfg);

/// The container spec for an app of `tier` (DESIGN §6 limits).
container_spec app_container_spec(const spawn_config& cfg, const std::string& tier,
                                  const std::string& slot_dir);

/// Blocking: removes the container named `name` unless it is `keep_id`. Names
/// `spawnai-<session>` belong to one session, so a container already holding
/// one is a leftover of an earlier attempt (a crash of spawnd between the
/// engine's create and the session learning of it, a timed-out start).
caf::error free_container_name(container_runtime& runtime, const std::string& name,
                               const std::string& keep_id = {});

/// Blocking: removes the container and its slot folder; when the engine is
/// removing it already, waits (up to 10 s) until it is gone, so its name is
/// free on return.
caf::error remove_container(container_runtime& runtime, const container_info& info);

} // namespace spawn
