#pragma once

#include "core/api_keys.hpp"

#include <memory>
#include <string>

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"
#include "http/http_metrics.hpp"
#include "infra/config.hpp"

namespace spawn {

/// Registers the routes of turns and versions (issue 15), each handing off
/// to the session manager:
/// `POST /api/v1/sessions/:id/messages {"prompt"}` (manage token) → 202 and the
/// turn; `GET .../messages` the thread; `GET .../versions`;
/// `GET .../versions/:n/files`; `GET .../diff?from=A&to=B` (unified diff per
/// file); `POST .../rollback {"version": N}` (manage token) → 202. The reads
/// are private like the session's (manage token, owner's key or admin token).
void add_turn_routes(tracked_router& r, caf::actor_system& sys, session_manager_actor manager,
                     std::shared_ptr<const spawn_config> cfg, std::shared_ptr<api_key_index> keys,
                     std::string base_url);

} // namespace spawn
