#pragma once

#include "infra/llm_common.hpp"

namespace spawn {

/// The Anthropic Messages API backend: one streamed `POST /v1/messages`
/// (server-sent events: message_start, content_block_delta, message_delta
/// with the usage, message_stop, error), then the answer goes through the
/// output contract parser. A stream that ends before message_stop is an
/// `io_error` (retryable); an `error` event of type overloaded_error is
/// `unavailable`. The key travels in `x-api-key` and nowhere else.
class anthropic_generator : public llm_api_generator {
public:
  using llm_api_generator::llm_api_generator;

  std::string name() const override;
  caf::expected<generated_app> generate_observed(const generation_request& req,
                                                 const generation_observer& obs) override;
};

} // namespace spawn
