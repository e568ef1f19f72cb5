// A burst (issue 12): 300 sessions created at once on a node of their own
// (limits raised, warm pool of 2) on the real Docker engine. Every one runs,
// none fails, no container is left once they are deleted, and spawnd's
// threads stay bounded; the time until the last one runs is printed beside 300
// bare `docker run`s of the same image done 8 at a time. Runs alone
// (RUN_SERIAL): its containers would starve the timing of tests beside it.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "tests/functional/caddy_process.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"

namespace spawn::test::functest {

namespace {

constexpr int burst = 300;
constexpr int client_threads = 24;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

int threads_of(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Threads:", 0) == 0)
      return std::atoi(line.c_str() + 8);
  return -1;
}

/// Containers named after a session of `node` (warm ones excluded).
int session_containers(const std::string& node) {
  auto out = shell("docker ps -a --filter label=spawnai.node=" + node
                   + " --format '{{.Names}}' | grep -c '^spawnai-s' || true");
  return std::atoi(out.c_str());
}

class burst_functest : public own_spawnd_functest {};

} // namespace

TEST_F(burst_functest, ThreeHundredAtOnceAllRunAndNoneFails) {
  auto& node = start("burst", {{"SPAWN_LIMITS_MAX_SESSIONS", "400"},
                               {"SPAWN_RUNTIME_WARM_POOL_SIZE", "2"},
                               {"SPAWN_HEALTH_INTERVAL_MS", "30000"},
                               {"SPAWN_SESSIONS_PHASE_TIMEOUT_MS", "120000"},
                               {"SPAWN_RECOVERY_ORPHAN_SCAN_INTERVAL_MS", "60000"}});
  ASSERT_TRUE(node.running());
  auto idle_threads = threads_of(node.pid());

  // All at once: 24 clients posting as fast as spawnd answers.
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> created; // id, token
  std::atomic<int> next{0}, refused{0};
  auto t0 = clock_type::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < client_threads; ++c)
    clients.emplace_back([&] {
      for (int i = next++; i < burst; i = next++) {
        auto res = node.call("POST", "/api/v1/sessions",
                             json{{"prompt", "a counter number " + std::to_string(i)},
                                  {"app_type", "webapp"}}
                               .dump(),
                             {}, 60000);
        if (!res || res->status != 201) {
          ++refused;
          continue;
        }
        auto s = parse_or_null(res->body);
        std::lock_guard<std::mutex> guard{mutex};
        created.emplace_back(s.value("id", ""), s.value("manage_token", ""));
      }
    });
  for (auto& t : clients)
    t.join();
  auto posted = seconds_since(t0);
  EXPECT_EQ(refused.load(), 0);
  ASSERT_EQ(created.size(), size_t{burst});

  // Wait until every session runs (or failed), watching spawnd's threads.
  int peak_threads = idle_threads, running = 0, failed = 0;
  double last_running = 0;
  auto deadline = clock_type::now() + std::chrono::minutes{5};
  std::map<std::string, std::string> states;
  while (clock_type::now() < deadline) {
    running = failed = 0;
    for (auto& [id, token] : created) {
      auto& st = states[id];
      if (st != "running" && st != "failed" && st != "destroyed") {
        auto s = get(id);
        st = s.is_object() ? s.value("state", "") : "";
      }
      running += st == "running";
      failed += st == "failed" || st == "destroyed";
    }
    peak_threads = std::max(peak_threads, threads_of(node.pid()));
    if (running + failed == burst)
      break;
    last_running = seconds_since(t0);
    std::this_thread::sleep_for(std::chrono::milliseconds{250});
  }
  last_running = seconds_since(t0);
  auto containers = session_containers(node.node_id());
  EXPECT_EQ(running, burst);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(containers, burst) << "one container per running session, no leftover";
  EXPECT_LE(peak_threads, 48) << "threads grew with the sessions";
  for (auto& [id, st] : states)
    if (st != "running") {
      std::cerr << "session " << id << " is " << st << "; its log:\n";
      for (auto& ev : events(id))
        std::cerr << "  " << ev.value("message", "") << "\n";
      break;
    }

  // Every one deleted: nothing left.
  auto t1 = clock_type::now();
  for (auto& [id, token] : created)
    node.call("DELETE", "/api/v1/sessions/" + id, {}, {{"X-Manage-Token", token}}, 60000);
  auto gone_deadline = clock_type::now() + std::chrono::minutes{3};
  while (session_containers(node.node_id()) > 0 && clock_type::now() < gone_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
  auto removed_in = seconds_since(t1);
  EXPECT_EQ(session_containers(node.node_id()), 0) << "containers left after the deletes";

  // The baseline in the same run: 300 bare `docker run`s of the same image, 8 at a time.
  auto tag = node.node_id() + "-bare";
  auto b0 = clock_type::now();
  shell("seq " + std::to_string(burst) + " | xargs -P 8 -I{} docker run -d --label spawnai.bench="
        + tag + " " + runtime_image + " >/dev/null 2>&1");
  auto bare = seconds_since(b0);
  auto bare_started = std::atoi(
    shell("docker ps -q --filter label=spawnai.bench=" + tag + " | wc -l").c_str());
  shell("docker ps -aq --filter label=spawnai.bench=" + tag
        + " | xargs -r -n 50 docker rm -f >/dev/null 2>&1");
  std::printf("\n[ burst ] %d sessions at once: %d running, %d failed; POSTs answered in %.1f s, "
              "last one running after %.1f s; %d bare `docker run`s 8 at a time (%d started) "
              "took %.1f s (ratio %.2f); spawnd threads %d idle, %d at peak; deletes done in "
              "%.1f s\n",
              burst, running, failed, posted, last_running, burst, bare_started, bare,
              bare > 0 ? last_running / bare : 0.0, idle_threads, peak_threads, removed_in);
}

} // namespace spawn::test::functest
