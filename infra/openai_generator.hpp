#pragma once

#include "infra/generator.hpp"
#include "infra/llm_common.hpp"

namespace spawn {

/// The OpenAI-compatible chat completions backend (OpenAI, Ollama, vLLM,
/// llama.cpp's server...): one streamed `POST /v1/chat/completions`
/// (`data: {...}` chunks, `data: [DONE]`), usage from the final chunk when the
/// server honours `stream_options.include_usage` (estimated otherwise). The
/// key, when configured, travels as `Authorization: Bearer` only. A stream
/// without [DONE] is an `io_error`.
class openai_generator : public generator {
public:
  explicit openai_generator(llm_settings s);

  std::string name() const override;
  std::string model() const override;
  caf::expected<generated_app> generate(const generation_request& req) override;
  caf::expected<generated_app> generate_observed(const generation_request& req,
                                                 const generation_observer& obs) override;

private:
  llm_settings s_;
};

} // namespace spawn
