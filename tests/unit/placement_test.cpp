// Placement over Docker hosts (issue 17, core/hosts.hpp): which hosts take a
// container and in which order each policy tries them.
#include <gtest/gtest.h>

#include "core/hosts.hpp"

using namespace spawn;

namespace {

host_record host(const std::string& id, const std::string& kind, int used, int cap = 10) {
  host_record h;
  h.id = id;
  h.kind = kind;
  h.used_sessions = used;
  h.capacity_sessions = cap;
  return h;
}

std::vector<std::string> ids(const std::vector<host_record>& hs, const std::vector<size_t>& order) {
  std::vector<std::string> out;
  for (auto i : order)
    out.push_back(hs[i].id);
  return out;
}

} // namespace

TEST(placement_test, policies_parse_and_nothing_else_does) {
  EXPECT_EQ(parse_placement("spread"), placement_policy::spread);
  EXPECT_EQ(parse_placement("pack"), placement_policy::pack);
  EXPECT_EQ(parse_placement("local_first"), placement_policy::local_first);
  for (auto bad : {"", "Spread", "random", "spread "})
    EXPECT_FALSE(parse_placement(bad)) << bad;
}

TEST(placement_test, spread_prefers_the_least_loaded_and_keeps_ties_in_order) {
  std::vector<host_record> hs{host("local", "local", 3), host("t1", "tcp", 1), host("t2", "tcp", 1)};
  EXPECT_EQ(ids(hs, placement_order(hs, "small", 0, placement_policy::spread)),
            (std::vector<std::string>{"t1", "t2", "local"}));
  // Load is relative to capacity: 5 of 100 is lighter than 1 of 10.
  hs[0].capacity_sessions = 100;
  hs[0].used_sessions = 5;
  EXPECT_EQ(ids(hs, placement_order(hs, "small", 0, placement_policy::spread)).front(), "local");
}

TEST(placement_test, pack_fills_the_fullest_host_that_has_room) {
  std::vector<host_record> hs{host("a", "tcp", 2), host("b", "tcp", 9), host("c", "tcp", 10)};
  EXPECT_EQ(ids(hs, placement_order(hs, "", 0, placement_policy::pack)),
            (std::vector<std::string>{"b", "a"})); // c is full
}

TEST(placement_test, local_first_uses_the_local_engine_until_it_is_full) {
  std::vector<host_record> hs{host("t1", "tcp", 0), host("local", "local", 9)};
  EXPECT_EQ(ids(hs, placement_order(hs, "", 0, placement_policy::local_first)).front(), "local");
  hs[1].used_sessions = 10;
  EXPECT_EQ(ids(hs, placement_order(hs, "", 0, placement_policy::local_first)),
            (std::vector<std::string>{"t1"}));
}

TEST(placement_test, only_ready_hosts_of_the_tier_with_memory_left_take_a_container) {
  auto h = host("t1", "tcp", 0);
  EXPECT_TRUE(has_room(h, "small", 256 << 20));
  for (auto state : {"provisioning", "draining", "gone"}) {
    h.state = state;
    EXPECT_FALSE(has_room(h, "small", 0)) << state;
  }
  h.state = "ready";
  h.tier = "large";
  EXPECT_FALSE(has_room(h, "small", 0));
  EXPECT_TRUE(has_room(h, "large", 0));
  h.tier.clear();
  h.capacity_memory = int64_t{1} << 30;
  h.used_memory = (int64_t{1} << 30) - (128 << 20);
  EXPECT_FALSE(has_room(h, "small", 256 << 20));
  EXPECT_TRUE(has_room(h, "small", 128 << 20));
  std::vector<host_record> none{h};
  none[0].state = "gone";
  EXPECT_TRUE(placement_order(none, "", 0, placement_policy::spread).empty());
}

TEST(placement_test, host_states_and_kinds_are_the_tables) {
  for (auto s : {"provisioning", "ready", "draining", "gone"})
    EXPECT_TRUE(is_host_state(s));
  EXPECT_FALSE(is_host_state("up"));
  for (auto k : {"local", "tcp", "digitalocean"})
    EXPECT_TRUE(is_host_kind(k));
  EXPECT_FALSE(is_host_kind("ssh"));
}
