#pragma once

#include <map>
#include <optional>
#include <string>

#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "actors/node_context.hpp"
#include "core/admission.hpp"

namespace spawn {

struct session_manager_state {
  /// Ports and configuration.
  node_context ctx;
  /// The live session actors of this node by session id.
  std::map<std::string, caf::actor> sessions;
  /// True once the sessions left by an earlier run have been adopted and each
  /// has checked reality (what `readyz` waits for).
  bool recovered = false;
  /// Unfinished sessions waiting for adoption, and adoptions in flight
  /// (at most `recovery.parallelism`).
  std::vector<session_record> to_adopt;
  int adopting = 0;
  epoch_ms recovery_started = 0;
  /// Removes containers no live session owns (actors/orphan_reaper.hpp).
  caf::actor reaper;
  /// Sessions created since start.
  uint64_t created = 0;
  /// Limits on creation (rate per client, live per owner, live per node).
  std::optional<admission> admit;
  /// Owner of each live session actor, for `admit`.
  std::map<std::string, std::string> owners;
  /// When this manager started (the node's start in the `nodes` table).
  int64_t started_at = 0;
  /// Admins waiting for a session actor they restarted to be back (by id).
  std::map<std::string, std::vector<caf::typed_response_promise<std::string>>> restarts;
  static inline const char* name = "session_manager";
};

/// The root supervisor of a node's sessions.
///
/// `(atoms::create, create_request) -> created_session` persists the new session
/// and spawns its actor. `(atoms::get, id) -> session_record` asks the live actor
/// or, for a finished session, the store. `(atoms::destroy, id, token)` and
/// `(atoms::extend, id, token, seconds)` check the manage token first
/// (`errc::conflict` never, `errc::not_found`, or an `errc::invalid_input` error
/// with message "forbidden"). `(atoms::subscribe, id, actor)` streams the
/// session's events to `actor`. At start it adopts this node's unfinished
/// sessions; a periodic sweep destroys expired sessions nobody holds; a session
/// actor that crashes is respawned from its persisted state.
///
/// Creation is refused by the limits of `admission` (429/503 errors carrying
/// their retry delay). The sweep also heartbeats this node's row in `nodes` and
/// reloads the API keys. Admin messages: `(atoms::introspect, id) -> string`
/// (the live actor's own account of itself, JSON), `(atoms::force, id) ->
/// session_record` (destroy without the manage token), `(atoms::nodes)`,
/// `(atoms::keys, owner) -> string` (a new key, shown once), `(atoms::revoke,
/// key id)`, `(atoms::list, filter, atoms::introspect)` (sessions, live ones as
/// their actors see them), `(atoms::stats) -> string`, `(atoms::restart, id)
/// -> string` (the live actor is made to crash and is respawned from the
/// store, as any crashed session actor; answers JSON with both actor ids once
/// the new one has checked reality).
caf::behavior session_manager(caf::stateful_actor<session_manager_state>* self,
                              node_context ctx);

} // namespace spawn
