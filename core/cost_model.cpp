#include "core/cost_model.hpp"

namespace spawn {

double estimate_cost(double hourly_usd, int64_t lifetime_seconds, double generation_usd) {
  auto secs = lifetime_seconds > 0 ? double(lifetime_seconds) : 0.0;
  return hourly_usd * secs / 3600.0 + (generation_usd > 0 ? generation_usd : 0.0);
}

double compute_cost(double hourly_usd, epoch_ms from, epoch_ms to) {
  if (from <= 0 || to <= from)
    return 0;
  return hourly_usd * double(to - from) / 3.6e6;
}

std::vector<cost_item> cost_items_of(double hourly_usd, epoch_ms from, epoch_ms to,
                                      double generation_usd) {
  std::vector<cost_item> items;
  cost_item compute;
  compute.kind = "compute";
  compute.unit = "hour";
  compute.quantity = (from > 0 && to > from) ? double(to - from) / 3.6e6 : 0.0;
  compute.unit_price = hourly_usd;
  compute.amount = compute_cost(hourly_usd, from, to);
  compute.at = to;
  items.push_back(compute);
  if (generation_usd > 0) {
    cost_item gen;
    gen.kind = "generation";
    gen.unit = "session";
    gen.quantity = 1;
    gen.unit_price = generation_usd;
    gen.amount = generation_usd;
    gen.at = to;
    items.push_back(gen);
  }
  return items;
}

double total_of(const std::vector<cost_item>& items) {
  double sum = 0;
  for (auto& i : items)
    sum += i.amount;
  return sum;
}

bool cost_overrun(double actual, double estimated, double ratio) {
  return estimated > 0 && actual > estimated * ratio;
}

} // namespace spawn
