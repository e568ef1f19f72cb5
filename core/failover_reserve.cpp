#include "core/failover_reserve.hpp"

#include <algorithm>

namespace spawn {

std::map<std::string, int> failover_reserve(const std::vector<node_record>& members,
                                            const std::string& cluster, const std::string& me,
                                            int cap) {
  std::map<std::string, int> want;
  if (cap <= 0 || cluster.empty())
    return want;
  int alive = 0;
  for (auto& n : members)
    if (n.alive && n.cluster == cluster)
      ++alive;
  for (auto& n : members) {
    if (n.cluster != cluster || n.id == me)
      continue;
    auto takers = n.alive ? alive - 1 : alive; // the nodes that would share its sessions
    if (takers < 1)
      continue;
    for (auto& [tier, count] : n.live_by_tier) {
      if (count <= 0)
        continue;
      auto share = std::min(cap, (count + takers - 1) / takers);
      want[tier] = std::max(want[tier], share);
    }
  }
  return want;
}

} // namespace spawn
