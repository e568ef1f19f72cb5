// The HTTP bridges' session reads (issue 12): a bridge reads a live session
// from its actor directly once the manager has located it, and falls back to
// the manager (the store) once that actor is gone. Real actors and
// PostgreSQL; a null container runtime and an instant generator.

#include "http/bridges.hpp"

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include <caf/all.hpp>

#include "actors/session_manager.hpp"
#include "actors/warm_pool.hpp"
#include "core/messages.hpp"
#include "core/tokens.hpp"
#include "persistence/pg_store.hpp"
#include "tests/doubles/instant_generator.hpp"
#include "tests/doubles/null_runtime.hpp"

using namespace spawn;
using namespace std::chrono_literals;

namespace {

/// What one read on a bridge gave: the record or the error, and whether the
/// bridge knew the session's live actor afterwards.
struct read_result {
  std::optional<session_record> record;
  caf::error error;
  bool cached = false;
  size_t cache_size = 0;
};

caf::behavior test_bridge(bridge_actor* self) {
  return {[=](bridge_job& job) { job(self); }};
}

class bridge_read_pgtest : public ::testing::Test {
protected:
  void SetUp() override {
    auto dsn = std::getenv("SPAWN_TEST_DATABASE_URL");
    if (!dsn)
      GTEST_SKIP() << "SPAWN_TEST_DATABASE_URL not set: these tests need PostgreSQL "
                      "(deploy/scripts/postgres.sh starts one)";
    std::string url = dsn;
    ASSERT_FALSE(pg_store{url}.migrate());
    dir_ = std::filesystem::temp_directory_path() / ("spawn-bridge-" + new_session_id());
    auto cfg = parse_config(R"({"runtime": {"warm_pool_size": 0},
      "health": {"interval_ms": 0}, "recovery": {"orphan_scan_interval_ms": 0},
      "generation": {"check_browser": "none"}})");
    ASSERT_TRUE(cfg) << message_of(cfg.error());
    cfg->node_id = "bridge-" + new_manage_token().substr(0, 8);
    cfg->state_dir = dir_.string();
    ctx_.cfg = std::make_shared<spawn_config>(*cfg);
    ctx_.stores = store_pool{sys_, [url] { return std::make_unique<pg_store>(url); }, 1};
    ctx_.io = blocking_pool{sys_, 2};
    ctx_.llm = blocking_pool{sys_, 1};
    ctx_.runtime = std::make_shared<test::null_runtime>();
    ctx_.gen = std::make_shared<test::instant_generator>();
    ctx_.pool = sys_.spawn(warm_pool, ctx_);
    manager_ = sys_.spawn(session_manager, ctx_);
    bridge_ = sys_.spawn(test_bridge);
  }

  void TearDown() override {
    for (auto a : {caf::actor_cast<caf::actor>(manager_), caf::actor_cast<caf::actor>(ctx_.pool),
                   bridge_})
      if (a)
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& w : ctx_.stores.workers())
      caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
    for (auto* pool : {&ctx_.io, &ctx_.llm})
      for (auto& w : pool->workers())
        caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  /// One read of `id` on the bridge.
  read_result read(const std::string& id) {
    auto done = std::make_shared<std::promise<read_result>>();
    auto m = manager_;
    caf::anon_send(bridge_, bridge_job{[=](bridge_actor* self) {
      auto finish = [=](read_result r) {
        r.cached = self->state.live.count(id) > 0;
        r.cache_size = self->state.live.size();
        done->set_value(std::move(r));
      };
      bridge_read_session(
        self, m, id, [=](session_record& rec) { finish(read_result{rec, {}, false, 0}); },
        [=](caf::error& err) { finish(read_result{std::nullopt, err, false, 0}); });
    }});
    auto f = done->get_future();
    if (f.wait_for(30s) != std::future_status::ready)
      return read_result{std::nullopt, make_error(errc::timeout, "no answer in 30 s"), false, 0};
    return f.get();
  }

  /// Whether the manager has a live actor for `id`.
  bool live(const std::string& id) {
    caf::scoped_actor self{sys_};
    bool out = false;
    self->request(manager_, 10s, atoms::locate::value, id)
      .receive([&](session_actor_type& a) { out = static_cast<bool>(a); },
               [&](caf::error& err) { ADD_FAILURE() << message_of(err); });
    return out;
  }

  caf::actor_system_config& config() {
    register_message_types(cfg_);
    register_actor_handle_types(cfg_);
    return cfg_;
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_{config()};
  node_context ctx_;
  session_manager_actor manager_;
  caf::actor bridge_;
  std::filesystem::path dir_;
};

TEST_F(bridge_read_pgtest, a_live_session_is_read_from_its_actor_and_a_gone_one_from_the_store) {
  created_session made;
  {
    caf::scoped_actor self{sys_};
    create_request req{"a counter", app_type::webapp, 600, "bridge-tester"};
    self->request(manager_, 30s, atoms::create::value, req)
      .receive([&](created_session& c) { made = c; },
               [&](caf::error& err) { FAIL() << message_of(err); });
  }
  auto id = made.session.id;
  read_result r;
  for (int i = 0; i < 300; ++i) {
    r = read(id);
    ASSERT_TRUE(r.record) << message_of(r.error);
    if (r.record->state == phase::running)
      break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(r.record->state, phase::running);
  EXPECT_TRUE(r.cached) << "a live session's actor is remembered by the bridge";
  EXPECT_EQ(r.cache_size, 1u);

  // Destroyed: its actor quits; the bridge's next read bounces off it and
  // goes through the manager, which reads the store.
  {
    caf::scoped_actor self{sys_};
    self->request(manager_, 30s, atoms::destroy::value, id, made.manage_token)
      .receive([](session_record&) {}, [&](caf::error& err) { FAIL() << message_of(err); });
  }
  for (int i = 0; i < 300 && live(id); ++i)
    std::this_thread::sleep_for(20ms);
  ASSERT_FALSE(live(id));
  r = read(id);
  ASSERT_TRUE(r.record) << message_of(r.error);
  EXPECT_EQ(r.record->state, phase::destroyed);
  EXPECT_FALSE(r.cached) << "a gone actor is forgotten";

  // Unknown: the manager's error, and nothing remembered.
  r = read("s-nosuchsession");
  ASSERT_FALSE(r.record);
  EXPECT_EQ(code_of(r.error), errc::not_found) << message_of(r.error);
  EXPECT_EQ(r.cache_size, 0u);
}

} // namespace
