#pragma once

#include <deque>
#include <map>
#include <string>

#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"

#include "core/messages.hpp"
#include "actors/node_context.hpp"

namespace spawn {

struct warm_pool_state {
  /// Ports and configuration.
  node_context ctx;
  /// Started, empty containers per tier, oldest first.
  std::map<std::string, std::deque<container_lease>> ready;
  /// Containers being started per tier.
  std::map<std::string, int> starting;
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
    std::string tier, session_id;
    caf::typed_response_promise<container_lease> rp;
  };
  std::deque<waiting_start> waiting;
  int starts_in_flight = 0;
  /// Warm containers kept per tier beyond `runtime.warm_pool_size` to take
  /// this node's share of a lost peer's sessions (the manager sets it from
  /// the members' live sessions; `cluster.failover_reserve` bounds it).
  std::map<std::string, int> reserve;
  /// A tier's reserve goes down only once the lower figure has stood for
  /// `reserve_shrink_delay`: a takeover's sessions acquire their containers a
  /// moment after the members read shows them claimed. Tier -> (lower figure,
  /// since when, steady ms).
  std::map<std::string, std::pair<int, int64_t>> reserve_lower;
  /// Leases handed out since start, warm and cold.
  uint64_t warm_hits = 0, cold_starts = 0;
  static inline const char* name = "warm_pool";
};

/// Keeps `runtime.warm_pool_size` started, empty runtime containers per tier
/// (seed 000: a warm pool) and hands one to each session (`warm_pool_actor`).
///
/// `(atoms::acquire, tier, session_id) -> container_lease`: a warm container
/// when one is ready (instant), else a cold start labelled with the session.
/// A cold start is idempotent: when the engine made the session's container
/// although the call failed (a create that answered after the client gave
/// up), the container holding the session's name and label is adopted.
/// The pool refills in the background after every hand-out; at start it
/// removes the unclaimed warm containers an earlier run left behind.
/// `(atoms::release) -> int` removes the idle containers and stops refilling
/// (graceful stop); answers how many went.
/// `(atoms::stats) -> std::string` (JSON) counts ready, starting, hits, misses.
/// `(atoms::reserve, tier -> count)` sets the failover reserve: the pool
/// starts the extra containers, and removes ready ones beyond its new target.
warm_pool_actor::behavior_type
warm_pool(warm_pool_actor::stateful_pointer<warm_pool_state> self, node_context ctx);

/// Blocking: starts a runtime container of `tier` named `name` on a fresh
/// slot, labelled with `session_id` (when not empty); adopts the session's own
/// container when the engine already made it.
caf::expected<container_lease> start_container(const node_context& ctx, const std::string& tier,
                                               const std::string& name, bool warm,
                                               const std::string& session_id);

/// Name prefix of unclaimed warm containers; claimed ones are renamed to
/// `spawnai-<session id>`.
inline constexpr const char* warm_name_prefix = "spawnai-warm-";

} // namespace spawn
