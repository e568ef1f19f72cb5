#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "infra/generator.hpp"

namespace spawn {

/// Retries and fallbacks of a backend chain.
struct chain_settings {
  int attempts_per_backend = 2;
  int64_t backoff_ms = 1000;     ///< doubled after each failed attempt
  int64_t max_wait_ms = 30000;   ///< a longer retry-after is cut to this
};

/// Tries its backends in order (generation.chain, e.g. anthropic → openai →
/// template): each up to `attempts_per_backend` times while its errors are
/// retryable, waiting with exponential backoff or the server's retry-after;
/// then falls back to the next. Every step is a progress report the session
/// turns into an event. Token usage of every call (retries included) counts
/// against `req.token_budget`; once it is spent the chain stops with
/// `errc::budget_exceeded` instead of calling again.
class chain_generator : public generator {
public:
  using sleeper = std::function<void(int64_t ms)>;

  chain_generator(std::vector<std::shared_ptr<generator>> links, chain_settings s,
                  sleeper sleep = {});

  /// "anthropic>openai>template".
  std::string name() const override;

  /// The first backend's model.
  std::string model() const override;

  caf::expected<generated_app> generate(const generation_request& req) override;
  caf::expected<generated_app> generate_observed(const generation_request& req,
                                                 const generation_observer& obs) override;

  const std::vector<std::shared_ptr<generator>>& links() const {
    return links_;
  }

private:
  std::vector<std::shared_ptr<generator>> links_;
  chain_settings s_;
  sleeper sleep_;
};

/// True for the error codes worth another attempt on the same backend.
bool retryable(const caf::error& err);

} // namespace spawn
