#pragma once

#include "infra/generator.hpp"

namespace spawn::test {

/// A generator that answers at once with a one-page static app naming the
/// prompt: the generation port with no cost, for benchmarks of the control
/// plane alone.
class instant_generator : public generator {
public:
  std::string name() const override {
    return "instant";
  }

  caf::expected<generated_app> generate(const generation_request& req) override;
};

} // namespace spawn::test
