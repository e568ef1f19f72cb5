#pragma once

// Internal to the session manager: its part of turns and versions (issue 15).

#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/session_manager.hpp"
#include "core/messages.hpp"

namespace spawn::manager_turns {

using self_ptr = session_manager_actor::stateful_pointer<session_manager_state>;

/// `(say, id, token, prompt)`: checks the manage token, then hands the
/// prompt to the live session actor (`errc::conflict` when it has none).
caf::result<turn_record> say(self_ptr self, const std::string& id, const std::string& token,
                             std::string prompt);

/// `(upload, id, token, source)`: the same for new uploaded code (issue 18).
caf::result<turn_record> upload(self_ptr self, const std::string& id, const std::string& token,
                                std::string source);

/// `(rollback, id, token, version)`: the same for a rollback.
caf::result<turn_record> rollback(self_ptr self, const std::string& id,
                                  const std::string& token, int version);

/// `(thread, id)`: the session, its turns and its versions (`errc::not_found`).
caf::result<session_thread> thread(self_ptr self, const std::string& id);

/// `(verload, id, n)`: version `n`'s files.
caf::result<generated_app> version_files(self_ptr self, const std::string& id, int version);

/// `(diff, id, from, to)`: the unified diff of every file that differs,
/// computed on the I/O pool.
caf::result<version_diff> diff(self_ptr self, const std::string& id, int from, int to);

} // namespace spawn::manager_turns
