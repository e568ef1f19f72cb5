#pragma once

#include <memory>

#include <caf/stateful_actor.hpp>

#include "infra/generator.hpp"

namespace spawn {

struct generation_worker_state {
  /// The backend; shared, thread-safe.
  std::shared_ptr<generator> backend;
  static inline const char* name = "generator";
};

/// A session's generation child. Spawned detached (generation blocks on
/// network or processes); answers `(atoms::run, generation_request)` with the
/// generated app or an error value, and meanwhile sends the requester
/// `(atoms::progress, std::string)` steps and `(atoms::usage, token_usage)`
/// after each model call. An exception from the backend becomes an
/// `errc::internal` error instead of killing the actor.
caf::behavior generation_worker(caf::stateful_actor<generation_worker_state>* self,
                                std::shared_ptr<generator> backend);

} // namespace spawn
