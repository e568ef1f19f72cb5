#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/stateful_actor.hpp>
#include <restinio/all.hpp>

#include "actors/actors.hpp"
#include "core/session.hpp"

namespace spawn {

/// What a bridge keeps: the HTTP requests waiting for an answer, each with
/// its deadline (one timer per bridge instead of one per request).
struct bridge_state {
  struct waiting {
    std::chrono::steady_clock::time_point deadline;
    restinio::request_handle_t req;
  };
  /// By ticket; tickets grow with time and every wait is as long, so the
  /// first entry is always the next to expire.
  std::map<uint64_t, waiting> waits;
  uint64_t next_ticket = 1;
  /// True while a tick is scheduled (only while something waits).
  bool ticking = false;
  /// Live session actors of this node this bridge has read, by session id:
  /// a GET asks the session itself, not the manager first (one hop each
  /// way instead of two). An actor that is gone (destroyed, handed over,
  /// respawned) is dropped at its first failed read; the whole map is
  /// dropped past `live_cache_size`.
  std::unordered_map<std::string, session_actor_type> live;

  static inline const char* name = "http_bridge";
};

using bridge_actor = caf::stateful_actor<bridge_state>;

/// Work a bridge runs on behalf of an HTTP request: typically
/// `self->request(...).then(...)` that completes the request from the answer.
using bridge_job = std::function<void(bridge_actor* self)>;

} // namespace spawn

// Jobs are closures over request handles: they never leave the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(spawn::bridge_job)

namespace caf {
class actor_system;
}

namespace spawn {

/// How long a bridge waits for an answer before it answers 503 `timeout`.
constexpr auto bridge_wait = std::chrono::seconds{35};

/// Registers `req` as waiting on `self`'s answer (for at most `bridge_wait`):
/// the ticket to `settle` when the answer comes.
uint64_t bridge_expect(bridge_actor* self, restinio::request_handle_t req);

/// True once, for the first of the answer and the expiry: whoever gets true
/// completes the request; a late answer gets false and is dropped.
bool bridge_settle(bridge_actor* self, uint64_t ticket);

/// How many live session actors a bridge remembers at most.
constexpr std::size_t live_cache_size = 8192;

/// Reads session `id` on `self`: from its live actor when this bridge knows
/// it, else through `manager` (which answers for sessions of other nodes and
/// from the store too), learning the live actor for the next read. Calls
/// `ok(record)` or `failed(error)` once.
void bridge_read_session(bridge_actor* self, const session_manager_actor& manager,
                         const std::string& id, std::function<void(session_record&)> ok,
                         std::function<void(caf::error&)> failed);

/// A fixed set of long-lived actors through which the HTTP handlers ask the
/// actor system, instead of one short-lived actor per request (issue 12: the
/// spawn and teardown of an actor, and a timer per request in CAF's clock
/// thread, were a real part of every GET). `post` only enqueues, so a
/// RESTinio thread never blocks; the bridge runs the job on a scheduler
/// thread and serves others while the answers it waits for are out.
///
/// A job and the continuations it installs must not throw: CAF 0.17 ends an
/// actor on any exception. `ask` and the server's helpers wrap theirs with
/// `guarded` (http/reply.hpp).
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
