#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/duration.hpp>
#include <caf/message.hpp>

#include "actors/atoms.hpp"
#include "core/error.hpp"

namespace spawn {

/// A piece of blocking work (libcurl, files, processes, SQL): runs on a pool
/// thread and returns the message to answer with (a value, or an error).
using blocking_job = std::function<caf::message()>;

} // namespace spawn

// Jobs are closures: they never leave the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(spawn::blocking_job)

namespace caf {
class actor_system;
}

namespace spawn {

/// A fixed set of threads for blocking work, sized by configuration. Each
/// thread is a detached worker actor; a call goes to the worker with the
/// fewest jobs in hand, so one slow call (a hung LLM backend, a Docker engine
/// that takes its time) delays nothing while another thread is free. The
/// number of threads never grows with the number of calls or sessions.
class blocking_pool {
public:
  blocking_pool() = default;

  /// Spawns `n` workers. With `detached` false they run on the scheduler
  /// (deterministic tests: the test coordinator runs the jobs in order).
  blocking_pool(caf::actor_system& sys, int n, bool detached = true);

  /// The worker for the next job (fewest in hand); counts the job as taken.
  caf::actor pick() const;

  /// Workers, for an orderly stop.
  const std::vector<caf::actor>& workers() const {
    static const std::vector<caf::actor> none;
    return shared_ ? shared_->workers : none;
  }

  /// Jobs taken and not yet finished, over all workers.
  int in_flight() const;

  explicit operator bool() const {
    return shared_ && !shared_->workers.empty();
  }

  /// Wraps `fn` (returning `caf::expected<T>`) as a job answering `T` or the
  /// error; an exception escaping `fn` (an adapter's bug, a library's
  /// surprise) becomes an `errc::internal` error. `done` runs after `fn`.
  ///
  /// A job still waiting for its thread past `deadline` is not run: its caller
  /// has had its timeout already, and running it would only delay the jobs
  /// behind it (a burst would snowball into timeouts).
  template <class F>
  static blocking_job wrap(F fn, std::shared_ptr<std::atomic<int>> load,
                           std::chrono::steady_clock::time_point deadline) {
    return [fn = std::move(fn), load = std::move(load), deadline]() mutable -> caf::message {
      struct release {
        std::shared_ptr<std::atomic<int>> load;
        ~release() {
          if (load)
            --*load;
        }
      } guard{load};
      if (std::chrono::steady_clock::now() > deadline)
        return caf::make_message(
          make_error(errc::timeout, "the call waited for a thread past its timeout"));
      try {
        auto result = fn();
        if (!result)
          return caf::make_message(std::move(result.error()));
        return caf::make_message(std::move(*result));
      } catch (const std::exception& e) {
        return caf::make_message(
          make_error(errc::internal, std::string{"an adapter threw: "} + e.what()));
      } catch (...) {
        return caf::make_message(
          make_error(errc::internal, "an adapter threw an unknown exception"));
      }
    };
  }

  /// The load counter of `worker` (as returned by `pick`).
  std::shared_ptr<std::atomic<int>> load_of(const caf::actor& worker) const;

private:
  /// Shared by every copy (each actor holds a node_context): copying a pool
  /// costs one reference count, not a vector per actor.
  struct workers_and_loads {
    std::vector<caf::actor> workers;
    std::vector<std::shared_ptr<std::atomic<int>>> load;
  };
  std::shared_ptr<const workers_and_loads> shared_;
};

/// Runs `fn` (blocking I/O, returning `caf::expected<T>`) on one of `pool`'s
/// threads, never on a scheduler thread, and returns the handle of a request
/// whose result is `T` or the error. The caller attaches `.then(ok, err)`
/// (or `.await` to keep its own messages waiting until the answer).
/// When a call made now with `timeout` is due.
template <class Rep, class Period>
std::chrono::steady_clock::time_point deadline_of(std::chrono::duration<Rep, Period> timeout) {
  return std::chrono::steady_clock::now()
         + std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
}

/// `caf::infinite`: never.
inline std::chrono::steady_clock::time_point deadline_of(const caf::duration&) {
  return std::chrono::steady_clock::time_point::max();
}

template <class Self, class Timeout, class F>
auto blocking_call(Self* self, const blocking_pool& pool, Timeout timeout, F fn) {
  auto worker = pool.pick();
  return self->request(worker, timeout, atoms::run::value,
                       blocking_pool::wrap(std::move(fn), pool.load_of(worker),
                                           deadline_of(timeout)));
}

} // namespace spawn
