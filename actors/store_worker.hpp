#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>

#include "persistence/store.hpp"

namespace spawn {

/// Makes one store adapter (one database connection).
using store_factory = std::function<std::unique_ptr<store>()>;

struct store_worker_state {
  /// The adapter; owned by this worker's thread alone.
  std::unique_ptr<store> db;
  static inline const char* name = "store_worker";
};

/// A detached actor that serves the store port over messages, so SQL never
/// runs on a scheduler thread. Every handler answers with the port's result
/// (an error value when the database fails).
caf::behavior store_worker(caf::stateful_actor<store_worker_state>* self,
                           store_factory make);

/// A fixed set of store workers. Calls about one session always go to the same
/// worker, so that session's writes keep their order.
class store_pool {
public:
  store_pool() = default;

  /// Spawns `n` detached workers.
  store_pool(caf::actor_system& sys, const store_factory& make, int n);

  /// The worker that owns writes for `key` (a session id).
  const caf::actor& for_key(const std::string& key) const;

  /// Any worker, round-robin (for reads that span sessions).
  const caf::actor& any() const;

  const std::vector<caf::actor>& workers() const {
    return workers_;
  }

private:
  std::vector<caf::actor> workers_;
  std::shared_ptr<std::atomic<size_t>> next_ = std::make_shared<std::atomic<size_t>>(0);
};

} // namespace spawn
