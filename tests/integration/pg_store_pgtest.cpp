// Integration tests of pg_store against a real PostgreSQL server: start one with
// deploy/scripts/postgres.sh, point SPAWN_TEST_DATABASE_URL at its spawnai_test db.
#include "persistence/pg_store.hpp"

#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "core/error.hpp"
#include "persistence/migrations.hpp"

using namespace spawn;

namespace {

/// A random hex suffix so runs against the same database never collide.
std::string unique(const std::string& prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return prefix + "_" + buf;
}

/// Adds a libpq parameter to a URI or key=value connection string.
std::string with_param(const std::string& dsn, const std::string& key,
                       const std::string& value) {
  if (dsn.rfind("postgres", 0) == 0)
    return dsn + (dsn.find('?') == std::string::npos ? "?" : "&") + key + "=" + value;
  return dsn + " " + key + "=" + value;
}

/// The code of a result: `errc::none` on success.
template <class T>
errc code(const caf::expected<T>& x) {
  return x ? errc::none : code_of(x.error());
}

/// A session with every field set to a distinct, non-default value.
session_record make_session(const std::string& id) {
  return session_record{id, "owner-" + id, "a pomodoro timer with a dark theme",
                        app_type::api, phase::provisioning, "medium", "node-a",
                        "http://" + id + ".localhost:8080/", std::string(64, 'f'),
                        "c0ffee", 41234, "starting", "none yet", 1700000000123,
                        1700000001456, 1700007200789, 1700007300001, 0.1234567,
                        1e-6, R"({"client": "cli", "n": [1, 2]})"};
}

event_record make_event(std::string message) {
  return event_record{0, "", 0, "info", "", std::move(message)};
}

class pg_store_pgtest : public ::testing::Test {
protected:
  void SetUp() override {
    const char* dsn = std::getenv("SPAWN_TEST_DATABASE_URL");
    if (!dsn || !*dsn)
      GTEST_SKIP() << "SPAWN_TEST_DATABASE_URL not set: PostgreSQL tests need a "
                      "server (deploy/scripts/postgres.sh starts one)";
    dsn_ = dsn;
    db_ = std::make_unique<pg_store>(dsn_);
    auto err = db_->migrate();
    ASSERT_FALSE(err) << message_of(err);
  }

  /// Runs `sql` with parameters on a connection of its own.
  template <class... Ts>
  pqxx::result query(const std::string& sql, Ts&&... xs) {
    pqxx::connection c{dsn_};
    pqxx::work tx{c};
    auto r = tx.exec_params(sql, std::forward<Ts>(xs)...);
    tx.commit();
    return r;
  }

  std::string dsn_;
  std::unique_ptr<pg_store> db_;
};

} // namespace

TEST_F(pg_store_pgtest, migrate_twice_is_idempotent) {
  EXPECT_FALSE(db_->migrate());
  EXPECT_FALSE(db_->migrate());
  auto r = query("SELECT count(*) FROM schema_migrations WHERE version = $1",
                 migrations().front().version);
  EXPECT_EQ(r[0][0].as<int>(), 1);
}

TEST_F(pg_store_pgtest, concurrent_migrations_on_a_fresh_schema_apply_once) {
  auto schema = unique("mig");
  query("CREATE SCHEMA " + schema);
  auto dsn = with_param(dsn_, "options", "-csearch_path%3D" + schema);
  if (dsn_.rfind("postgres", 0) != 0)
    dsn = dsn_ + " options='-csearch_path=" + schema + "'";
  std::vector<std::thread> threads;
  std::vector<caf::error> errors(4);
  for (size_t i = 0; i < errors.size(); ++i)
    threads.emplace_back([&, i] { errors[i] = pg_store{dsn}.migrate(); });
  for (auto& t : threads)
    t.join();
  for (auto& err : errors)
    EXPECT_FALSE(err) << message_of(err);
  auto applied = query("SELECT count(*) FROM " + schema + ".schema_migrations");
  EXPECT_EQ(applied[0][0].as<size_t>(), migrations().size());
  query("DROP SCHEMA " + schema + " CASCADE");
}

TEST_F(pg_store_pgtest, insert_get_round_trips_every_field) {
  auto s = make_session(unique("rt"));
  ASSERT_FALSE(db_->insert_session(s));
  auto got = db_->get_session(s.id);
  ASSERT_TRUE(got) << message_of(got.error());
  auto fields = [](const session_record& x) {
    return std::tie(x.id, x.owner, x.prompt, x.type, x.state, x.tier, x.node_id,
                    x.app_url, x.manage_token_hash, x.container_id, x.host_port,
                    x.message, x.failure_reason, x.created_at, x.started_at,
                    x.expires_at, x.destroyed_at, x.estimated_cost, x.actual_cost);
  };
  EXPECT_TRUE(fields(*got) == fields(s));
  EXPECT_EQ(nlohmann::json::parse(got->metadata), nlohmann::json::parse(s.metadata));
}

TEST_F(pg_store_pgtest, zero_timestamps_are_null) {
  auto s = make_session(unique("null"));
  s.created_at = s.started_at = s.expires_at = s.destroyed_at = 0;
  ASSERT_FALSE(db_->insert_session(s));
  auto r = query("SELECT created_at IS NULL AND started_at IS NULL AND expires_at "
                 "IS NULL AND destroyed_at IS NULL FROM sessions WHERE id = $1",
                 s.id);
  EXPECT_TRUE(r[0][0].as<bool>());
  auto got = db_->get_session(s.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->created_at | got->started_at | got->expires_at | got->destroyed_at, 0);
}

TEST_F(pg_store_pgtest, duplicate_insert_is_a_conflict) {
  auto s = make_session(unique("dup"));
  ASSERT_FALSE(db_->insert_session(s));
  auto err = db_->insert_session(s);
  EXPECT_EQ(code_of(err), errc::conflict) << message_of(err);
  EXPECT_TRUE(db_->ping()); // the connection survived the failed transaction
}

TEST_F(pg_store_pgtest, unknown_session_is_not_found) {
  EXPECT_EQ(code(db_->get_session(unique("missing"))), errc::not_found);
  auto ev = make_event("orphan");
  ev.session_id = unique("missing");
  EXPECT_EQ(code(db_->append_event(ev, {})), errc::not_found);
  auto s = make_session(unique("missing"));
  EXPECT_EQ(code(db_->save_transition(s, make_event("x"))), errc::not_found);
}

TEST_F(pg_store_pgtest, bad_dsn_is_unavailable_without_throwing) {
  pg_store bad{"postgresql://postgres@127.0.0.1:1/spawnai_test?connect_timeout=2"};
  EXPECT_FALSE(bad.ping());
  EXPECT_EQ(code(bad.get_session("x")), errc::unavailable);
  EXPECT_EQ(code_of(bad.migrate()), errc::unavailable);
  EXPECT_EQ(code_of(bad.insert_session(make_session("x"))), errc::unavailable);
}

TEST_F(pg_store_pgtest, reconnects_after_the_connection_is_killed) {
  auto app_name = unique("killme");
  pg_store db{with_param(dsn_, "application_name", app_name)};
  ASSERT_TRUE(db.ping());
  auto killed = query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                      "WHERE application_name = $1",
                      app_name);
  ASSERT_EQ(killed[0][0].as<int>(), 1);
  // The call that finds the connection dead may fail; the next one reconnects.
  auto first = code(db.get_session(unique("missing")));
  EXPECT_TRUE(first == errc::unavailable || first == errc::not_found);
  EXPECT_EQ(code(db.get_session(unique("missing"))), errc::not_found);
}

TEST_F(pg_store_pgtest, injection_looking_strings_are_stored_verbatim) {
  auto s = make_session(unique("inj"));
  s.prompt = "'; DROP TABLE sessions; -- \" $1 \\x00 %s ' OR '1'='1";
  s.owner = "o'wner\"; DELETE FROM sessions; --" + s.id;
  s.message = "$$ dollar $$ quoted";
  ASSERT_FALSE(db_->insert_session(s));
  auto got = db_->get_session(s.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->prompt, s.prompt);
  EXPECT_EQ(got->owner, s.owner);
  EXPECT_EQ(got->message, s.message);
  session_filter f;
  f.owner = s.owner;
  auto listed = db_->list_sessions(f);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, s.id);
  f.owner = "' OR '1'='1";
  listed = db_->list_sessions(f);
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty());
  EXPECT_TRUE(db_->get_session(s.id)); // the table is still there
}
TEST_F(pg_store_pgtest, save_transition_writes_row_and_event_atomically) {
  auto s = make_session(unique("tr"));
  ASSERT_FALSE(db_->insert_session(s));
  const phase steps[] = {phase::generating, phase::deploying, phase::running};
  int64_t expected_seq = 1;
  for (auto p : steps) {
    s.state = p;
    s.message = "now " + std::string{to_string(p)};
    s.host_port += 1;
    s.actual_cost += 0.5;
    auto ev = db_->save_transition(s, make_event(s.message));
    ASSERT_TRUE(ev) << message_of(ev.error());
    EXPECT_EQ(ev->seq, expected_seq++);
    EXPECT_EQ(ev->session_id, s.id);
    EXPECT_EQ(ev->phase, to_string(p));
    EXPECT_GT(ev->at, 0);
  }
  auto got = db_->get_session(s.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->state, phase::running);
  EXPECT_EQ(got->message, "now running");
  EXPECT_EQ(got->host_port, 41237);
  EXPECT_DOUBLE_EQ(got->actual_cost, s.actual_cost);
  auto events = db_->list_events(s.id, 0, 100);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].message, "now generating");
  EXPECT_EQ((*events)[2].seq, 3);
  auto tail = db_->list_events(s.id, 2, 100);
  ASSERT_TRUE(tail);
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ(tail->front().seq, 3);
  // A failing update rolls the event back with it.
  s.metadata = "{not json";
  EXPECT_EQ(code(db_->save_transition(s, make_event("never stored"))),
            errc::invalid_input);
  events = db_->list_events(s.id, 0, 100);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 3u);
  auto ev = make_event("appended");
  ev.session_id = s.id;
  ev.at = 1700000000999;
  auto appended = db_->append_event(ev, {});
  ASSERT_TRUE(appended) << message_of(appended.error());
  EXPECT_EQ(appended->seq, 4);
  EXPECT_EQ(appended->at, 1700000000999);
}

TEST_F(pg_store_pgtest, concurrent_transitions_get_distinct_consecutive_seqs) {
  auto s = make_session(unique("conc"));
  ASSERT_FALSE(db_->insert_session(s));
  constexpr int threads_n = 4;
  constexpr int per_thread = 25;
  std::vector<std::vector<int64_t>> seqs(threads_n);
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_n; ++t)
    threads.emplace_back([&, t] {
      pg_store db{dsn_}; // one store per thread, as the contract says
      auto mine = s;
      for (int i = 0; i < per_thread; ++i) {
        mine.message = "thread " + std::to_string(t) + " step " + std::to_string(i);
        auto ev = db.save_transition(mine, make_event(mine.message));
        if (ev)
          seqs[t].push_back(ev->seq);
      }
    });
  for (auto& t : threads)
    t.join();
  std::set<int64_t> all;
  for (auto& v : seqs) {
    EXPECT_EQ(v.size(), size_t{per_thread});
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    all.insert(v.begin(), v.end());
  }
  ASSERT_EQ(all.size(), size_t{threads_n * per_thread});
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), threads_n * per_thread);
  auto events = db_->list_events(s.id, 0, 1000);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), all.size());
}

TEST_F(pg_store_pgtest, list_filters_and_paginates_newest_first) {
  auto owner = unique("lister");
  std::vector<std::string> ids; // oldest first
  for (int i = 0; i < 7; ++i) {
    auto s = make_session(unique("ls"));
    s.owner = owner;
    s.created_at = 1700000000000 + i * 1000;
    s.state = i < 2 ? phase::destroyed : (i % 2 ? phase::running : phase::generating);
    s.node_id = i < 4 ? "node-x" : "node-y";
    ASSERT_FALSE(db_->insert_session(s));
    ids.push_back(s.id);
  }
  auto count = [this](session_filter f) {
    auto found = db_->list_sessions(f);
    return found ? static_cast<int>(found->size()) : -1;
  };
  session_filter f;
  f.owner = owner;
  auto all = db_->list_sessions(f);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 7u);
  for (size_t i = 0; i < 7; ++i)
    EXPECT_EQ((*all)[i].id, ids[6 - i]);
  session_filter running = f, on_y = f, live = f;
  running.state = "running";
  on_y.node_id = "node-y";
  live.live_only = true;
  EXPECT_EQ(count(running), 2); // i = 3, 5
  EXPECT_EQ(count(on_y), 3);
  EXPECT_EQ(count(live), 5);
  f.limit = 3;
  f.offset = 3;
  auto page = db_->list_sessions(f);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].id, ids[3]);
  EXPECT_EQ((*page)[2].id, ids[1]);
  f.offset = 6;
  EXPECT_EQ(count(f), 1);
  f.limit = 0; // clamped to 1
  f.offset = -5; // read as 0
  page = db_->list_sessions(f);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().id, ids[6]);
  session_filter everyone;
  everyone.limit = 100000; // clamped to 500
  EXPECT_LE(count(everyone), 500);
}

TEST_F(pg_store_pgtest, expired_sessions_skips_destroyed_and_future) {
  const epoch_ms now = 1800000000000;
  auto add = [&](const char* tag, epoch_ms expires, phase p) {
    auto s = make_session(unique(tag));
    s.expires_at = expires;
    s.state = p;
    EXPECT_FALSE(db_->insert_session(s));
    return s.id;
  };
  auto past = add("exp-past", now - 1, phase::running);
  auto sleeping = add("exp-sleep", now - 60000, phase::sleeping);
  auto destroyed = add("exp-gone", now - 1, phase::destroyed);
  auto future = add("exp-future", now + 1, phase::running);
  auto exact = add("exp-exact", now, phase::running);
  auto never = add("exp-never", 0, phase::running);
  auto expired = db_->expired_sessions(now);
  ASSERT_TRUE(expired) << message_of(expired.error());
  std::set<std::string> got;
  for (auto& s : *expired)
    got.insert(s.id);
  for (const auto& id : {past, sleeping})
    EXPECT_EQ(got.count(id), 1u) << id;
  for (const auto& id : {destroyed, future, exact, never})
    EXPECT_EQ(got.count(id), 0u) << id;
}

TEST_F(pg_store_pgtest, a_bundle_is_stored_with_its_version_byte_for_byte) {
  // Uploaded code (issue 18): the built tree as .tar.gz bytes, every byte value.
  auto s = make_session(unique("bun"));
  ASSERT_FALSE(db_->insert_session(s));
  generated_app app;
  app.title = "upload";
  app.entry = "server.js";
  app.run = {"node", "server.js"};
  app.backend = "upload";
  for (int i = 0; i < 70000; ++i)
    app.bundle.push_back(static_cast<char>((i * 131) & 0xff));
  ASSERT_FALSE(db_->save_artifact(s.id, 1, app));
  auto got = db_->load_artifact(s.id);
  ASSERT_TRUE(got) << message_of(got.error());
  EXPECT_EQ(got->bundle, app.bundle);
  EXPECT_TRUE(got->files.empty());
  app.bundle[5] = 'x';
  ASSERT_FALSE(db_->save_version(s.id, 2, app, version_origin{}));
  auto v2 = db_->load_version(s.id, 2);
  ASSERT_TRUE(v2) << message_of(v2.error());
  EXPECT_EQ(v2->bundle, app.bundle);
  auto v1 = db_->load_version(s.id, 1);
  ASSERT_TRUE(v1);
  EXPECT_NE(v1->bundle, v2->bundle);
  auto listed = db_->list_versions(s.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->back().size_bytes, 70000); // the bundle counts in a version's size
}

TEST_F(pg_store_pgtest, artifacts_keep_versions_and_exact_content) {
  auto s = make_session(unique("art"));
  ASSERT_FALSE(db_->insert_session(s));
  generated_app v1;
  v1.title = "Pomodoro";
  v1.template_name = "timer";
  v1.entry = "index.html";
  v1.files = {{"index.html", "<h1>v1</h1>"}};
  ASSERT_FALSE(db_->save_artifact(s.id, 1, v1));
  generated_app v2;
  v2.title = "Pomodoro — dark \"théme\" ☕";
  v2.template_name = "timer";
  v2.entry = "server.js";
  v2.run = {"node", "server.js", "--title='x'"};
  v2.files = {{"server.js", "const s = 'it\\'s \"quoted\"';\n\ttab\\n ✓ 日本語 🍅"},
              {"static/app.css", "body { content: \"\\201C\"; }"},
              {"empty.txt", ""}};
  ASSERT_FALSE(db_->save_artifact(s.id, 2, v2));
  auto got = db_->load_artifact(s.id);
  ASSERT_TRUE(got) << message_of(got.error());
  EXPECT_EQ(got->title, v2.title);
  EXPECT_EQ(got->template_name, v2.template_name);
  EXPECT_EQ(got->entry, v2.entry);
  EXPECT_EQ(got->run, v2.run);
  ASSERT_EQ(got->files.size(), v2.files.size());
  for (size_t i = 0; i < v2.files.size(); ++i) {
    EXPECT_EQ(got->files[i].path, v2.files[i].path);
    EXPECT_EQ(got->files[i].content, v2.files[i].content);
  }
  EXPECT_EQ(code_of(db_->save_artifact(s.id, 2, v1)), errc::conflict);
  EXPECT_EQ(code_of(db_->save_artifact(unique("nobody"), 1, v1)), errc::not_found);
  EXPECT_EQ(code(db_->load_artifact(unique("nobody"))), errc::not_found);
  generated_app bad = v1;
  bad.files = {{"bin", std::string("a\0b", 3)}}; // jsonb cannot hold NUL
  EXPECT_EQ(code_of(db_->save_artifact(s.id, 3, bad)), errc::invalid_input);
  bad.files = {{"bin", "\xff\xfe"}}; // not UTF-8
  EXPECT_EQ(code_of(db_->save_artifact(s.id, 3, bad)), errc::invalid_input);
  got = db_->load_artifact(s.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->entry, "server.js");
}

// Droplet hours (issue 17, migration 19): a droplet's ledger line is written,
// updated in place and read back per node; bad amounts are refused.
TEST_F(pg_store_pgtest, host_cost_lines_round_trip_and_update_in_place) {
  auto node = "costnode-" + std::to_string(::getpid());
  host_cost c;
  c.host_id = "do-" + node + "-1";
  c.droplet_id = "300001";
  c.region = "nyc3";
  c.size = "s-1vcpu-1gb";
  c.hourly_usd = 0.00893;
  c.started_at = 1700000000000;
  c.until = 1700000000000 + 3600000;
  c.amount = 0.00893;
  c.sessions_usd = 0.002;
  ASSERT_FALSE(db_->save_host_cost(node, c));
  c.until += 1800000;
  c.amount = 0.013395;
  c.ended = true;
  ASSERT_FALSE(db_->save_host_cost(node, c));
  auto other = c;
  other.host_id = "do-" + node + "-2";
  other.started_at += 1000;
  ASSERT_FALSE(db_->save_host_cost(node, other));
  auto lines = db_->list_host_costs(node);
  ASSERT_TRUE(lines) << message_of(lines.error());
  ASSERT_EQ(lines->size(), 2u);
  auto& a = lines->front();
  EXPECT_EQ(a.host_id, c.host_id);
  EXPECT_EQ(a.droplet_id, "300001");
  EXPECT_EQ(a.size, "s-1vcpu-1gb");
  EXPECT_EQ(a.started_at, c.started_at);
  EXPECT_EQ(a.until, c.until);
  EXPECT_DOUBLE_EQ(a.amount, 0.013395);
  EXPECT_DOUBLE_EQ(a.sessions_usd, 0.002);
  EXPECT_TRUE(a.ended);
  EXPECT_TRUE(db_->list_host_costs("no-such-node")->empty());
  auto bad = c;
  bad.host_id = "do-" + node + "-bad";
  bad.amount = -1;
  EXPECT_TRUE(db_->save_host_cost(node, bad)) << "a negative amount was stored";
  query("DELETE FROM host_costs WHERE node_id = $1", node);
}

// Droplet hours in the bill (issue 17, migration 21): saving a droplet's
// ledger line upserts its host-level cost_items lines (one per kind, growing),
// an ended line is final, a line with neither session nor host is refused,
// and a session's own lines stay its bill, naming the host it ran on.
TEST_F(pg_store_pgtest, droplet_hours_are_host_lines_of_cost_items_final_once_ended) {
  auto node = "billnode-" + std::to_string(::getpid()) + "-" + unique("n").substr(2, 6);
  auto host_id = "do-" + std::to_string(::getpid()) + "-1";
  host_cost c;
  c.host_id = host_id;
  c.droplet_id = "300042";
  c.hourly_usd = 0.036;
  c.started_at = 1700000000000;
  c.until = c.started_at + 3600000; // an hour, a quarter of it used
  c.amount = 0.036;
  c.sessions_usd = 0.009;
  ASSERT_FALSE(db_->save_host_cost(node, c));
  host_cost_filter mine;
  mine.node_id = node;
  auto rows = db_->list_host_cost_items(mine);
  ASSERT_TRUE(rows) << message_of(rows.error());
  ASSERT_EQ(rows->size(), 2u);
  auto find = [](const std::vector<host_cost_row>& rs, const std::string& kind) {
    for (auto& r : rs)
      if (r.item.kind == kind)
        return r;
    ADD_FAILURE() << "no " << kind << " line";
    return host_cost_row{};
  };
  auto all = find(*rows, "droplet");
  EXPECT_EQ(all.item.host_id, host_id);
  EXPECT_EQ(all.item.node_id, node);
  EXPECT_EQ(all.item.unit, "hour");
  EXPECT_DOUBLE_EQ(all.item.quantity, 1.0);
  EXPECT_DOUBLE_EQ(all.item.unit_price, 0.036);
  EXPECT_DOUBLE_EQ(all.item.amount, 0.036);
  EXPECT_EQ(all.item.at, c.until);
  EXPECT_NEAR(find(*rows, "droplet_idle").item.amount, 0.027, 1e-12);
  EXPECT_NEAR(find(*rows, "droplet_idle").item.quantity, 0.75, 1e-12);

  // It grows in place while the droplet runs: still one line of each kind.
  c.until += 1800000;
  c.amount = 0.054;
  c.sessions_usd = 0.018;
  ASSERT_FALSE(db_->save_host_cost(node, c));
  rows = db_->list_host_cost_items(mine);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_DOUBLE_EQ(find(*rows, "droplet").item.amount, 0.054);
  EXPECT_DOUBLE_EQ(find(*rows, "droplet").item.quantity, 1.5);
  EXPECT_NEAR(find(*rows, "droplet_idle").item.amount, 0.036, 1e-12);

  // Destroyed: the last save is final, a later (stale or repeated) one changes nothing.
  c.until += 600000;
  c.amount = 0.06;
  c.ended = true;
  ASSERT_FALSE(db_->save_host_cost(node, c));
  auto late = c;
  late.until += 3600000;
  late.amount = 0.096;
  ASSERT_FALSE(db_->save_host_cost(node, late));
  rows = db_->list_host_cost_items(mine);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_DOUBLE_EQ(find(*rows, "droplet").item.amount, 0.06);
  EXPECT_EQ(find(*rows, "droplet").item.at, c.until);
  auto ledger = db_->list_host_costs(node);
  ASSERT_EQ(ledger->size(), 1u);
  EXPECT_DOUBLE_EQ(ledger->front().amount, 0.06) << "the ended ledger line was rewritten";
  EXPECT_EQ(query("SELECT 1 FROM cost_items WHERE node_id = $1 AND session_id IS NULL", node)
              .size(),
            2u);

  // A line with neither a session nor a host is refused.
  EXPECT_THROW(query("INSERT INTO cost_items (session_id, node_id, host_id, kind) "
                     "VALUES (NULL, $1, '', 'droplet')",
                     node),
               pqxx::check_violation);

  // A session's own bill: replaced as before, naming its host; not a host line.
  auto s = make_session(unique("bill"));
  ASSERT_FALSE(db_->insert_session(s));
  cost_item compute;
  compute.kind = "compute";
  compute.quantity = 0.5;
  compute.unit = "hour";
  compute.unit_price = 0.02679;
  compute.amount = 0.013395;
  compute.at = 1700000005000;
  compute.node_id = node;
  compute.host_id = host_id;
  cost_item gen;
  gen.kind = "generation";
  gen.quantity = 1;
  gen.unit = "session";
  gen.unit_price = 0.12;
  gen.amount = 0.12;
  gen.node_id = node;
  ASSERT_FALSE(db_->save_costs(s.id, 0.133395, {compute, gen}));
  ASSERT_FALSE(db_->save_costs(s.id, 0.133395, {compute, gen})); // the final bill, again
  auto items = db_->list_cost_items(s.id);
  ASSERT_TRUE(items) << message_of(items.error());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].kind, "compute");
  EXPECT_DOUBLE_EQ((*items)[0].amount, 0.013395);
  EXPECT_DOUBLE_EQ((*items)[0].unit_price, 0.02679);
  EXPECT_EQ((*items)[0].host_id, host_id);
  EXPECT_EQ((*items)[0].node_id, node);
  EXPECT_EQ((*items)[1].host_id, "");
  rows = db_->list_host_cost_items(mine);
  ASSERT_EQ(rows->size(), 2u) << "a session's lines were listed as host lines";
  EXPECT_EQ(find(*rows, "droplet").sessions, 1);
  EXPECT_DOUBLE_EQ(find(*rows, "droplet").sessions_billed, 0.013395);
  EXPECT_EQ(find(*rows, "droplet_idle").sessions, 0);

  // Filters and pages.
  auto f = mine;
  f.kind = "droplet_idle";
  rows = db_->list_host_cost_items(f);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().item.kind, "droplet_idle");
  f = mine;
  f.host_id = "do-nosuch";
  EXPECT_TRUE(db_->list_host_cost_items(f)->empty());
  f = mine;
  f.limit = 1;
  f.offset = 1;
  EXPECT_EQ(db_->list_host_cost_items(f)->size(), 1u);
  f.offset = 2;
  EXPECT_TRUE(db_->list_host_cost_items(f)->empty());
  query("DELETE FROM cost_items WHERE node_id = $1", node);
  query("DELETE FROM host_costs WHERE node_id = $1", node);
}

TEST_F(pg_store_pgtest, a_custom_domain_has_one_live_holder_and_a_dead_one_gives_way) {
  auto a = make_session(unique("doma"));
  auto b = make_session(unique("domb"));
  a.node_id = b.node_id = ""; // no fencing in this test
  ASSERT_FALSE(db_->insert_session(a));
  ASSERT_FALSE(db_->insert_session(b));
  auto domain = unique("app") + ".example.test";
  EXPECT_EQ(code(db_->domain_holder(domain)), errc::not_found);
  ASSERT_FALSE(db_->claim_domain(a.id, domain));
  EXPECT_FALSE(db_->claim_domain(a.id, domain)); // holding it already is fine
  EXPECT_EQ(*db_->domain_holder(domain), a.id);
  EXPECT_EQ(code_of(db_->claim_domain(b.id, domain)), errc::conflict); // a is live
  EXPECT_EQ(code_of(db_->claim_domain("s-nobody", domain)), errc::not_found);
  EXPECT_FALSE(db_->release_domain(b.id, domain)); // b does not hold it: nothing happens
  EXPECT_EQ(*db_->domain_holder(domain), a.id);
  a.state = phase::destroyed;
  ASSERT_TRUE(db_->save_transition(a, make_event("destroyed")));
  EXPECT_FALSE(db_->claim_domain(b.id, domain)); // a is gone: b gets it
  EXPECT_EQ(*db_->domain_holder(domain), b.id);
  EXPECT_FALSE(db_->release_domain(b.id, domain));
  EXPECT_EQ(code(db_->domain_holder(domain)), errc::not_found);
}

// Group commit (issue 12): one batch, each write with its own result; a
// failing statement leaves only its own write unwritten.
TEST_F(pg_store_pgtest, a_batch_keeps_each_writes_result_and_order) {
  auto a = make_session(unique("ba"));
  auto b = make_session(unique("bb"));
  auto fenced = make_session(unique("bf"));
  ASSERT_FALSE(db_->insert_session(fenced));
  std::vector<store_write> ws;
  auto insert = [&](const session_record& s) {
    store_write w;
    w.what = store_write::kind::insert;
    w.session = s;
    ws.push_back(w);
  };
  auto transition = [&](session_record s, phase p, const std::string& msg) {
    store_write w;
    w.what = store_write::kind::transition;
    s.state = p;
    s.message = msg;
    w.session = s;
    w.event = make_event(msg);
    ws.push_back(w);
  };
  auto append = [&](const session_record& s, const std::string& msg, session_owner by) {
    store_write w;
    w.what = store_write::kind::append;
    w.event = make_event(msg);
    w.event.session_id = s.id;
    w.by = std::move(by);
    ws.push_back(w);
  };
  insert(a);
  insert(b);
  transition(a, phase::generating, "a generating");
  append(a, "a note", session_owner{a.node_id, a.owner_epoch});
  transition(b, phase::running, "b running");
  auto stale = fenced;
  stale.owner_epoch += 1; // not the owner: fenced, the others are written
  transition(stale, phase::running, "never stored");
  transition(make_session(unique("none")), phase::running, "no such session");
  transition(a, phase::running, "a running");
  auto out = db_->write_batch(ws);
  // Written by the batch's multi-row statements, not one write at a time.
  EXPECT_EQ(db_->batches_redone(), 0);
  ASSERT_EQ(out.size(), ws.size());
  EXPECT_TRUE(out[0] && out[1]);
  ASSERT_TRUE(out[2]) << message_of(out[2].error());
  EXPECT_EQ(out[2]->seq, 1);
  ASSERT_TRUE(out[3]);
  EXPECT_EQ(out[3]->seq, 2);
  ASSERT_TRUE(out[4]);
  EXPECT_EQ(out[4]->seq, 1);
  EXPECT_EQ(code(out[5]), errc::fenced);
  EXPECT_EQ(code(out[6]), errc::not_found);
  ASSERT_TRUE(out[7]);
  EXPECT_EQ(out[7]->seq, 3);
  EXPECT_EQ(db_->get_session(a.id)->state, phase::running);
  EXPECT_EQ(db_->get_session(b.id)->message, "b running");
  EXPECT_EQ(db_->get_session(fenced.id)->state, fenced.state);
  EXPECT_TRUE(db_->list_events(fenced.id, 0, 10)->empty());
  auto events = db_->list_events(a.id, 0, 10);
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[2].message, "a running");

  // A duplicate insert fails its statement: the batch is written again one
  // call at a time, and only that write fails.
  auto c = make_session(unique("bc"));
  ws.clear();
  insert(a);
  insert(c);
  transition(c, phase::running, "c running");
  out = db_->write_batch(ws);
  EXPECT_EQ(db_->batches_redone(), 1);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(code(out[0]), errc::conflict);
  EXPECT_TRUE(out[1]);
  ASSERT_TRUE(out[2]);
  EXPECT_EQ(out[2]->seq, 1);
  EXPECT_EQ(db_->get_session(c.id)->state, phase::running);
}

// The batch's values travel as array literals: text that looks like array
// syntax, quotes, backslashes, the word NULL and non-ASCII text arrive as
// they were sent, and a thousand writes go in one call.
TEST_F(pg_store_pgtest, a_batch_carries_any_text_and_many_writes) {
  const std::vector<std::string> hostile = {
    "", "NULL", "null", "{a,b}", "\"quoted\"", "back\\slash\\", "a,b", "}{", "  spaced  ",
    "caf\xc3\xa9 \xe2\x9c\x93", "line\nbreak\ttab", "'single'", "$1", "\\\"", "{\"k\": [1, 2]}"};
  std::vector<session_record> sessions;
  std::vector<store_write> ws;
  for (size_t i = 0; i < hostile.size(); ++i) {
    auto s = make_session(unique("bh"));
    s.prompt = hostile[i];
    s.owner = hostile[(i + 1) % hostile.size()];
    s.estimated_cost = 0.1 + double(i) / 3.0;
    s.metadata = nlohmann::json{{"text", hostile[i]}}.dump();
    sessions.push_back(s);
    store_write w;
    w.what = store_write::kind::insert;
    w.session = s;
    ws.push_back(w);
  }
  for (size_t i = 0; i < sessions.size(); ++i) {
    store_write t;
    t.what = store_write::kind::transition;
    t.session = sessions[i];
    t.session.state = phase::provisioning;
    t.session.message = hostile[i];
    t.event = make_event(hostile[i]);
    t.event.level = "info";
    ws.push_back(t);
    store_write a;
    a.what = store_write::kind::append;
    a.event = make_event(hostile[(i + 3) % hostile.size()]);
    a.event.session_id = sessions[i].id;
    a.by = session_owner{sessions[i].node_id, sessions[i].owner_epoch};
    ws.push_back(a);
  }
  auto out = db_->write_batch(ws);
  EXPECT_EQ(db_->batches_redone(), 0);
  ASSERT_EQ(out.size(), ws.size());
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_TRUE(out[i]) << i << ": " << message_of(out[i].error());
  for (size_t i = 0; i < sessions.size(); ++i) {
    auto got = db_->get_session(sessions[i].id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->prompt, hostile[i]);
    EXPECT_EQ(got->owner, hostile[(i + 1) % hostile.size()]);
    EXPECT_EQ(got->message, hostile[i]);
    EXPECT_EQ(got->state, phase::provisioning);
    EXPECT_DOUBLE_EQ(got->estimated_cost, 0.1 + double(i) / 3.0);
    EXPECT_EQ(nlohmann::json::parse(got->metadata).at("text"), hostile[i]);
    auto events = db_->list_events(sessions[i].id, 0, 10);
    ASSERT_EQ(events->size(), 2u);
    EXPECT_EQ((*events)[0].message, hostile[i]);
    EXPECT_EQ((*events)[0].seq, 1);
    EXPECT_EQ((*events)[1].message, hostile[(i + 3) % hostile.size()]);
    EXPECT_EQ((*events)[1].seq, 2);
  }
  // Many at once: one session each, an insert then a transition.
  ws.clear();
  std::vector<session_record> many;
  for (int i = 0; i < 1000; ++i) {
    auto s = make_session(unique("bm"));
    many.push_back(s);
    store_write w;
    w.what = store_write::kind::insert;
    w.session = s;
    ws.push_back(w);
    store_write t;
    t.what = store_write::kind::transition;
    t.session = s;
    t.session.state = phase::running;
    t.event = make_event("running " + std::to_string(i));
    ws.push_back(t);
  }
  out = db_->write_batch(ws);
  EXPECT_EQ(db_->batches_redone(), 0);
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_TRUE(out[i]) << i << ": " << message_of(out[i].error());
  EXPECT_EQ(db_->get_session(many[999].id)->state, phase::running);
  EXPECT_EQ(db_->list_events(many[500].id, 0, 10)->front().message, "running 500");
}
