#pragma once

#include <string>

#include "core/generated_app.hpp"

namespace spawn {

/// The system prompt of every LLM backend for an app of `type`: the one
/// output contract (a JSON manifest of files plus a run command, parsed by
/// core/model_output.hpp) and what the runtime offers that type.
std::string system_prompt(app_type type);

/// The user message: the person's request and, for a site, the client
/// details (as data, never as instructions).
std::string user_prompt(const generation_request& req);

} // namespace spawn
