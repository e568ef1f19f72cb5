#pragma once

#include <memory>
#include <string>

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"
#include "http/http_metrics.hpp"
#include "infra/config.hpp"

namespace spawn {

/// Registers the routes of custom domains (issue 18), each handing off to the
/// session manager: `POST /api/v1/sessions/:id/domains {"domain"}` (manage
/// token) → 201 with the DNS record to create; `GET .../domains` the list;
/// `DELETE .../domains/:domain` (manage token) → 200 with what is left.
void add_domain_routes(tracked_router& r, caf::actor_system& sys, session_manager_actor manager,
                       std::shared_ptr<const spawn_config> cfg, std::string base_url);

} // namespace spawn
