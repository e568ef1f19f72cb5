// Placement over Docker hosts (issue 17, core/hosts.hpp): which hosts take a
// container and in which order each policy tries them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "actors/host_registry.hpp"
#include "actors/warm_pool.hpp"
#include "core/error.hpp"
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

// --- the warm pool per host (actors/warm_pool.hpp place_session) -------------

TEST(placement_test, a_hosts_warm_containers_are_room_for_a_session) {
  // t1 is full with its own warm containers: they are the session's room.
  auto local = host("local", "local", 3, 10);
  auto t1 = host("t1", "tcp", 2, 2);
  t1.warm = 2;
  EXPECT_EQ(place_session({local, t1}, {{"t1", 2}}, "small", 0, placement_policy::spread), "t1");
  // Without them in the pool (handed out already), t1 is full.
  EXPECT_EQ(place_session({local, t1}, {}, "small", 0, placement_policy::spread), "local");
  // local_first keeps its order whatever is warm elsewhere.
  EXPECT_EQ(place_session({local, t1}, {{"t1", 2}}, "small", 0, placement_policy::local_first), "local");
  // Memory counts too: the warm containers' memory is the session's.
  auto m = host("m", "tcp", 1, 5);
  m.capacity_memory = 1000;
  m.used_memory = 1000;
  m.warm = 1;
  EXPECT_EQ(place_session({m}, {{"m", 1}}, "small", 1000, placement_policy::pack), "m");
  EXPECT_EQ(place_session({m}, {}, "small", 1000, placement_policy::pack), "");
  // The pool never counts more warm containers than the host set does.
  auto n = host("n", "tcp", 2, 2);
  n.warm = 0;
  EXPECT_EQ(place_session({n}, {{"n", 2}}, "small", 0, placement_policy::spread), "");
  // A draining or gone host takes nobody, warm or not.
  t1.state = "draining";
  EXPECT_EQ(place_session({t1}, {{"t1", 2}}, "small", 0, placement_policy::spread), "");
  EXPECT_EQ(session_count(t1), 0);
}

// --- droplet hours (host_costs) -----------------------------------------------

TEST(placement_test, droplet_hours_accrue_with_the_share_its_sessions_used) {
  host_record h = host("do-1", "digitalocean", 0, 4);
  h.hourly_cost = 0.036;
  h.created_at = 1000;
  h.droplet_id = "42";
  auto c = cost_line(h);
  EXPECT_EQ(c.droplet_id, "42");
  EXPECT_DOUBLE_EQ(c.amount, 0);
  accrue(c, 1000 + 3600000, 0, 4); // an hour empty
  EXPECT_DOUBLE_EQ(hours_of(c), 1.0);
  EXPECT_DOUBLE_EQ(c.amount, 0.036);
  EXPECT_DOUBLE_EQ(c.sessions_usd, 0);
  EXPECT_DOUBLE_EQ(idle_usd(c), 0.036);
  accrue(c, 1000 + 2 * 3600000, 2, 4); // an hour half full
  EXPECT_DOUBLE_EQ(c.amount, 0.072);
  EXPECT_DOUBLE_EQ(c.sessions_usd, 0.018);
  EXPECT_NEAR(idle_usd(c), 0.054, 1e-12);
  accrue(c, 1000 + 3600000, 4, 4); // the clock going back: nothing
  EXPECT_DOUBLE_EQ(c.amount, 0.072);
  accrue(c, 1000 + 3 * 3600000, 9, 4); // more sessions than seats: all of it, no more
  EXPECT_NEAR(c.sessions_usd, 0.054, 1e-12);
  c.ended = true; // destroyed: billed no more
  accrue(c, 1000 + 10 * 3600000, 4, 4);
  EXPECT_NEAR(c.amount, 0.108, 1e-12);
  host_record zero = host("do-2", "digitalocean", 1, 0); // no capacity: no share
  auto z = cost_line(zero);
  accrue(z, 3600000, 1, 0);
  EXPECT_DOUBLE_EQ(z.sessions_usd, 0);
}

TEST(placement_test, the_admin_host_list_carries_the_droplets_ledger) {
  auto live = host("do-live", "digitalocean", 1, 2);
  live.warm = 1;
  live.hourly_cost = 0.01;
  auto local = host("local", "local", 0, 10);
  host_cost a = cost_line(live);
  a.until = a.started_at + 3600000;
  a.amount = 0.01;
  a.sessions_usd = 0.004;
  host_cost gone;
  gone.host_id = "do-old";
  gone.hourly_usd = 0.02;
  gone.amount = 0.02;
  gone.ended = true;
  std::vector<host_cost_row> items;
  for (auto& i : host_cost_items(a, "n1"))
    items.push_back({i, i.kind == "droplet" ? 3 : 0, i.kind == "droplet" ? 0.05 : 0.0});
  for (auto& i : host_cost_items(gone, "n1"))
    items.push_back({i, 0, 0.0});
  auto j = nlohmann::json::parse(hosts_json({local, live}, {a, gone}, items, "spread"));
  ASSERT_EQ(j["hosts"].size(), 2u);
  EXPECT_TRUE(j["hosts"][0]["cost"].is_null());
  EXPECT_DOUBLE_EQ(j["hosts"][1]["cost"]["usd"].get<double>(), 0.01);
  EXPECT_DOUBLE_EQ(j["hosts"][1]["cost"]["hours"].get<double>(), 1.0);
  EXPECT_NEAR(j["hosts"][1]["cost"]["idle_usd"].get<double>(), 0.006, 1e-12);
  EXPECT_EQ(j["hosts"][1]["usage"]["sessions"], 0); // its one container is warm
  EXPECT_EQ(j["hosts"][1]["usage"]["warm"], 1);
  EXPECT_NEAR(j["droplet_costs"]["usd"].get<double>(), 0.03, 1e-12);
  EXPECT_NEAR(j["droplet_costs"]["idle_usd"].get<double>(), 0.026, 1e-12);
  ASSERT_EQ(j["droplet_costs"]["droplets"].size(), 2u);
  EXPECT_EQ(j["droplet_costs"]["droplets"][1]["ended"], true);
  EXPECT_EQ(j["policy"], "spread");
  // Each droplet's own cost_items lines, and their totals.
  auto& lines = j["hosts"][1]["cost"]["cost_items"];
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["kind"], "droplet");
  EXPECT_EQ(lines[0]["sessions"], 3);
  EXPECT_NEAR(lines[1]["amount_usd"].get<double>(), 0.006, 1e-12);
  EXPECT_EQ(j["droplet_costs"]["droplets"][1]["cost_items"].size(), 2u);
  EXPECT_TRUE(j["hosts"][0].contains("cost"));
  auto& totals = j["droplet_costs"]["cost_items"];
  EXPECT_NEAR(totals["droplet_usd"].get<double>(), 0.03, 1e-12);
  EXPECT_NEAR(totals["droplet_idle_usd"].get<double>(), 0.026, 1e-12);
  EXPECT_NEAR(totals["sessions_billed_usd"].get<double>(), 0.05, 1e-12);
  EXPECT_EQ(totals["sessions"], 3);
  auto page = nlohmann::json::parse(host_cost_items_json(items, 2, 0));
  EXPECT_EQ(page["lines"].size(), 4u);
  EXPECT_EQ(page["limit"], 2);
  EXPECT_FALSE(page["lines"][1].contains("sessions")) << "an idle line carries no sessions";
}

TEST(placement_test, a_droplets_bill_lines_are_its_hours_and_the_part_no_session_used) {
  auto h = host("do-9", "digitalocean", 0, 4);
  h.hourly_cost = 0.036;
  h.created_at = 5000;
  auto c = cost_line(h);
  accrue(c, 5000 + 3600000, 0, 4);     // an hour empty
  accrue(c, 5000 + 2 * 3600000, 2, 4); // an hour half full
  auto items = host_cost_items(c, "node-x");
  ASSERT_EQ(items.size(), 2u);
  auto& all = items[0];
  auto& idle = items[1];
  EXPECT_EQ(all.kind, "droplet");
  EXPECT_EQ(all.unit, "hour");
  EXPECT_EQ(all.host_id, "do-9");
  EXPECT_EQ(all.node_id, "node-x");
  EXPECT_DOUBLE_EQ(all.quantity, 2.0);
  EXPECT_DOUBLE_EQ(all.unit_price, 0.036);
  EXPECT_NEAR(all.amount, all.quantity * all.unit_price, 1e-12);
  EXPECT_EQ(all.at, c.until);
  EXPECT_EQ(idle.kind, "droplet_idle");
  EXPECT_NEAR(idle.amount, 0.054, 1e-12);
  EXPECT_NEAR(idle.quantity, 1.5, 1e-12); // 1 h empty + half of the half-full hour
  EXPECT_NEAR(idle.quantity * idle.unit_price, idle.amount, 1e-12);
  auto none = host_cost_items(cost_line(h), "node-x"); // nothing accrued yet
  EXPECT_DOUBLE_EQ(none[0].amount, 0);
  EXPECT_DOUBLE_EQ(none[1].quantity, 0);
}

TEST(placement_test, the_host_cost_query_takes_known_bounded_values_only) {
  using query = std::vector<std::pair<std::string, std::string>>;
  auto f = parse_host_cost_filter({});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->limit, 100);
  EXPECT_EQ(f->offset, 0);
  EXPECT_TRUE(f->node_id.empty() && f->host_id.empty() && f->kind.empty());
  f = parse_host_cost_filter(query{{"node", "node-a.1_x"}, {"host", "do-n-3"},
                                   {"kind", "droplet_idle"}, {"limit", "1000"}, {"offset", "7"}});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->node_id, "node-a.1_x");
  EXPECT_EQ(f->host_id, "do-n-3");
  EXPECT_EQ(f->kind, "droplet_idle");
  EXPECT_EQ(f->limit, 1000);
  EXPECT_EQ(f->offset, 7);
  for (auto& bad : std::vector<query>{
         {{"limit", "0"}}, {{"limit", "1001"}}, {{"limit", "-1"}}, {{"limit", "ten"}},
         {{"limit", ""}}, {{"limit", "99999999999"}}, {{"offset", "-1"}},
         {{"offset", "1000001"}}, {{"offset", "1e3"}}, {{"kind", "compute"}}, {{"kind", ""}},
         {{"host", "Bad Id"}}, {{"host", ""}}, {{"host", std::string(129, 'a')}},
         {{"host", "do-1;drop"}},
         {{"node", "a/b"}}, {{"node", std::string(65, 'n')}}, {{"node", ""}},
         {{"sort", "amount"}}, {{"limit", "5"}, {"limit", "6"}}}) {
    auto got = parse_host_cost_filter(bad);
    ASSERT_FALSE(got) << bad[0].first << "=" << bad[0].second << " was accepted";
    EXPECT_EQ(code_of(got.error()), errc::invalid_input);
  }
}
