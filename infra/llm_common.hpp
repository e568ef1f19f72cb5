#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/error.hpp>

#include "infra/generator.hpp"
#include "infra/http_client.hpp"
#include "infra/http_stream.hpp"

namespace spawn {

/// How to reach one LLM server and what a call may cost.
struct llm_settings {
  std::string base_url;            ///< e.g. https://api.anthropic.com (no trailing /v1)
  std::string model;
  std::string api_key;             ///< secret: never logged, never stored
  int64_t max_tokens = 8192;       ///< output cap per call
  double temperature = 0.2;
  stream_timeouts timeouts;
  double input_usd_per_mtok = 0;   ///< price per million input tokens
  double output_usd_per_mtok = 0;
  std::string anthropic_version = "2023-06-01";
  bool include_usage = true;       ///< OpenAI-compatible: ask for usage in the stream
  int64_t progress_interval_ms = 1000;
};

/// Rough token count of `text` for budgets before a server says (4 bytes a token).
int64_t estimate_tokens(size_t bytes);

/// What a call of `u.input_tokens`/`u.output_tokens` costs under `s`.
double cost_of(const llm_settings& s, int64_t input_tokens, int64_t output_tokens);

/// The error for a non-2xx answer of `backend`: 429 and 529 are
/// `rate_limited` (the `retry-after` header, seconds, reported to `obs`), other
/// 5xx `unavailable`, 401 `unauthorized`, 403 `forbidden`, other 4xx
/// `invalid_input`. The message carries the server's own error message
/// (bounded), never a request header.
caf::error http_failure(const std::string& backend, const http_response& r,
                        const generation_observer& obs);

/// The largest output a call may ask for under `req.token_budget`, given its
/// input estimate; 0 when the budget cannot pay for a useful answer.
int64_t output_allowance(const generation_request& req, int64_t input_estimate,
                         int64_t max_tokens);

/// Reports streamed tokens to an observer at most once per interval.
class stream_progress {
public:
  stream_progress(std::string backend, const generation_observer& obs, int64_t interval_ms);

  /// Counts `bytes` more of the answer; may report.
  void add(size_t bytes);

  int64_t tokens() const {
    return estimate_tokens(bytes_);
  }

private:
  std::string backend_;
  const generation_observer& obs_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_;
  size_t bytes_ = 0;
};

/// Joins a base URL and a path without doubling the slash.
std::string join_url(const std::string& base, const std::string& path);

/// What both HTTP model APIs (Anthropic, OpenAI-compatible) share around
/// their streamed call: the settings, the model, the prompts with their
/// token estimate and output allowance, and the parse of the answer. Each
/// backend speaks its own wire protocol in `generate_observed`.
class llm_api_generator : public generator {
public:
  explicit llm_api_generator(llm_settings s);

  std::string model() const override;
  caf::expected<generated_app> generate(const generation_request& req) override;

protected:
  struct prepared_call {
    std::string system, user;
    int64_t input_estimate = 0; ///< tokens, from the prompts' size
    int64_t allowance = 0;      ///< max_tokens for the answer
  };

  /// The prompts of `req`; a `budget_exceeded` error when the token budget
  /// left cannot pay for a call.
  caf::expected<prepared_call> prepare(const generation_request& req) const;

  /// The model's text through the output contract parser, stamped with this
  /// backend and model.
  caf::expected<generated_app> parse_answer(const std::string& text,
                                            const generation_request& req) const;

  llm_settings s_;
};

} // namespace spawn
