#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <set>
#include <string>

#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"

#include "core/messages.hpp"
#include "actors/node_context.hpp"
#include "infra/host_set.hpp"

namespace spawn {

struct warm_pool_state {
  /// Ports and configuration.
  node_context ctx;
  /// The node's Docker hosts when `ctx.runtime` is a host set; null: one
  /// pool, kept under host "", wherever the runtime puts containers.
  std::shared_ptr<host_set> hosts;
  /// Started, empty containers per host and tier, oldest first.
  std::map<std::string, std::map<std::string, std::deque<container_lease>>> ready;
  /// Containers being started per host and tier.
  std::map<std::string, std::map<std::string, int>> starting;
  /// Ready hosts cleaned of this node's leftover warm containers (the pool
  /// starts containers only there), and those being cleaned.
  std::set<std::string> clean, cleaning;
  /// Tiers kept warm (those of the configured app types).
  std::vector<std::string> tiers;
  /// Set by a graceful stop: no refills; late arrivals are removed.
  bool draining = false;
  /// Who waits for the drain to finish (containers still starting, removals).
  std::vector<caf::typed_response_promise<int>> drain_waiters;
  /// Blocking removals still running during a drain, and containers removed.
  int removing = 0, removed = 0;
  /// Cold starts for sessions waiting for a thread, oldest first, and
  /// container starts (cold and warm) in flight: at most half the I/O pool
  /// starts containers at once, so a burst leaves threads for deployments,
  /// health checks and removals.
  struct waiting_start {
    std::string tier, session_id, host;
    caf::typed_response_promise<container_lease> rp;
  };
  std::deque<waiting_start> waiting;
  /// Starts holding an I/O thread now. A start's job gives its count back
  /// as it leaves the thread, not when its answer reaches this actor: under
  /// load that answer waits behind every session's messages, and the next
  /// start with it, while the thread is already free.
  std::shared_ptr<std::atomic<int>> starts_in_flight = std::make_shared<std::atomic<int>>(0);
  /// Warm containers kept per tier on the local engine beyond
  /// `runtime.warm_pool_size` to take this node's share of a lost peer's
  /// sessions (the manager sets it from the members' live sessions;
  /// `cluster.failover_reserve` bounds it).
  std::map<std::string, int> reserve;
  /// A tier's reserve goes down only once the lower figure has stood for
  /// `reserve_shrink_delay`: a takeover's sessions acquire their containers a
  /// moment after the members read shows them claimed. Tier -> (lower figure,
  /// since when, steady ms).
  std::map<std::string, std::pair<int, int64_t>> reserve_lower;
  /// When the last warm containers were handed out (steady ms, newest
  /// last): during a burst of hand-outs (a takeover, a rush of creations) the
  /// refill waits for a quiet second, so the I/O threads and the engine go
  /// to the sessions' deployments first; and whether that wait is armed.
  std::deque<int64_t> handouts;
  bool refill_deferred = false;
  /// Leases handed out since start, warm and cold.
  uint64_t warm_hits = 0, cold_starts = 0;
  static inline const char* name = "warm_pool";
};

/// Keeps started, empty runtime containers per Docker host and tier (seed
/// 000: a warm pool; issue 17: per host) and hands one to each session
/// (`warm_pool_actor`): `runtime.warm_pool_size` per tier on the local
/// engine, `hosts.warm_per_host` on every other ready host with room. A host
/// that is no longer ready drops its warm containers: removed when it is
/// draining (its engine answers), given up when it is gone (they count
/// nowhere); a host that is ready again (or for the first time) is cleaned of
/// this node's leftover warm containers before new ones start there. Hosts
/// are looked at again each `hosts.check_interval_ms`.
///
/// `(atoms::acquire, tier, session_id) -> container_lease`: the session is
/// placed first (the host set's policy, a host's warm containers counting as
/// room for it), then takes a warm container of that host when one is ready
/// (instant), else a cold start on that host labelled with the session.
/// A cold start is idempotent: when the engine made the session's container
/// although the call failed (a create that answered after the client gave
/// up), the container holding the session's name and label is adopted.
/// The pool refills in the background after every hand-out; at start it
/// removes the unclaimed warm containers an earlier run left behind.
/// `(atoms::release) -> int` removes the idle containers and stops refilling
/// (graceful stop); answers how many went.
/// `(atoms::stats) -> std::string` (JSON) counts ready, starting, hits, misses,
/// per tier and per host.
/// `(atoms::reserve, tier -> count)` sets the failover reserve (issue 14) of
/// the local engine: the pool starts the extra containers at once, and when
/// the reserve has stood lower for 30 s removes ready ones beyond the target.
warm_pool_actor::behavior_type
warm_pool(warm_pool_actor::stateful_pointer<warm_pool_state> self, node_context ctx);

/// Blocking: starts a runtime container of `tier` named `name` on a fresh
/// slot, labelled with `session_id` (when not empty), on Docker host `host`
/// (empty: where placement puts it); adopts the session's own container when
/// the engine already made it.
caf::expected<container_lease> start_container(const node_context& ctx, const std::string& tier,
                                               const std::string& name, bool warm,
                                               const std::string& session_id,
                                               const std::string& host = {});

/// Pure: the host a session of `tier` needing `memory` goes to, `hosts` as
/// the host set has them (warm containers counted in their usage) and
/// `warm` the warm containers of that tier ready on each host, which are
/// room for the session. Empty when no host has room.
std::string place_session(std::vector<host_record> hosts,
                          const std::map<std::string, int>& warm, const std::string& tier,
                          int64_t memory, placement_policy policy);

} // namespace spawn
