#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/actors.hpp"
#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include "core/api_keys.hpp"
#include "infra/config.hpp"

namespace spawn {

/// The RESTinio front end: REST API v1, the WebSocket event stream, health
/// endpoints and the web UI. Handlers only parse and validate, then hand the
/// work to the session manager and return; answers are completed from actors.
class api_server {
public:
  /// `keys`: the API keys in force (shared with the session manager); null
  /// when only anonymous callers exist.
  api_server(caf::actor_system& sys, session_manager_actor manager, std::shared_ptr<const spawn_config> cfg,
             std::shared_ptr<api_key_index> keys = nullptr, host_registry_actor hosts = {});
  ~api_server();

  /// Binds and starts serving on the configured address and port.
  caf::error start();

  /// Stops accepting and closes connections; waits for the server threads.
  void stop();

  /// How clients reach this server, e.g. "http://127.0.0.1:8080".
  const std::string& base_url() const {
    return base_url_;
  }

  /// Every route the server registered ("GET /api/v1/sessions/:id"), once
  /// started (issue 15: checked against /api/v1/openapi.json).
  std::vector<std::string> registered_routes() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::string base_url_;
};

} // namespace spawn
