#pragma once

#include <functional>
#include <string>

#include <caf/expected.hpp>

#include "infra/digitalocean.hpp"

namespace spawn {

/// How a Docker host is made on DigitalOcean (issue 17).
struct droplet_plan {
  droplet_request request;         ///< name, region, size, image, tags, user_data
  long poll_ms = 1000;             ///< between two looks at the create action
  long action_timeout_ms = 300000; ///< the create action must complete within
  long engine_timeout_ms = 300000; ///< then the engine must answer over TLS within
};

/// Blocking: creates the droplet, follows its create action until it
/// completes, reads its addresses, then waits until `engine_up(droplet)`
/// (the Docker engine answers over TLS). Anything that goes wrong after the
/// create (an errored action, a malformed answer, an engine that never comes
/// up, a timeout) destroys the droplet before the error returns: no droplet
/// is left behind. `progress` hears each step ("created 123", "active", ...).
caf::expected<droplet> provision_droplet(digitalocean& api, const droplet_plan& plan,
                                         const std::function<bool(const droplet&)>& engine_up,
                                         const std::function<void(const std::string&)>& progress = {});

/// The cloud-init `user_data` of a host droplet: installs Debian's docker.io,
/// writes the installation's CA and the droplet's server certificate and key
/// (PEM text made by spawnd), runs the engine on tcp://0.0.0.0:2376 with
/// --tlsverify, and lets only `control_plane` (an address or CIDR) reach 2376.
std::string droplet_user_data(const std::string& ca_pem, const std::string& cert_pem,
                              const std::string& key_pem, const std::string& control_plane);

} // namespace spawn
