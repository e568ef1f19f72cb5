#pragma once

#include <memory>
#include <string>

#include "actors/actors.hpp"
#include <caf/actor_system.hpp>

#include "core/api_keys.hpp"
#include "http/http_metrics.hpp"
#include "infra/config.hpp"

namespace spawn {

/// What the operator routes need from the server.
struct ops_env {
  caf::actor_system* sys = nullptr;
  session_manager_actor manager;
  std::shared_ptr<const spawn_config> cfg;
  std::string base_url;
  std::shared_ptr<api_key_index> keys;
  host_registry_actor hosts; ///< null: the host routes answer 503
};

/// Registers `GET /metrics` (Prometheus text format) and the admin API under
/// `/admin/v1` (admin token required): nodes, sessions (filters: state, owner,
/// node, limit, offset), one session's actor state, forced destroy, stats,
/// API keys (create, revoke), Docker hosts (list, add, drain, remove).
void add_ops_routes(tracked_router& r, const ops_env& env);

} // namespace spawn
