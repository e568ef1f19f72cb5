#pragma once

#include <memory>
#include <string>

#include "actors/actors.hpp"
#include <caf/actor_system.hpp>

#include "core/session.hpp"
#include "http/http_metrics.hpp"
#include "http/traits.hpp"
#include "infra/config.hpp"

namespace spawn {

/// What spawnd shows on an app's host when the app itself cannot answer.
struct edge_page {
  int status = 404;
  std::string title;
  std::string text;
  int refresh_seconds = 0;   ///< > 0: the page reloads itself (and Retry-After)
  std::string link;          ///< the session in the web UI; empty: none
};

/// The page for a host whose session is `rec` (null: no such session).
/// `upstream_failed`: Caddy reached the app and it did not answer. A session
/// still starting → 503 that refreshes; running but not answering → 503 that
/// refreshes, with a link; failed → 503 with the reason and a link; destroyed
/// or expired → 410 for `retention_s` after it ended, 404 after that.
edge_page host_page(const session_record* rec, bool upstream_failed, epoch_ms now,
                    int64_t retention_s, const std::string& web_base);

/// The page as HTML (text escaped).
std::string render_page(const edge_page& page);

/// Registers the edge endpoints that Caddy calls (DESIGN §1 edge):
/// `GET /edge/v1/ask?domain=` (on-demand TLS: 200 only for a live session's
/// host), `GET /edge/v1/wake` (the activator: wakes the Host's app, 204), and
/// `GET /edge/v1/host` (the pages above, by Host header).
void add_edge_routes(tracked_router& router, caf::actor_system& sys, session_manager_actor manager,
                     std::shared_ptr<const spawn_config> cfg, std::string base_url);

} // namespace spawn
