#pragma once

#include <string>

#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "actors/node_context.hpp"

namespace spawn {

struct provisioner_state {
  /// Ports and configuration.
  node_context ctx;
  /// The session this child works for.
  std::string session_id;
  static inline const char* name = "provisioner";
};

/// A session's provisioning child.
///
/// `(atoms::acquire, tier) -> container_lease`: a container from the warm pool
/// (renamed after the session) or a cold one.
/// `(atoms::deploy, generated_app, app_type, container_lease) -> std::string`:
/// hands the files to the container and answers the app's URL once the app
/// answers HTTP. Blocking steps run on detached helpers.
caf::behavior provisioner(caf::stateful_actor<provisioner_state>* self, node_context ctx,
                          std::string session_id);

/// The loopback URL of an app published on `host_port`.
std::string loopback_url(int host_port);

} // namespace spawn
