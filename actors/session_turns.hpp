#pragma once
// What the turns (session_turns.cpp) and their fix loop (session_fix_loop.cpp)
// share inside a session actor; the session's own interface to them is in
// session_steps.hpp.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/session_generation.hpp"
#include "actors/session_steps.hpp"

namespace spawn::session_steps::turns {

// --- session_turns.cpp ---------------------------------------------------------

/// Why the session cannot take a turn now ("": it can).
std::string busy_reason(session_self self);
/// Ends the turn in flight as failed: the version before serves on.
void turn_failed(session_self self, const std::string& reason);
/// Removes a container and its slot on the I/O pool (best effort), then `then`.
void remove_lease(session_self self, container_lease lease, std::function<void()> then = {});
/// Stores the checked new version, then switches the route to it.
void store_version(session_self self);
/// Stores turn `t`, loads the serving version into the turn, announces it,
/// answers `rp` (if any), then runs `next`.
void accept(session_self self, turn_record t,
            std::optional<caf::typed_response_promise<turn_record>> rp,
            std::function<void(session_self)> next);
/// A turn's generation hooks: the answer goes to the turn.
generation_hooks turn_hooks(session_self self);

// --- session_fix_loop.cpp ------------------------------------------------------

/// Made by a model (not the offline templates, not a stored version).
bool model_made(session_self self, const generated_app& app);
/// The new version answers in its container: a model's pages are loaded
/// headless (the check) before it is stored and served.
void check_next(session_self self);
/// The new version has errors: another round for the model (its container
/// goes first), or the end of the turn after generation.fix_rounds.
void try_fix(session_self self, std::vector<std::string> errors);

} // namespace spawn::session_steps::turns
