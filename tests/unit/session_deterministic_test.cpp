// The session actor under CAF's deterministic test coordinator, with
// in-memory test doubles of the store, the container runtime and the real
// offline generator: message order, store failures, crashed children and
// destroys racing each phase, without a server and without sleeping.

#include "actors/session.hpp"

#include <filesystem>
#include <functional>
#include <memory>

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/warm_pool.hpp"
#include "core/tokens.hpp"
#include "infra/template_generator.hpp"
#include "tests/doubles/memory_store.hpp"
#include "tests/doubles/null_runtime.hpp"

using namespace spawn;
namespace fs = std::filesystem;

namespace {

using session_impl = std::remove_pointer_t<session_pointer>;

/// What a test client received in answer to one request.
template <class T>
struct answers {
  std::vector<T> values;
  std::vector<caf::error> errors;
};

/// Every event a subscriber was sent, in order.
struct seen_events {
  std::vector<event_record> events;
  int ends = 0;
};

struct sink_state {
  std::shared_ptr<seen_events> seen;
};

event_sink_actor::behavior_type sink(event_sink_actor::stateful_pointer<sink_state> self,
                                     std::shared_ptr<seen_events> seen) {
  self->state.seen = std::move(seen);
  return {
    [=](atoms::event, const session_record&, const event_record& ev) {
      if (ev.seq > 0)
        self->state.seen->events.push_back(ev);
    },
    [=](atoms::endstream) { ++self->state.seen->ends; },
    [](atoms::retry) {},
    [=](atoms::failed, const caf::error&) { ++self->state.seen->ends; },
  };
}

class session_deterministic_test : public ::testing::Test {
protected:
  session_deterministic_test() {
    cfg_.set("scheduler.policy", caf::atom("testing"));
    cfg_.set("logger.file-verbosity", caf::atom("quiet"));
    register_message_types(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_->scheduler());
    dir_ = fs::temp_directory_path() / ("spawn-session-test-" + new_manage_token().substr(0, 8));
    auto c = parse_config(R"({"runtime": {"warm_pool_size": 0},
      "sessions": {"retry_backoff_ms": 50, "max_attempts": 3},
      "health": {"interval_ms": 0}, "costs": {"accrual_interval_ms": 3600000}})");
    EXPECT_TRUE(c) << message_of(c.error());
    c->state_dir = dir_.string();
    ctx_.cfg = std::make_shared<spawn_config>(*c);
    auto db = db_;
    // Nothing detached: every worker runs on the test coordinator, in order.
    ctx_.stores = store_pool{*sys_, [db] { return std::make_unique<test::memory_store>(db); },
                             2, false};
    ctx_.io = blocking_pool{*sys_, 1, false};
    ctx_.llm = blocking_pool{*sys_, 1, false};
    ctx_.runtime = runtime_;
    ctx_.gen = std::make_shared<template_generator>();
    ctx_.pool = sys_->spawn(warm_pool, ctx_);
    run();
  }

  ~session_deterministic_test() override {
    for (auto& h : spawned_)
      caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(ctx_.pool, caf::exit_reason::user_shutdown);
    for (auto& w : ctx_.stores.workers())
      caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
    for (auto* pool : {&ctx_.io, &ctx_.llm})
      for (auto& w : pool->workers())
        caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
    run();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// A new session as the manager makes it, stored, and its actor.
  session_actor_type start(const std::string& prompt = "a todo list") {
    session_record rec;
    rec.id = new_session_id();
    rec.owner = "tester";
    rec.prompt = prompt;
    rec.type = app_type::webapp;
    rec.state = phase::requested;
    rec.node_id = ctx_.cfg->node_id;
    rec.created_at = now_ms();
    rec.expires_at = rec.created_at + 3600 * 1000;
    rec.manage_token_hash = sha256_hex("token");
    test::memory_store{db_}.insert_session(rec);
    last_id_ = rec.id; // the actor's state exists only once it ran
    auto s = sys_->spawn(session_actor, ctx_, rec, false);
    spawned_.push_back(caf::actor_cast<caf::actor>(s));
    return s;
  }

  /// True once `s` has quit (its state is gone then: read it only before).
  static bool down(const session_actor_type& s) {
    return caf::actor_cast<caf::abstract_actor*>(s)->getf(caf::abstract_actor::is_terminated_flag);
  }

  /// The live actor's state (valid while it has not quit).
  session_state& state(const session_actor_type& s) {
    return static_cast<session_impl*>(caf::actor_cast<caf::abstract_actor*>(s))->state;
  }

  template <class T, class Handle, class... Ts>
  std::shared_ptr<answers<T>> ask(const Handle& dest, Ts... xs) {
    auto out = std::make_shared<answers<T>>();
    sys_->spawn([=](caf::event_based_actor* self) {
      self->request(dest, caf::duration{caf::infinite}, xs...)
        .then([=](T& x) { out->values.push_back(x); },
              [=](caf::error& err) { out->errors.push_back(err); });
    });
    return out;
  }

  std::shared_ptr<seen_events> subscribe(const session_actor_type& s) {
    auto seen = std::make_shared<seen_events>();
    auto snk = sys_->spawn(sink, seen);
    spawned_.push_back(caf::actor_cast<caf::actor>(snk));
    caf::anon_send(s, atoms::subscribe::value, snk);
    return seen;
  }

  /// Runs jobs (and, when none is left, timeouts) until `done` holds; false
  /// when it never did within the bound. `held` is never run meanwhile.
  bool run_until(const std::function<bool()>& done, const caf::actor& held = {}) {
    auto* held_job = held ? dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(held))
                          : nullptr;
    for (int i = 0; i < 200000; ++i) {
      if (done())
        return true;
      auto& jobs = sched_->jobs;
      auto next = std::find_if(jobs.begin(), jobs.end(),
                               [&](caf::resumable* r) { return r != held_job; });
      if (next != jobs.end()) {
        std::rotate(jobs.begin(), next, next + 1);
        sched_->run_once();
      } else if (!sched_->trigger_timeout()) {
        return done();
      }
    }
    return done();
  }

  void run() {
    sched_->run();
  }

  std::vector<event_record> stored_events(const std::string& id) {
    return db_->events[id];
  }

  phase stored_state(const std::string& id) {
    return db_->sessions[id].state;
  }

  static void expect_in_order(const std::vector<event_record>& evs) {
    for (size_t i = 1; i < evs.size(); ++i)
      EXPECT_LT(evs[i - 1].seq, evs[i].seq) << "event " << i << ": " << evs[i].message;
  }

  static int count(const std::vector<event_record>& evs, const std::string& part) {
    int n = 0;
    for (auto& ev : evs)
      n += ev.message.find(part) != std::string::npos ? 1 : 0;
    return n;
  }

  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  fs::path dir_;
  std::shared_ptr<test::memory_db> db_ = std::make_shared<test::memory_db>();
  std::shared_ptr<test::null_runtime> runtime_ = std::make_shared<test::null_runtime>();
  node_context ctx_;
  std::vector<caf::actor> spawned_;
  std::string last_id_;
};

} // namespace

TEST_F(session_deterministic_test, a_session_reaches_running_with_its_log_in_order) {
  auto s = start();
  auto seen = subscribe(s);
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  run(); // the last announcements reach the subscriber
  auto evs = stored_events(state(s).record.id);
  expect_in_order(evs);
  EXPECT_EQ(count(evs, "Running at"), 1);
  EXPECT_EQ(stored_state(state(s).record.id), phase::running);
  EXPECT_EQ(runtime_->size(), 1u);
  // The subscriber saw exactly what was stored, in the same order.
  ASSERT_EQ(seen->events.size(), evs.size());
  for (size_t i = 0; i < evs.size(); ++i)
    EXPECT_EQ(seen->events[i].seq, evs[i].seq);
}

TEST_F(session_deterministic_test, failed_writes_delay_a_destroy_but_lose_nothing) {
  auto s = start();
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  auto id = state(s).record.id;
  auto seen = subscribe(s);
  run();
  // The database goes away for three writes while a DELETE is in flight.
  db_->fail_writes = 3;
  auto reply = ask<session_record>(s, atoms::destroy::value);
  ASSERT_TRUE(run_until([&] { return down(s); })) << "the actor never quit";
  run(); // the last announcements reach the subscriber
  EXPECT_EQ(db_->failed_writes.load(), 3);
  ASSERT_EQ(reply->values.size(), 1u) << "the DELETE's reply is lost after a failed write";
  EXPECT_TRUE(reply->errors.empty());
  EXPECT_EQ(reply->values[0].state, phase::destroying);
  EXPECT_EQ(stored_state(id), phase::destroyed);
  auto evs = stored_events(id);
  expect_in_order(evs);
  EXPECT_EQ(count(evs, "Destroyed on request"), 1);
  EXPECT_EQ(count(evs, "Destroyed: the container is gone"), 1);
  EXPECT_EQ(runtime_->size(), 0u) << "the container was left behind";
  // Announced only once stored, each once, in the stored order.
  std::vector<int64_t> announced;
  for (auto& ev : seen->events)
    announced.push_back(ev.seq);
  std::vector<int64_t> stored;
  for (auto& ev : evs)
    stored.push_back(ev.seq); // the subscription replays the earlier ones first
  EXPECT_EQ(announced, stored);
}

TEST_F(session_deterministic_test, writes_failing_through_the_pipeline_keep_their_order) {
  db_->fail_writes = 5;
  auto s = start();
  auto seen = subscribe(s);
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  run(); // the last announcements reach the subscriber
  EXPECT_EQ(db_->failed_writes.load(), 5);
  auto evs = stored_events(state(s).record.id);
  expect_in_order(evs);
  // Each step's continuation ran once: one pipeline, one deployment.
  EXPECT_EQ(count(evs, "Provisioning a container"), 1);
  EXPECT_EQ(count(evs, "Running at"), 1);
  EXPECT_EQ(runtime_->runs.load(), 1);
  ASSERT_EQ(seen->events.size(), evs.size());
  for (size_t i = 0; i < evs.size(); ++i)
    EXPECT_EQ(seen->events[i].message, evs[i].message);
}

TEST_F(session_deterministic_test, a_child_crashing_with_its_request_pending_is_one_retry) {
  auto s = start();
  // Hold the I/O pool back, so the provisioner's acquisition stays pending.
  auto io = ctx_.io.workers();
  ASSERT_TRUE(run_until(
    [&] { return state(s).calls.count(session_step::provisioning) && state(s).provisioner; },
    io[0]));
  auto provisioner = state(s).provisioner;
  {
    caf::scoped_actor killer{*sys_};
    killer->send_exit(provisioner, make_error(errc::internal, "a crash in the test"));
  }
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  EXPECT_EQ(state(s).attempts[session_step::provisioning], 1)
    << "the crash counted twice (its request's error and its down message)";
  auto evs = stored_events(state(s).record.id);
  EXPECT_EQ(count(evs, "provisioning failed"), 1);
  EXPECT_EQ(count(evs, "Running at"), 1);
}

TEST_F(session_deterministic_test, a_destroy_racing_each_phase_ends_destroyed_with_nothing_left) {
  struct race {
    phase at;
    bool hold_generation; ///< hold the generation pool back to stay in this phase
  };
  for (auto r : {race{phase::provisioning, false}, race{phase::generating, true},
                 race{phase::deploying, false}, race{phase::running, false}}) {
    SCOPED_TRACE(std::string{"destroyed while "} + std::string{to_string(r.at)});
    auto s = start("a timer for " + std::string{to_string(r.at)});
    auto id = last_id_;
    caf::actor held = r.hold_generation ? ctx_.llm.workers()[0] : caf::actor{};
    ASSERT_TRUE(run_until([&] { return state(s).record.state == r.at; }, held))
      << "never reached the phase";
    auto reply = ask<session_record>(s, atoms::destroy::value);
    ASSERT_TRUE(run_until([&] { return down(s); })) << "the actor never quit";
    EXPECT_EQ(reply->values.size(), 1u);
    EXPECT_EQ(stored_state(id), phase::destroyed);
    auto evs = stored_events(id);
    expect_in_order(evs);
    EXPECT_EQ(count(evs, "Destroyed: the container is gone"), 1);
    EXPECT_EQ(count(evs, "Running at"), r.at == phase::running ? 1 : 0);
    run();
    EXPECT_EQ(runtime_->size(), 0u) << "a container outlived its session";
  }
}

TEST_F(session_deterministic_test, destroying_twice_answers_twice_and_ends_once) {
  auto s = start();
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  auto id = state(s).record.id;
  auto first = ask<session_record>(s, atoms::destroy::value);
  auto second = ask<session_record>(s, atoms::destroy::value);
  ASSERT_TRUE(run_until([&] { return down(s); }));
  EXPECT_EQ(first->values.size() + first->errors.size(), 1u);
  EXPECT_EQ(second->values.size() + second->errors.size(), 1u);
  EXPECT_EQ(count(stored_events(id), "Destroyed: the container is gone"), 1);
}

// The cluster (issue 14): another node claimed the session while this actor
// still ran (a node declared dead comes back). Its next write is refused by
// the store (fenced): it stops, and removes nothing of the app (the new owner
// adopts that container). A destroy it was asked for removes nothing either.
TEST_F(session_deterministic_test, a_fenced_actor_stops_without_touching_the_app) {
  auto s = start();
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  auto id = state(s).record.id;
  auto containers = runtime_->size();
  ASSERT_EQ(containers, 1u);
  {
    std::lock_guard<std::mutex> guard{db_->mutex};
    db_->sessions[id].node_id = "node-elsewhere";
    db_->sessions[id].owner_epoch = 9;
  }
  auto destroyed = ask<session_record>(s, atoms::destroy::value);
  ASSERT_TRUE(run_until([&] { return down(s); }));
  EXPECT_TRUE(destroyed->values.empty()) << "a fenced destroy does not report success";
  EXPECT_EQ(runtime_->size(), containers) << "the container stays for the new owner";
  EXPECT_EQ(db_->sessions[id].node_id, "node-elsewhere");
  EXPECT_EQ(db_->sessions[id].state, phase::running) << "nothing was written for it";
}

// --- turns and versions (issue 15) ---------------------------------------------

TEST_F(session_deterministic_test, a_turn_makes_a_version_in_a_new_container_then_the_old_goes) {
  auto s = start("a pomodoro timer");
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  run();
  auto id = state(s).record.id;
  auto old_container = state(s).record.container_id;
  auto t = ask<turn_record>(s, atoms::say::value, std::string{"make it dark"});
  ASSERT_TRUE(run_until([&] { return !t->values.empty() || !t->errors.empty(); }));
  ASSERT_EQ(t->values.size(), 1u) << message_of(t->errors.at(0));
  EXPECT_EQ(t->values[0].number, 1);
  EXPECT_EQ(t->values[0].base_version, 1);
  EXPECT_NE(state(s).visible.metadata.find("updating"), std::string::npos);
  // One turn at a time.
  auto busy = ask<turn_record>(s, atoms::say::value, std::string{"call it Flow"});
  ASSERT_TRUE(run_until([&] { return !busy->errors.empty() || !busy->values.empty(); }));
  ASSERT_EQ(busy->errors.size(), 1u);
  EXPECT_EQ(code_of(busy->errors[0]), errc::conflict);
  ASSERT_TRUE(run_until([&] { return !state(s).turns.current; }));
  run();
  ASSERT_EQ(db_->turns[id].size(), 1u);
  EXPECT_EQ(db_->turns[id][0].status, turn_status::done) << db_->turns[id][0].reply;
  EXPECT_EQ(db_->turns[id][0].version, 2);
  EXPECT_EQ(db_->versions[id].size(), 2u);
  EXPECT_EQ(db_->versions[id][2].second.turn, 1);
  EXPECT_NE(state(s).record.container_id, old_container);
  EXPECT_EQ(state(s).visible.state, phase::running);
  EXPECT_EQ(state(s).visible.metadata.find("updating"), std::string::npos);
  // The new version's files are what the session now serves and stores.
  EXPECT_NE(state(s).app->files[0].content.find("var theme = \"dark\""), std::string::npos);
  // The old container drains, then goes: one container is left.
  ASSERT_TRUE(run_until([&] { return runtime_->size() == 1u; }));
  auto evs = stored_events(id);
  expect_in_order(evs);
  EXPECT_EQ(count(evs, "Version 2 is live"), 1);
}

TEST_F(session_deterministic_test, rollback_restores_a_stored_version_as_the_newest) {
  auto s = start("a todo list");
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  auto id = state(s).record.id;
  auto t = ask<turn_record>(s, atoms::say::value, std::string{"make it dark"});
  ASSERT_TRUE(run_until([&] { return !t->values.empty() && !state(s).turns.current; }));
  // Unknown and current versions are refused before any turn is made.
  auto unknown = ask<turn_record>(s, atoms::rollback::value, 9);
  auto current = ask<turn_record>(s, atoms::rollback::value, 2);
  ASSERT_TRUE(run_until([&] { return !unknown->errors.empty() && !current->errors.empty(); }));
  EXPECT_EQ(code_of(unknown->errors[0]), errc::not_found);
  EXPECT_EQ(code_of(current->errors[0]), errc::conflict);
  auto back = ask<turn_record>(s, atoms::rollback::value, 1);
  ASSERT_TRUE(run_until([&] { return !back->values.empty() && !state(s).turns.current; }));
  run();
  ASSERT_EQ(db_->turns[id].size(), 2u);
  auto& r = db_->turns[id][1];
  EXPECT_EQ(r.kind, "rollback");
  EXPECT_EQ(r.status, turn_status::done) << r.reply;
  EXPECT_EQ(r.version, 3);
  EXPECT_EQ(r.input_tokens + r.output_tokens, 0);
  auto& v3 = db_->versions[id][3];
  EXPECT_EQ(v3.second.restored_from, 1);
  EXPECT_TRUE(same_files(v3.first, db_->versions[id][1].first));
  EXPECT_EQ(db_->artifacts[id].files[0].content, v3.first.files[0].content); // recovery's copy
}

TEST_F(session_deterministic_test, a_turn_it_cannot_do_keeps_the_version_and_says_why) {
  auto s = start("a todo list");
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  auto id = state(s).record.id;
  auto container = state(s).record.container_id;
  auto t = ask<turn_record>(s, atoms::say::value, std::string{"deploy it to Kubernetes"});
  ASSERT_TRUE(run_until([&] { return !t->values.empty() && !state(s).turns.current; }));
  run();
  ASSERT_EQ(db_->turns[id].size(), 1u);
  EXPECT_EQ(db_->turns[id][0].status, turn_status::unchanged);
  EXPECT_NE(db_->turns[id][0].reply.find("cannot do"), std::string::npos);
  EXPECT_EQ(db_->versions[id].size(), 1u);
  EXPECT_EQ(state(s).record.container_id, container);
  EXPECT_EQ(runtime_->size(), 1u);
  EXPECT_EQ(count(stored_events(id), "Version 1 still serves"), 1);
}

TEST_F(session_deterministic_test, a_destroy_during_a_turn_leaves_no_container) {
  auto s = start("a pomodoro timer");
  ASSERT_TRUE(run_until([&] { return state(s).visible.state == phase::running; }));
  auto t = ask<turn_record>(s, atoms::say::value, std::string{"make it dark"});
  ASSERT_TRUE(run_until([&] { return !t->values.empty(); }));
  auto d = ask<session_record>(s, atoms::destroy::value);
  ASSERT_TRUE(run_until([&] { return down(s); }));
  run();
  EXPECT_EQ(runtime_->size(), 0u);
  EXPECT_EQ(stored_state(last_id_), phase::destroyed);
  // The turn is not left running in the thread.
  auto turns = test::memory_store{db_}.list_turns(last_id_);
  ASSERT_TRUE(turns);
  ASSERT_EQ(turns->size(), 1u);
  EXPECT_EQ((*turns)[0].status, turn_status::failed);
  EXPECT_NE((*turns)[0].reply.find("destroyed"), std::string::npos) << (*turns)[0].reply;
}
