#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "persistence/store.hpp"

namespace spawn {

/// Makes one store adapter (one database connection).
using store_factory = std::function<std::unique_ptr<store>()>;

/// A session write held for the next commit, and whom to answer.
struct held_write {
  store_write write;
  std::function<void(caf::expected<event_record>&)> answer;
};

struct store_worker_state {
  /// The adapter; owned by this worker's thread alone.
  std::unique_ptr<store> db;
  /// Writes held for the next commit (group commit), in arrival order.
  std::vector<held_write> held;
  /// At most this many writes per commit.
  size_t max_batch = 256;
  static inline const char* name = "store_worker";
};

/// A detached actor that serves the store port over messages (interface
/// `store_worker_actor` in actors/actors.hpp), so SQL never runs on a
/// scheduler thread. Every handler answers with the port's result (an error
/// value when the database fails). `(artifact, id, version, app, cache_key)`
/// stores an app (filed under the prompt cache key unless it is empty);
/// `(artload, id)` loads the newest one.
///
/// Group commit: the session writes (insert, save, append) are held, and
/// `commit` (which the first held write sends itself, so it comes after
/// every message already waiting) writes them in one transaction
/// (`store::write_batch`, at most `max_batch` at once); each is answered
/// once its own write is stored. Any other call writes what is held first,
/// so the worker's order is the order its messages came in.
store_worker_actor::behavior_type
store_worker(store_worker_actor::stateful_pointer<store_worker_state> self, store_factory make,
             int max_batch);

/// A fixed set of store workers. Calls about one session always go to the same
/// worker, so that session's writes keep their order.
class store_pool {
public:
  store_pool() = default;

  /// Spawns `n` workers (detached threads; on the scheduler when `detached` is
  /// false, for deterministic tests), each committing at most `max_batch`
  /// session writes at once (`database.batch`).
  store_pool(caf::actor_system& sys, const store_factory& make, int n, bool detached = true,
             int max_batch = 256);

  /// The worker that owns writes for `key` (a session id).
  const store_worker_actor& for_key(const std::string& key) const;

  /// Any worker, round-robin (for reads that span sessions).
  const store_worker_actor& any() const;

  const std::vector<store_worker_actor>& workers() const {
    static const std::vector<store_worker_actor> none;
    return shared_ ? shared_->workers : none;
  }

private:
  /// Shared by every copy (each actor holds a node_context).
  struct workers_and_turn {
    std::vector<store_worker_actor> workers;
    mutable std::atomic<size_t> next{0};
  };
  std::shared_ptr<const workers_and_turn> shared_;
};

} // namespace spawn
