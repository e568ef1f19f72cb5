// The failover reserve (issue 14, core/failover_reserve.hpp): how many warm
// containers per tier a node keeps for the loss of a peer.
#include <gtest/gtest.h>

#include "core/failover_reserve.hpp"

using namespace spawn;

namespace {

node_record node(const std::string& id, bool alive, std::map<std::string, int> tiers,
                 const std::string& cluster = "c") {
  node_record n;
  n.id = id;
  n.alive = alive;
  n.cluster = cluster;
  n.live_by_tier = std::move(tiers);
  return n;
}

} // namespace

TEST(failover_reserve_test, a_survivor_keeps_its_share_of_the_busiest_peer) {
  // Three live nodes: if b is lost, a and c take 30 small and 5 medium between them.
  std::vector<node_record> m{node("a", true, {{"small", 2}}), node("b", true, {{"small", 30}, {"medium", 5}}),
                             node("c", true, {{"small", 7}})};
  auto r = failover_reserve(m, "c", "a", 32);
  EXPECT_EQ(r["small"], 15);
  EXPECT_EQ(r["medium"], 3); // rounded up: 5 between two
  EXPECT_EQ(r.size(), 2u);
  // c's view: b is still the busiest peer.
  EXPECT_EQ(failover_reserve(m, "c", "c", 32)["small"], 15);
}

TEST(failover_reserve_test, the_bound_the_standalone_node_and_the_lone_survivor) {
  std::vector<node_record> m{node("a", true, {}), node("b", true, {{"small", 100}})};
  EXPECT_EQ(failover_reserve(m, "c", "a", 32)["small"], 32); // a alone would take all 100
  EXPECT_TRUE(failover_reserve(m, "c", "a", 0).empty());      // off
  EXPECT_TRUE(failover_reserve(m, "", "a", 32).empty());      // standalone
  // Only a is alive, b is live and its own: nobody else to lose.
  EXPECT_TRUE(failover_reserve({node("a", true, {{"small", 4}})}, "c", "a", 32).empty());
}

TEST(failover_reserve_test, a_dead_nodes_unclaimed_sessions_are_shared_by_the_live_ones) {
  // d died with 9 sessions not claimed yet: a and b share them (5 each, rounded up),
  // and b alone being lost would leave a with its 4.
  std::vector<node_record> m{node("a", true, {}), node("b", true, {{"small", 4}}),
                             node("d", false, {{"small", 9}})};
  EXPECT_EQ(failover_reserve(m, "c", "a", 32)["small"], 5);
}

TEST(failover_reserve_test, other_clusters_and_empty_tiers_count_for_nothing) {
  std::vector<node_record> m{node("a", true, {}), node("b", true, {{"small", 0}}),
                             node("x", true, {{"small", 50}}, "other"),
                             node("y", false, {{"large", 8}}, "other")};
  EXPECT_TRUE(failover_reserve(m, "c", "a", 32).empty());
}
