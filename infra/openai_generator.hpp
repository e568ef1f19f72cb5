#pragma once

#include "infra/llm_common.hpp"

namespace spawn {

/// The OpenAI-compatible chat completions backend (OpenAI, Ollama, vLLM,
/// llama.cpp's server...): one streamed `POST /v1/chat/completions`
/// (`data: {...}` chunks, `data: [DONE]`), usage from the final chunk when the
/// server honours `stream_options.include_usage` (estimated otherwise). The
/// key, when configured, travels as `Authorization: Bearer` only. A stream
/// without [DONE] is an `io_error`.
class openai_generator : public llm_api_generator {
public:
  using llm_api_generator::llm_api_generator;

  std::string name() const override;
  caf::expected<generated_app> generate_observed(const generation_request& req,
                                                 const generation_observer& obs) override;
};

} // namespace spawn
