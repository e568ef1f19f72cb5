#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <caf/expected.hpp>

#include "core/generated_app.hpp"
#include "core/records.hpp"

namespace spawn {

/// Where a generator reports as it works. Every member may be empty.
struct generation_observer {
  /// A human step: "anthropic: 1,200 tokens streamed", "step 2/4: write content".
  std::function<void(const std::string&)> progress;
  /// After each model call, successful or not: what it cost.
  std::function<void(const token_usage&)> usage;
  /// Before a retryable failure is returned: how long the server asked to
  /// wait (a 429/529 `retry-after`), in milliseconds.
  std::function<void(int64_t)> retry_after;
};

/// Port: turns a prompt into an app. The offline template generator and the
/// LLM backends implement it. Implementations may block (network, processes):
/// callers run them off the CAF scheduler and RESTinio threads.
class generator {
public:
  virtual ~generator() = default;

  /// Short name for logs and events ("template", "anthropic", ...).
  virtual std::string name() const = 0;

  /// The model behind the backend ("" for the template generator); part of
  /// the prompt cache key.
  virtual std::string model() const {
    return {};
  }

  /// Produces the files and run command for `req`, or an error value.
  virtual caf::expected<generated_app> generate(const generation_request& req) = 0;

  /// Same, reporting progress and token usage to `obs` as it goes. The
  /// default ignores `obs`. Retryable errors: `timeout`, `io_error`,
  /// `unavailable`, `rate_limited`, `generation_failed`; others (a refused
  /// key, a bad request, `budget_exceeded`) are not worth retrying.
  virtual caf::expected<generated_app> generate_observed(const generation_request& req,
                                                         const generation_observer& obs) {
    (void) obs;
    return generate(req);
  }
};

} // namespace spawn
