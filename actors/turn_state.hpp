#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/generated_app.hpp"
#include "core/records.hpp"
#include "core/turns.hpp"

namespace spawn {

/// Where a session's follow-up turn stands (issue 15, actors/session_turns.cpp):
/// at most one turn at a time; the version that serves keeps serving until
/// the new one answers in its own container and the route has switched.
struct turn_state {
  /// The turn in flight (none: the session takes a new one).
  std::optional<turn_record> current;
  /// The version that served when the turn began, and its files.
  generated_app base;
  /// The new version's files, once generated (or loaded, for a rollback).
  std::optional<generated_app> next;
  /// The version a rollback restores (0: a prompt).
  int restored_from = 0;
  /// The new version's container, once acquired (removed if the turn fails).
  std::optional<container_lease> lease;
  /// A container for the new version is being acquired (a destruction waits
  /// for it, so that it is removed rather than leaked).
  bool acquiring = false;
  /// Fix rounds done (the fix loop), and the errors the last check found.
  int fix_round = 0;
  std::vector<std::string> errors;
  /// When the turn was accepted.
  epoch_ms started = 0;
  /// The session's token and cost totals when the turn began.
  int64_t input_tokens = 0, output_tokens = 0;
  double cost_usd = 0;
};

} // namespace spawn
