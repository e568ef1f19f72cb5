#pragma once

// Internal to the session manager: its admin API and node bookkeeping (issue 6).

#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "core/messages.hpp"
#include "actors/session_manager.hpp"

namespace spawn::manager_admin {

using self_ptr = session_manager_actor::stateful_pointer<session_manager_state>;

/// Reloads the API keys (each sweep; the node's row is the cluster member's).
void heartbeat(self_ptr self);

/// The session actor's own account of itself plus what the manager knows, as
/// JSON; for a session without an actor, its stored state and `"live": false`.
caf::result<std::string> introspect(self_ptr self, const std::string& id);

/// Sessions matching `f`; the live ones as their actors answer.
caf::result<admin_session_list> list_live(self_ptr self, session_filter f);

/// A new API key for `owner`: `{"id", "owner", "key"}`; the key is shown once.
caf::result<std::string> create_key(self_ptr self, const std::string& owner);

/// Revokes key `key_id`: `{"id", "owner", "revoked_at"}`.
caf::result<std::string> revoke_key(self_ptr self, const std::string& key_id);

/// Readiness as JSON: the database and the Docker engine answer, and the
/// sessions of the last run are adopted.
caf::result<std::string> ready(self_ptr self);

/// Counters of the manager, the generation queue and the admission limits.
caf::result<std::string> stats(self_ptr self);

} // namespace spawn::manager_admin
