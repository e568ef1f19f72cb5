#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "infra/config.hpp"
#include "infra/http_client.hpp"

namespace spawn {

/// How this node's server sits in Caddy (derived from the `edge.*` keys).
struct edge_settings {
  std::string admin_url;       ///< Caddy's admin API, e.g. http://127.0.0.1:2019
  std::string server;          ///< this node's server name in apps.http.servers
  std::string listen;          ///< its listen address, e.g. 127.0.0.1:8081
  std::string apps_domain;     ///< apps live at <session id>.<apps_domain>
  int public_port = 0;         ///< port users put in the URL (0: none, the scheme's)
  bool tls = false;            ///< HTTPS, certificates by ACME on demand
  std::string acme_ca;         ///< ACME directory URL; empty: Caddy's defaults
  std::string acme_ca_root;    ///< PEM file the ACME client trusts (Pebble)
  std::string spawnd_dial;     ///< host:port where Caddy reaches spawnd
};

/// The edge settings of `cfg`; `admin_url` is empty when no edge is configured.
edge_settings edge_settings_of(const spawn_config& cfg);

/// The public URL of session `id`'s app: https://<id>.<domain>/ (port when not 443/80).
std::string edge_app_url(const edge_settings& s, const std::string& id);

/// The session id named by an HTTP Host header (`<id>.<apps_domain>[:port]`, any
/// case), or an empty string when the host is not a well-formed app host.
std::string session_of_host(const edge_settings& s, std::string_view host);

/// Adapter over Caddy 2's admin API (through `perform`): one server per node,
/// one route per session, identified by `@id` = "spawnai-<session id>".
///
/// Route changes go through Caddy's `/id/<id>` endpoints and an insert at the
/// head of the server's route list, so sessions never overwrite each other's
/// routes (Caddy serialises config changes). The server ends with a fallback
/// route (`@id` "spawnai-edge-<server>") that sends any other host of the apps
/// domain to spawnd's host pages, and its error routes send a failing upstream
/// (502, 504) there too: a user never sees a bare 502. Blocking: call from
/// worker actors. Errors: Caddy down → `errc::unavailable`, a refused change →
/// `errc::runtime_failed` with Caddy's message.
class caddy_admin {
public:
  explicit caddy_admin(edge_settings s);

  const edge_settings& settings() const noexcept {
    return s_;
  }

  /// Creates this node's server (and, with TLS, the on-demand TLS policy whose
  /// `ask` is spawnd's /edge/v1/ask) unless its marker route is there already.
  /// Returns true when it had to create it (a new or restarted Caddy).
  caf::expected<bool> ensure_server();

  /// True when this node's server with its marker route is in Caddy's config.
  caf::expected<bool> server_present();

  /// Adds or replaces session `id`'s route: its host and its custom
  /// `domains` (issue 18) → `upstream` (host:port). With `sleeping`, each
  /// request first asks spawnd's activator (/edge/v1/wake?session=<id>) and
  /// goes on to the app once that answers 2xx.
  caf::error put_route(const std::string& id, const std::string& upstream, bool sleeping,
                       const std::vector<std::string>& domains = {});

  /// Removes session `id`'s route; a missing route is not an error.
  caf::error remove_route(const std::string& id);

  /// Session ids that have a route in this node's server.
  caf::expected<std::vector<std::string>> routed_sessions();

  /// The JSON of session `id`'s route (exposed for tests).
  std::string route_json(const std::string& id, const std::string& upstream, bool sleeping,
                         const std::vector<std::string>& domains = {}) const;

  /// The TLS app's JSON: on-demand certificates for the apps domain's hosts
  /// and, through a catch-all policy, for custom domains (both approved one
  /// by one by spawnd's /edge/v1/ask). Exposed for tests.
  std::string tls_json() const;

  /// The route id of session `id`.
  static std::string route_id(const std::string& id) {
    return "spawnai-" + id;
  }

private:
  caf::expected<http_response> call(const std::string& method, const std::string& path,
                                           std::string body = {}) const;
  std::string marker_id() const;
  std::string server_json() const;
  caf::error ensure_catch_all_policy();

  edge_settings s_;
};

} // namespace spawn
