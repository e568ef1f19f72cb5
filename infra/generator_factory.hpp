#pragma once

#include <memory>

#include <caf/expected.hpp>

#include "infra/config.hpp"
#include "infra/generator.hpp"
#include "infra/llm_common.hpp"

namespace spawn {

/// The settings of an LLM backend from its configuration and its key.
llm_settings to_llm_settings(const llm_backend_config& c, std::string api_key,
                             int64_t progress_interval_ms);

/// Builds the generator spawnd uses from `cfg.generation`: the template
/// generator alone by default, otherwise a chain_generator over the
/// configured backends. Keys are read here (infra/secrets.hpp):
/// SPAWN_ANTHROPIC_API_KEY or ANTHROPIC_API_KEY or
/// generation.anthropic.api_key_file; SPAWN_OPENAI_API_KEY or OPENAI_API_KEY
/// or generation.openai.api_key_file (optional: local servers need none).
/// Errors: an unreadable key file, anthropic without a key.
caf::expected<std::shared_ptr<generator>> make_generator(const spawn_config& cfg);

} // namespace spawn
