#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>

namespace spawn {

/// Work a bridge runs on behalf of an HTTP request: typically
/// `self->request(...).then(...)` that completes the request from the answer.
using bridge_job = std::function<void(caf::event_based_actor* self)>;

} // namespace spawn

// Jobs are closures over request handles: they never leave the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(spawn::bridge_job)

namespace caf {
class actor_system;
}

namespace spawn {

/// A fixed set of long-lived actors through which the HTTP handlers ask the
/// actor system, instead of one short-lived actor per request (issue 12: the
/// spawn, its registry entry and its teardown were a real part of every
/// GET). `post` only enqueues, so a RESTinio thread never blocks; the bridge
/// runs the job on a scheduler thread and keeps serving others while the
/// answers it waits for are out (requests are asynchronous).
///
/// A job and the continuations it installs must not throw: an exception would
/// end the bridge (CAF 0.17 ends an actor on any exception). `ask` and the
/// server's helpers wrap theirs with `guarded` (http/reply.hpp).
class http_bridges {
public:
  /// Spawns `n` bridges (at least one) on `sys`'s scheduler.
  http_bridges(caf::actor_system& sys, std::size_t n);

  /// Stops the bridges; answers still pending are dropped with them.
  ~http_bridges();

  http_bridges(const http_bridges&) = delete;
  http_bridges& operator=(const http_bridges&) = delete;

  /// Runs `job` on the next bridge (round robin). Callable from any thread.
  void post(bridge_job job) const;

  caf::actor_system& system() const {
    return *sys_;
  }

private:
  caf::actor_system* sys_;
  std::vector<caf::actor> bridges_;
  mutable std::atomic<std::size_t> next_{0};
};

} // namespace spawn
