#pragma once

// The offline generator's follow-up edits (issue 15). A template app is
// re-rendered from its original prompt plus the edits accumulated over the
// turns (stored with each version in `generated_app::edits`), so every edit
// stays true after the next one and a rollback restores its version's edits.
//
// Documented edits (English and French): the title or name; the accent colour
// and colours ("make it purple", "accent #0ea5e9"); dark or light theme; font
// size (bigger, smaller, "120%", "18px"); the UI's language (English/French);
// adding or removing a field of a form or CRUD resource; durations ("breaks of
// 10 minutes") and limits ("12 questions", "a goal of 8").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "core/generated_app.hpp"
#include "infra/templates/prompt_traits.hpp"

namespace spawn {

/// What one instruction asks of a template app; unset members are untouched.
struct template_edit {
  std::optional<std::string> title;
  std::optional<std::string> accent;      ///< "#rrggbb"
  std::optional<theme_kind> theme;
  std::optional<bool> french;
  std::optional<int> font_percent;        ///< absolute, 60..200
  int font_step = 0;                      ///< +1 bigger, -1 smaller (relative)
  std::vector<std::string> add_fields, remove_fields;
  std::vector<duration_mention> durations;
  std::optional<long long> limit;

  /// True when nothing was recognised.
  bool empty() const;
};

/// Reads the edits an instruction asks for. Never fails; an instruction it
/// does not understand gives an empty edit.
template_edit parse_instruction(std::string_view instruction);

/// What the offline generator can change, for a reply that says it cannot.
extern const char* const template_edit_help;

/// The outcome of applying an instruction to a template app.
struct template_turn {
  generated_app app;                 ///< the new version (same files when nothing applied)
  std::vector<std::string> done;     ///< what changed ("the theme is dark")
  std::vector<std::string> not_done; ///< what was asked but cannot be done here, and why
};

/// Applies `instruction` to `base` (an app made by the template generator
/// from `prompt`): parses it, merges it into `base.edits` and re-renders.
/// `errc::invalid_input` when the instruction asks for nothing it knows
/// (the message says what it can do); otherwise each recognised part is in
/// `done` or, when it would change nothing in this app, in `not_done`.
caf::expected<template_turn> apply_template_instruction(const generation_request& req);

/// `traits` with the accumulated `edits` (a JSON object) applied.
void apply_edits_to_traits(prompt_traits& traits, const nlohmann::json& edits);

} // namespace spawn
