// The control plane alone (issue 12): real session actors and the real
// PostgreSQL store, a null container runtime and an instant generator
// (in-process test doubles of the ports), N sessions driven to running.
//
//   eval "$(bash deploy/scripts/setup.sh)"
//   build/control_plane [--sessions 10000] [--in-flight 256] [--store-workers 3]
//                       [--store-batch 256]
//
// Prints sessions per second to running, p50/p99 create → running, resident
// memory per live session, threads, and beside them the baseline measured in
// the same run: the same number of inserts and writes (transitions and
// events, as many per session as the actors made) through the store workers
// alone, so the actors' overhead reads as a ratio. Its sessions belong to a
// node id of their own and are marked destroyed at the end.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "actors/session_manager.hpp"
#include "actors/warm_pool.hpp"
#include "core/messages.hpp"
#include "core/tokens.hpp"
#include "persistence/pg_store.hpp"
#include "tests/doubles/instant_generator.hpp"
#include "tests/doubles/null_runtime.hpp"

using namespace spawn;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  int sessions = 10000;
  int in_flight = 256;
  int store_workers = 3;
  int store_batch = 256;
  std::string dsn;
};

long rss_kib() {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::atol(line.c_str() + 6);
  return 0;
}

int threads() {
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator{"/proc/self/task"}) {
    (void) e;
    ++n;
  }
  return n;
}

double ms(clock_type::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(p * double(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

/// What the run learns; written by the sink and the driver actors.
struct tally {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, clock_type::time_point> created; // by session id
  std::vector<double> to_running;                         // ms
  std::map<std::string, int> events;                      // stored events per session
  int failed = 0, refused = 0;
};

struct sink_state {
  std::shared_ptr<tally> t;
  std::map<std::string, bool> done;
};

/// Sees every session's events; notes when each one runs.
event_sink_actor::behavior_type sink(event_sink_actor::stateful_pointer<sink_state> self,
                                     std::shared_ptr<tally> t) {
  self->state.t = std::move(t);
  return {
    [=](atoms::event, const session_record& rec, const event_record& ev) {
      auto& t = *self->state.t;
      auto now = clock_type::now();
      std::lock_guard<std::mutex> guard{t.mutex};
      if (ev.seq > 0)
        ++t.events[rec.id];
      if (self->state.done[rec.id])
        return;
      if (rec.state == phase::running || rec.state == phase::failed) {
        self->state.done[rec.id] = true;
        auto c = t.created.find(rec.id);
        if (rec.state == phase::failed)
          ++t.failed;
        else if (c != t.created.end())
          t.to_running.push_back(ms(now - c->second));
        t.changed.notify_all();
      }
    },
    [](atoms::endstream) {},
    [](atoms::retry) {},
    [](atoms::failed, const caf::error&) {},
  };
}

/// Creates `n` sessions through the manager, at most `in_flight` waiting for
/// their creation answer at once, and subscribes the sink to each.
caf::behavior driver(caf::event_based_actor* self, session_manager_actor manager,
                     event_sink_actor snk, std::shared_ptr<tally> t, int n, int in_flight) {
  auto next = std::make_shared<int>(0);
  auto pending = std::make_shared<int>(0);
  auto pump = std::make_shared<std::function<void()>>();
  *pump = [=] {
    while (*next < n && *pending < in_flight) {
      auto i = (*next)++;
      ++*pending;
      create_request req;
      req.prompt = "a todo list number " + std::to_string(i);
      req.type = app_type::webapp;
      req.owner = "bench-owner-" + std::to_string(i % 64);
      auto t0 = clock_type::now();
      self->request(manager, std::chrono::seconds{120}, atoms::create::value, req)
        .then(
          [=](created_session& c) {
            {
              std::lock_guard<std::mutex> guard{t->mutex};
              t->created[c.session.id] = t0;
            }
            self->send(manager, atoms::subscribe::value, c.session.id, snk);
            --*pending;
            (*pump)();
          },
          [=](caf::error& err) {
            {
              std::lock_guard<std::mutex> guard{t->mutex};
              ++t->refused;
              t->changed.notify_all();
            }
            if (t->refused < 5)
              std::cerr << "creation refused: " << message_of(err) << "\n";
            --*pending;
            (*pump)();
          });
    }
  };
  (*pump)();
  return {[](int) {}};
}

/// The baseline: `n` sessions' worth of writes through the store workers
/// alone (an insert, then `writes` transitions), `in_flight` sessions at once.
double store_alone(const store_pool& stores, caf::actor_system& sys, int n, int writes,
                   int in_flight, const std::string& node) {
  auto done = std::make_shared<std::atomic<int>>(0);
  auto t0 = clock_type::now();
  auto writer = sys.spawn([=](caf::event_based_actor* self) {
    auto next = std::make_shared<int>(0);
    auto step = std::make_shared<std::function<void(session_record, int)>>();
    auto start = std::make_shared<std::function<void()>>();
    *step = [=](session_record rec, int k) {
      if (k >= writes) {
        ++*done;
        (*start)();
        return;
      }
      event_record ev;
      ev.session_id = rec.id;
      ev.phase = "running";
      ev.message = "baseline write " + std::to_string(k);
      if (k % 2 == 0)
        self->request(stores.for_key(rec.id), std::chrono::seconds{60}, atoms::save::value, rec, ev)
          .then([=](event_record&) { (*step)(rec, k + 1); },
                [=](caf::error&) { (*step)(rec, k + 1); });
      else
        self->request(stores.for_key(rec.id), std::chrono::seconds{60}, atoms::append::value, ev,
                      session_owner{rec.node_id, rec.owner_epoch})
          .then([=](event_record&) { (*step)(rec, k + 1); },
                [=](caf::error&) { (*step)(rec, k + 1); });
    };
    *start = [=] {
      if (*next >= n)
        return;
      auto i = (*next)++;
      session_record rec;
      rec.id = new_session_id();
      rec.owner = "bench-baseline";
      rec.prompt = "a todo list number " + std::to_string(i);
      rec.node_id = node;
      rec.created_at = now_ms();
      rec.expires_at = rec.created_at + 3600000;
      rec.state = phase::running;
      self->request(stores.for_key(rec.id), std::chrono::seconds{60}, atoms::insert::value, rec)
        .then([=](bool) { (*step)(rec, 0); }, [=](caf::error&) { (*step)(rec, writes); });
    };
    for (int i = 0; i < in_flight; ++i)
      (*start)();
    return caf::behavior{[](int) {}};
  });
  while (done->load() < n)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  auto rate = double(n) / (ms(clock_type::now() - t0) / 1000.0);
  caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
  return rate;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  if (auto* dsn = std::getenv("SPAWN_DATABASE_URL"))
    o.dsn = dsn;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string{argv[++i]} : std::string{}; };
    if (a == "--sessions")
      o.sessions = std::atoi(value().c_str());
    else if (a == "--in-flight")
      o.in_flight = std::atoi(value().c_str());
    else if (a == "--store-workers")
      o.store_workers = std::atoi(value().c_str());
    else if (a == "--store-batch")
      o.store_batch = std::atoi(value().c_str());
    else if (a == "--database-url")
      o.dsn = value();
    else {
      std::cerr << "usage: control_plane [--sessions N] [--in-flight N] [--store-workers N] "
                   "[--store-batch N] [--database-url DSN]\n";
      return 2;
    }
  }
  if (o.dsn.empty() || o.sessions < 1) {
    std::cerr << "control_plane: set SPAWN_DATABASE_URL (eval \"$(bash deploy/scripts/setup.sh)\")\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  if (auto err = pg_store{o.dsn}.migrate()) {
    std::cerr << "control_plane: " << message_of(err) << "\n";
    return 1;
  }
  auto node = "bench-" + new_manage_token().substr(0, 8);
  auto tmp = std::filesystem::temp_directory_path() / node;
  // The null runtime's apps have no page to load: the page check (issue 15)
  // would start a headless browser per session, so it is off.
  auto cfg = parse_config(R"({"runtime": {"warm_pool_size": 0},
    "health": {"interval_ms": 0}, "costs": {"accrual_interval_ms": 3600000},
    "sessions": {"sweep_interval_ms": 3600000},
    "recovery": {"orphan_scan_interval_ms": 0},
    "generation": {"cache_ttl_seconds": 0, "owner_token_budget": 0, "check_browser": "none"}})");
  if (!cfg) {
    std::cerr << message_of(cfg.error()) << "\n";
    return 1;
  }
  cfg->node_id = node;
  cfg->state_dir = tmp.string();
  cfg->store_workers = o.store_workers;
  cfg->store_batch = o.store_batch;
  cfg->max_sessions = o.sessions + 10;
  cfg->active_per_owner = o.sessions;
  cfg->creations_per_window = o.sessions;
  cfg->max_generations = 10000;

  caf::actor_system_config sys_cfg;
  register_message_types(sys_cfg);
  register_actor_handle_types(sys_cfg);
  caf::actor_system sys{sys_cfg};
  auto threads_idle = threads();
  node_context ctx;
  ctx.cfg = std::make_shared<spawn_config>(*cfg);
  auto dsn = o.dsn;
  ctx.stores = store_pool{sys, [dsn] { return std::make_unique<pg_store>(dsn); }, o.store_workers,
                          true, o.store_batch};
  ctx.io = blocking_pool{sys, cfg->io_threads};
  ctx.llm = blocking_pool{sys, cfg->generation_threads};
  ctx.runtime = std::make_shared<test::null_runtime>();
  ctx.gen = std::make_shared<test::instant_generator>();
  ctx.pool = sys.spawn(warm_pool, ctx);
  auto manager = sys.spawn(session_manager, ctx);
  std::this_thread::sleep_for(std::chrono::milliseconds{300}); // recovery of an empty node
  auto rss0 = rss_kib();

  auto t = std::make_shared<tally>();
  auto snk = sys.spawn(sink, t);
  auto t0 = clock_type::now();
  auto drv = sys.spawn(driver, manager, snk, t, o.sessions, o.in_flight);
  {
    std::unique_lock<std::mutex> lock{t->mutex};
    t->changed.wait_for(lock, std::chrono::minutes{10}, [&] {
      return int(t->to_running.size()) + t->failed + t->refused >= o.sessions;
    });
  }
  auto took = ms(clock_type::now() - t0);
  std::this_thread::sleep_for(std::chrono::milliseconds{500}); // writes after running settle
  auto rss1 = rss_kib();
  auto threads_live = threads();
  int running, writes_per_session = 0;
  {
    std::lock_guard<std::mutex> guard{t->mutex};
    running = int(t->to_running.size());
    long total = 0;
    for (auto& [id, n] : t->events)
      total += n;
    writes_per_session = t->events.empty() ? 0 : int(total / long(t->events.size()));
  }
  auto rate = running / (took / 1000.0);
  auto kib = running > 0 ? double(rss1 - rss0) / running : 0.0;

  // The baseline, in the same run: the store workers alone.
  auto base_rate = store_alone(ctx.stores, sys, o.sessions, writes_per_session, o.in_flight,
                               node + "-baseline");

  std::printf("\ncontrol plane: %d sessions (%d running, %d failed, %d refused), %d stored "
              "writes each, %d store workers committing up to %d writes at once\n",
              o.sessions, running, t->failed, t->refused, writes_per_session, o.store_workers,
              o.store_batch);
  std::printf("%-44s %12s %12s %10s\n", "", "measured", "baseline", "target");
  std::printf("%-44s %12.0f %12.0f %10s\n", "sessions/s to running (actors | store alone)", rate,
              base_rate, ">= 2000");
  std::printf("%-44s %12.2f %12s %10s\n", "actors / store alone", rate / base_rate, "1.00",
              ">= 0.5");
  std::printf("%-44s %12.1f %12s %10s\n", "create -> running p50 (ms)",
              percentile(t->to_running, 0.5), "", "");
  std::printf("%-44s %12.1f %12s %10s\n", "create -> running p99 (ms)",
              percentile(t->to_running, 0.99), "", "");
  std::printf("%-44s %12.1f %12s %10s\n", "resident memory per live session (KiB)", kib, "",
              "<= 20");
  std::printf("%-44s %12d %12d %10s\n", "threads (live sessions | idle node)", threads_live,
              threads_idle, "<= 48");

  std::fflush(stdout);
  // Leave nothing live behind: the sessions are marked destroyed.
  for (auto& a : {caf::actor_cast<caf::actor>(drv), caf::actor_cast<caf::actor>(snk),
                  caf::actor_cast<caf::actor>(manager)})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  try {
    pqxx::connection c{o.dsn};
    pqxx::work w{c};
    w.exec_params("UPDATE sessions SET state = 'destroyed', destroyed_at = now() "
                  "WHERE node_id = $1 OR node_id = $2",
                  node, node + "-baseline");
    w.commit();
  } catch (const std::exception& e) {
    std::cerr << "control_plane: cleanup failed: " << e.what() << "\n";
  }
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  caf::anon_send_exit(ctx.pool, caf::exit_reason::user_shutdown);
  for (auto& w : ctx.stores.workers())
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  for (auto* pool : {&ctx.io, &ctx.llm})
    for (auto& w : pool->workers())
      caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  return running == o.sessions ? 0 : 1;
}
