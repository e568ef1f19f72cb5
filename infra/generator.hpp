#pragma once

#include <caf/expected.hpp>

#include "core/generated_app.hpp"

namespace spawn {

/// Port: turns a prompt into an app. The offline template generator and the
/// LLM backends implement it. Implementations may block (network, processes):
/// callers run them off the CAF scheduler and RESTinio threads.
class generator {
public:
  virtual ~generator() = default;

  /// Short name for logs and events ("template", "anthropic", ...).
  virtual std::string name() const = 0;

  /// Produces the files and run command for `req`, or an error value.
  virtual caf::expected<generated_app> generate(const generation_request& req) = 0;
};

} // namespace spawn
