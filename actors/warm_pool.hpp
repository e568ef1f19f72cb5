#pragma once

#include <deque>
#include <map>
#include <string>

#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
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
  std::vector<caf::response_promise> drain_waiters;
  /// Blocking removals still running during a drain, and containers removed.
  int removing = 0, removed = 0;
  /// Leases handed out since start, warm and cold.
  uint64_t warm_hits = 0, cold_starts = 0;
  static inline const char* name = "warm_pool";
};

/// Keeps `runtime.warm_pool_size` started, empty runtime containers per tier
/// (seed 000: a warm pool) and hands one to each session.
///
/// `(atoms::acquire, tier, session_id) -> container_lease`: a warm container
/// when one is ready (instant), else a cold start labelled with the session.
/// The pool refills in the background after every hand-out; at start it
/// removes the unclaimed warm containers an earlier run left behind.
/// `(atoms::release) -> int` removes the idle containers and stops refilling
/// (graceful stop); answers how many went.
/// `(atoms::stats) -> std::string` (JSON) counts ready, starting, hits, misses.
caf::behavior warm_pool(caf::stateful_actor<warm_pool_state>* self, node_context ctx);

/// Name prefix of unclaimed warm containers; claimed ones are renamed to
/// `spawnai-<session id>`.
inline constexpr const char* warm_name_prefix = "spawnai-warm-";

} // namespace spawn
