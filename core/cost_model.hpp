#pragma once

#include <string>
#include <vector>

#include "core/session.hpp"

namespace spawn {

/// One line of table `cost_items` (seed 002's cost tracking): a session's bill,
/// e.g. compute 1.25 hour × 0.00893 = 0.0111625, or a droplet's own hours
/// (issue 17: no session, `host_id` set).
struct cost_item {
  std::string kind;      ///< "compute", "generation"; a host's: "droplet", "droplet_idle"
  double quantity = 0;
  std::string unit;      ///< "hour", "session"
  double unit_price = 0; ///< USD per unit
  double amount = 0;     ///< USD: quantity × unit_price
  epoch_ms at = 0;
  std::string node_id;   ///< the node it ran on
  std::string host_id;   ///< the Docker host it ran on; empty: the node's local engine
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cost_item& x) {
  return f(x.kind, x.quantity, x.unit, x.unit_price, x.amount, x.at, x.node_id, x.host_id);
}

/// The cost promised at creation: `hourly_usd` over the expected lifetime plus
/// the expected generation cost.
double estimate_cost(double hourly_usd, int64_t lifetime_seconds, double generation_usd);

/// Compute cost of `hourly_usd` from `from` to `to` (0 when `to <= from`).
double compute_cost(double hourly_usd, epoch_ms from, epoch_ms to);

/// The items of a session alive from `from` to `to`: compute, then generation
/// when it cost anything. Their amounts add up to the actual cost.
std::vector<cost_item> cost_items_of(double hourly_usd, epoch_ms from, epoch_ms to,
                                      double generation_usd);

/// Sum of the items' amounts.
double total_of(const std::vector<cost_item>& items);

/// True when `actual` passed `ratio` × `estimated` (never for a zero estimate).
bool cost_overrun(double actual, double estimated, double ratio);

} // namespace spawn
