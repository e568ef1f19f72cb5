#pragma once

#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"

#include "core/messages.hpp"
#include "actors/node_context.hpp"

namespace spawn {

struct provisioner_state {
  /// Ports and configuration.
  node_context ctx;
  /// The session this child works for.
  std::string session_id;
  static inline const char* name = "provisioner";
};

/// A session's provisioning child (`provisioner_actor`).
///
/// `(atoms::acquire, tier) -> container_lease`: a container from the warm pool
/// (renamed after the session) or a cold one.
/// `(atoms::deploy, generated_app, app_type, container_lease) -> std::string`:
/// hands the files to the container and answers the app's URL once the app
/// answers HTTP. Blocking steps run on the node's I/O pool.
provisioner_actor::behavior_type
provisioner(provisioner_actor::stateful_pointer<provisioner_state> self, node_context ctx,
            std::string session_id);

/// The URL of an app published on `address`:`host_port` (its host's private
/// address; loopback for the local engine).
std::string loopback_url(int host_port, const std::string& address = "127.0.0.1");

} // namespace spawn
