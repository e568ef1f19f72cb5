#pragma once

#include <memory>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/blocking.hpp"
#include "infra/generator.hpp"

namespace spawn {

struct generation_worker_state {
  /// The backend; shared, thread-safe.
  std::shared_ptr<generator> backend;
  /// The node's generation threads (`pools.generation_threads`).
  blocking_pool pool;
  static inline const char* name = "generator";
};

/// A session's generation child (`generation_worker_actor`), a light actor:
/// the backend call itself runs on the generation pool, so no thread is held
/// per session. `(atoms::run, generation_request, listener)` answers the
/// generated app or an error value, and meanwhile sends `listener`
/// `(atoms::progress, std::string)` steps and `(atoms::usage, token_usage)`
/// after each model call. An exception from the backend becomes an
/// `errc::internal` error.
generation_worker_actor::behavior_type
generation_worker(generation_worker_actor::stateful_pointer<generation_worker_state> self,
                  std::shared_ptr<generator> backend, blocking_pool pool);

} // namespace spawn
