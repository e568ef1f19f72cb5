#pragma once

#include <optional>
#include <string_view>

namespace spawn {

/// The states of a session (DESIGN §2).
enum class phase {
  requested,
  provisioning,
  generating,
  deploying,
  running,
  sleeping,
  failed,
  destroying,
  destroyed,
};

/// What happens to a session; the input of the state machine.
enum class session_event {
  start,       ///< the session actor picked the request up
  provisioned, ///< a container is ready for the app
  generated,   ///< the app's files exist
  deployed,    ///< the app answers on its URL
  idle,        ///< no traffic for the idle timeout
  wake,        ///< a request arrived for a sleeping app
  fail,        ///< a phase failed for good
  destroy,     ///< expiry, a user's delete or an admin's
  destroyed,   ///< the container and route are gone
};

std::string_view to_string(phase p);
std::string_view to_string(session_event e);
std::optional<phase> parse_phase(std::string_view name);

/// The pure transition function: the next phase, or `std::nullopt` when `e` is
/// illegal in `p`. Destroying an already destroying or destroyed session is
/// legal and leaves it where it is (destroy is idempotent).
std::optional<phase> transition(phase p, session_event e);

/// True for phases a session never leaves.
bool is_terminal(phase p);

/// True while the session holds (or is acquiring) resources.
bool is_live(phase p);

/// The progress shown to users: queued 10, provisioning 30, generating 60,
/// deploying 90, running 100.
int progress_of(phase p);

} // namespace spawn
