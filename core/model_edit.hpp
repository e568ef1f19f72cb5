#pragma once

#include <string_view>

#include <caf/expected.hpp>

#include "core/generated_app.hpp"
#include "core/model_output.hpp"

namespace spawn {

/// The output contract of a follow-up turn (issue 15), as the LLM backends
/// ask for it: the same JSON manifest as a first generation, where `files`
/// holds only the files added or changed (each complete), `"deleted"` lists
/// the paths to remove and `"summary"` says in a sentence what changed.
/// `entry` and `run` may be left out to keep the current ones.
extern const char* const edit_contract;

/// Applies a model's answer under `edit_contract` to `base`: deletions, then
/// the files given (new or replacing), checked as a whole exactly like a
/// first answer (`parse_model_output`: safe paths, limits, text only, the
/// entry present, a valid run command). Deleting a file that is not there,
/// or answering neither files nor deletions, is `errc::generation_failed`.
caf::expected<generated_app> apply_model_edit(std::string_view text, const generated_app& base,
                                              app_type type, const output_limits& limits = {});

} // namespace spawn
