// The cluster's tables against a real PostgreSQL (issue 14): incarnations and
// leases, deaths declared once, sessions claimed exactly once by concurrent
// nodes, every session write fenced by its owner (node, epoch).
#include "persistence/pg_store.hpp"

#include <cstdlib>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace spawn;

namespace {

std::string unique(const std::string& prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return prefix + "-" + buf;
}

template <class T>
errc code(const caf::expected<T>& x) {
  return x ? errc::none : code_of(x.error());
}

node_record node_of(const std::string& id, const std::string& cluster) {
  node_record n;
  n.id = id;
  n.address = "http://127.0.0.1:1/";
  n.capacity = 100;
  n.cluster = cluster;
  n.cluster_host = "127.0.0.1";
  n.cluster_port = 4242;
  n.edge_address = "127.0.0.1:8081";
  return n;
}

session_record session_of(const std::string& id, const std::string& node, int64_t epoch) {
  session_record s;
  s.id = id;
  s.owner = "owner";
  s.prompt = "a todo list";
  s.state = phase::running;
  s.node_id = node;
  s.owner_epoch = epoch;
  s.created_at = now_ms();
  s.expires_at = now_ms() + 3600000;
  return s;
}

class pg_cluster_pgtest : public ::testing::Test {
protected:
  void SetUp() override {
    const char* dsn = std::getenv("SPAWN_TEST_DATABASE_URL");
    if (!dsn || !*dsn)
      GTEST_SKIP() << "SPAWN_TEST_DATABASE_URL not set: PostgreSQL tests need a "
                      "server (deploy/scripts/postgres.sh starts one)";
    dsn_ = dsn;
    db_ = std::make_unique<pg_store>(dsn_);
    ASSERT_FALSE(db_->migrate());
    cluster_ = unique("c");
  }

  /// Joins `id` to this test's cluster; its epoch.
  int64_t join(const std::string& id, int64_t lease_ms = 60000) {
    auto e = db_->join_cluster(node_of(id, cluster_), lease_ms);
    EXPECT_TRUE(e) << (e ? "" : message_of(e.error()));
    return e ? *e : 0;
  }

  std::string dsn_, cluster_;
  std::unique_ptr<pg_store> db_;
};

} // namespace

TEST_F(pg_cluster_pgtest, every_start_is_a_new_epoch_and_replaces_the_old_one) {
  auto id = unique("n");
  auto e1 = join(id);
  auto e2 = join(id);
  EXPECT_EQ(e2, e1 + 1);
  auto n = node_of(id, cluster_);
  n.epoch = e1;
  auto old = db_->renew_lease(n, 60000);
  ASSERT_TRUE(old);
  EXPECT_FALSE(*old) << "the replaced incarnation learns it is not up";
  n.epoch = e2;
  auto cur = db_->renew_lease(n, 60000);
  ASSERT_TRUE(cur);
  EXPECT_TRUE(*cur);
  auto nodes = db_->list_nodes();
  ASSERT_TRUE(nodes);
  bool seen = false;
  for (auto& x : *nodes)
    if (x.id == id) {
      seen = true;
      EXPECT_EQ(x.epoch, e2);
      EXPECT_TRUE(x.alive);
      EXPECT_EQ(x.cluster, cluster_);
      EXPECT_EQ(x.cluster_port, 4242);
      EXPECT_EQ(x.edge_address, "127.0.0.1:8081");
    }
  EXPECT_TRUE(seen);
}

TEST_F(pg_cluster_pgtest, a_lapsed_node_is_declared_dead_once_and_cannot_renew) {
  auto id = unique("n");
  auto epoch = join(id, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  std::vector<std::vector<node_record>> seen(4);
  std::vector<std::thread> judges;
  for (int i = 0; i < 4; ++i)
    judges.emplace_back([&, i] {
      pg_store db{dsn_};
      auto dead = db.declare_dead(cluster_, "judge-" + std::to_string(i));
      if (dead)
        seen[i] = *dead;
    });
  for (auto& t : judges)
    t.join();
  int declared = 0;
  for (auto& v : seen)
    for (auto& n : v)
      if (n.id == id) {
        ++declared;
        EXPECT_EQ(n.epoch, epoch);
      }
  EXPECT_EQ(declared, 1) << "one judge declares the death";
  auto n = node_of(id, cluster_);
  n.epoch = epoch;
  auto renewed = db_->renew_lease(n, 60000);
  ASSERT_TRUE(renewed);
  EXPECT_FALSE(*renewed) << "a node declared dead does not come back by renewing";
  // A standalone node's lapse is nobody's business.
  auto lone = unique("n");
  ASSERT_TRUE(db_->join_cluster(node_of(lone, ""), 1));
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  auto dead = db_->declare_dead("", "anyone");
  ASSERT_TRUE(dead);
  for (auto& x : *dead)
    EXPECT_NE(x.id, lone);
}

// A node found gone before its lease ran out (its link dropped, its port
// refuses): declared dead by exactly one of the survivors that saw it, only
// that incarnation, and it cannot renew afterwards (it would fence itself).
TEST_F(pg_cluster_pgtest, a_node_found_gone_is_declared_dead_before_its_lease_once) {
  auto id = unique("n");
  auto epoch = join(id, 60000); // a long lease: only declare_gone ends it
  std::vector<std::vector<node_record>> seen(4);
  std::vector<std::thread> judges;
  for (int i = 0; i < 4; ++i)
    judges.emplace_back([&, i] {
      pg_store db{dsn_};
      auto dead = db.declare_gone(session_owner{id, epoch}, "judge-" + std::to_string(i),
                                  "its port refuses");
      if (dead)
        seen[i] = *dead;
    });
  for (auto& t : judges)
    t.join();
  int declared = 0;
  for (auto& v : seen)
    for (auto& n : v) {
      EXPECT_EQ(n.id, id);
      EXPECT_EQ(n.epoch, epoch);
      EXPECT_EQ(n.state, "dead");
      EXPECT_GT(n.lease_until, now_ms() + 50000) << "declared long before its lease ran out";
      ++declared;
    }
  EXPECT_EQ(declared, 1) << "one survivor declares the death";
  auto n = node_of(id, cluster_);
  n.epoch = epoch;
  auto renewed = db_->renew_lease(n, 60000);
  ASSERT_TRUE(renewed);
  EXPECT_FALSE(*renewed) << "a node declared gone does not come back by renewing";
  // Another incarnation (a restart) is not touched by a stale suspicion, nor a
  // standalone node.
  auto again = db_->join_cluster(node_of(id, cluster_), 60000);
  ASSERT_TRUE(again);
  auto stale = db_->declare_gone(session_owner{id, epoch}, "late", "its port refuses");
  ASSERT_TRUE(stale);
  EXPECT_TRUE(stale->empty());
  auto lone = unique("n");
  auto lone_epoch = db_->join_cluster(node_of(lone, ""), 60000);
  ASSERT_TRUE(lone_epoch);
  auto standalone = db_->declare_gone(session_owner{lone, *lone_epoch}, "x", "y");
  ASSERT_TRUE(standalone);
  EXPECT_TRUE(standalone->empty());
  // The death is in the cluster's log with its reason.
  auto evs = db_->cluster_events(0, 100000);
  ASSERT_TRUE(evs);
  bool logged = false;
  for (auto& e : *evs)
    if (e.node_id == id && e.kind == "death" && e.detail.find("its port refuses") != std::string::npos)
      logged = true;
  EXPECT_TRUE(logged);
}

TEST_F(pg_cluster_pgtest, concurrent_claims_take_each_session_exactly_once) {
  auto gone = unique("n");
  auto gone_epoch = join(gone, 1);
  auto alive = unique("n");
  auto alive_epoch = join(alive);
  std::set<std::string> orphans;
  for (int i = 0; i < 40; ++i) {
    auto id = unique("s");
    ASSERT_FALSE(db_->insert_session(session_of(id, gone, gone_epoch)));
    orphans.insert(id);
  }
  auto kept = unique("s");
  ASSERT_FALSE(db_->insert_session(session_of(kept, alive, alive_epoch)));
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  ASSERT_TRUE(db_->declare_dead(cluster_, alive));
  // A standalone node claims only its own.
  auto lone = db_->claim_orphans(session_owner{unique("n"), 1}, 100, "", "");
  ASSERT_TRUE(lone);
  EXPECT_TRUE(lone->empty());
  std::mutex m;
  std::vector<std::set<std::string>> got(3);
  std::vector<std::thread> claimers;
  for (int k = 0; k < 3; ++k)
    claimers.emplace_back([&, k] {
      pg_store db{dsn_};
      auto me = unique("n");
      auto epoch = db.join_cluster(node_of(me, cluster_), 60000);
      if (!epoch)
        return;
      for (;;) {
        auto batch = db.claim_orphans(session_owner{me, *epoch}, 7, "", cluster_);
        if (!batch || batch->empty())
          break;
        std::lock_guard<std::mutex> guard{m};
        for (auto& s : *batch) {
          EXPECT_EQ(s.node_id, me);
          EXPECT_EQ(s.owner_epoch, *epoch);
          if (orphans.count(s.id))
            got[k].insert(s.id);
          else
            ADD_FAILURE() << "claimed " << s.id << ", which was not an orphan of this test";
        }
      }
    });
  for (auto& t : claimers)
    t.join();
  std::set<std::string> all;
  size_t total = 0;
  for (auto& g : got) {
    total += g.size();
    all.insert(g.begin(), g.end());
  }
  EXPECT_EQ(total, orphans.size()) << "no session claimed twice";
  EXPECT_EQ(all, orphans) << "none left behind";
  auto k = db_->get_session(kept);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->node_id, alive) << "a live node's session is not claimed";
  auto evs = db_->cluster_events(0, 10000);
  ASSERT_TRUE(evs);
  int claims = 0, deaths = 0;
  for (auto& e : *evs)
    if (e.node_id == gone) {
      claims += e.kind == "claim";
      deaths += e.kind == "death";
    }
  EXPECT_EQ(deaths, 1);
  EXPECT_GE(claims, 1);
}

TEST_F(pg_cluster_pgtest, writes_of_a_former_owner_are_fenced) {
  auto a = unique("n");
  auto a_epoch = join(a);
  auto b = unique("n");
  auto b_epoch = join(b);
  auto id = unique("s");
  auto s = session_of(id, a, a_epoch);
  ASSERT_FALSE(db_->insert_session(s));
  event_record ev;
  ev.session_id = id;
  ev.message = "fine";
  ASSERT_TRUE(db_->save_transition(s, ev));
  auto moved = db_->hand_over(id, session_owner{a, a_epoch}, session_owner{b, b_epoch});
  ASSERT_TRUE(moved) << message_of(moved.error());
  EXPECT_EQ(moved->node_id, b);
  EXPECT_EQ(code(db_->hand_over(id, session_owner{a, a_epoch}, session_owner{b, b_epoch})),
            errc::fenced)
    << "a hand-over from a former owner";
  s.message = "the old owner writes";
  EXPECT_EQ(code(db_->save_transition(s, ev)), errc::fenced);
  EXPECT_EQ(code(db_->append_event(ev, session_owner{a, a_epoch})), errc::fenced);
  auto now = db_->get_session(id);
  ASSERT_TRUE(now);
  EXPECT_NE(now->message, "the old owner writes");
  auto mine = *moved;
  mine.message = "the new owner writes";
  EXPECT_TRUE(db_->save_transition(mine, ev));
  EXPECT_TRUE(db_->append_event(ev, session_owner{b, b_epoch}));
  auto owned = db_->owned_sessions(session_owner{b, b_epoch});
  ASSERT_TRUE(owned);
  EXPECT_EQ(*owned, std::vector<std::string>{id});
  auto routes = db_->remote_routes(a, cluster_);
  ASSERT_TRUE(routes);
  bool routed = false;
  for (auto& r : *routes)
    if (r.session_id == id) {
      routed = true;
      EXPECT_EQ(r.node_id, b);
      EXPECT_EQ(r.edge_address, "127.0.0.1:8081");
    }
  EXPECT_TRUE(routed) << "node a routes b's session to b's edge";
}
