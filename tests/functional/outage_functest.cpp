// Dependency outages (issue 7). PostgreSQL stopped and restarted under load:
// a private cluster of this test (deploy/scripts/postgres.sh on its own port
// and folder), so no other test loses its database. The Docker engine
// restarted: the shared dockerd, so this suite runs alone (see CMakeLists).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>

#include "build_paths.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"

namespace spawn::test::functest {
namespace {

/// Runs a shell command; its stdout (trimmed) or nullopt when it failed.
std::optional<std::string> shell(const std::string& cmd) {
  std::string out;
  auto* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr)
    return std::nullopt;
  char buf[512];
  while (auto n = std::fread(buf, 1, sizeof buf, p))
    out.append(buf, n);
  if (::pclose(p) != 0)
    return std::nullopt;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

std::string script(const std::string& name) {
  return std::string{SPAWN_SOURCE_DIR} + "/deploy/scripts/" + name;
}

class outage_functest : public own_spawnd_functest {};

// PostgreSQL down for a few seconds under a steady stream of requests: every
// answer is a success or a 503 with Retry-After (never a 500, never a hang),
// every acknowledged session survives and runs, service resumes by itself.
TEST_F(outage_functest, PostgresRestartUnderLoad) {
  auto dir = std::string{"/tmp/spawnai-pgoutage-"} + std::to_string(::getpid());
  auto port = std::to_string(spawn::test::free_loopback_port());
  auto pg = "SPAWN_PG_PORT=" + port + " bash " + script("postgres.sh");
  auto dsn = shell(pg + " start " + dir + " 2>/dev/null");
  ASSERT_TRUE(dsn && !dsn->empty()) << "cannot start a private PostgreSQL in " << dir;
  struct cleanup {
    std::string cmd;
    ~cleanup() {
      shell(cmd);
    }
  } stop_pg{pg + " stop " + dir + " >/dev/null 2>&1; rm -rf " + dir};

  const std::string admin = "outage-admin-token-0123456789";
  auto& daemon = start("pgoutage", {{"SPAWN_DATABASE_URL", *dsn}, {"SPAWN_ADMIN_TOKEN", admin}});
  auto first = create("a timer that must survive the outage");
  ASSERT_FALSE(first.empty());
  ASSERT_EQ(wait_state(first, "running", 60s).value("state", ""), "running");

  std::atomic<bool> stop{false};
  std::map<long, int> statuses;
  std::vector<std::string> acked;
  int transport_errors = 0, missing_retry_after = 0, slow = 0, calls = 0;
  std::thread load([&] {
    for (int i = 0; i < 3000 && !stop; ++i) {
      auto t0 = clock_type::now();
      auto res = daemon.call("POST", "/api/v1/sessions",
                             json{{"prompt", "load " + std::to_string(i)}, {"app_type", "webapp"}}
                               .dump(),
                             {}, 15000);
      auto list = daemon.call("GET", "/api/v1/sessions?limit=5", {}, {}, 15000);
      auto one = daemon.call("GET", "/api/v1/sessions/" + first, {}, {}, 15000);
      if (clock_type::now() - t0 > 10s)
        ++slow;
      for (auto* r : {&res, &list, &one}) {
        ++calls;
        if (!*r) {
          ++transport_errors;
          continue;
        }
        statuses[(*r)->status]++;
        if ((*r)->status == 503 && !(*r)->headers.count("retry-after"))
          ++missing_retry_after;
      }
      if (res && res->status == 201)
        acked.push_back(parse_or_null(res->body).value("id", ""));
      std::this_thread::sleep_for(150ms);
    }
  });
  std::this_thread::sleep_for(1500ms);
  ASSERT_TRUE(shell(pg + " stop " + dir + " >/dev/null 2>&1")) << "cannot stop PostgreSQL";
  auto down_at = clock_type::now();
  // A session actor crashes while the store is away: the manager cannot read
  // its state yet, keeps trying, and respawns it once PostgreSQL is back.
  std::this_thread::sleep_for(1s);
  caf::expected<spawn::http_response> restarted = spawn::make_error(spawn::errc::internal, "not run");
  std::thread crash([&] {
    restarted = daemon.call("POST", "/admin/v1/sessions/" + first + "/restart", {},
                            {{"Authorization", "Bearer " + admin}}, 40000);
  });
  std::this_thread::sleep_for(3s);
  auto ready_while_down = daemon.call("GET", "/readyz");
  ASSERT_TRUE(shell(pg + " start " + dir + " >/dev/null 2>&1")) << "cannot restart PostgreSQL";
  auto down_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - down_at).count();
  // Service resumes by itself: a creation succeeds again within 30 s.
  auto deadline = clock_type::now() + 30s;
  std::string after;
  while (after.empty() && clock_type::now() < deadline) {
    after = create("created after the outage");
    if (after.empty())
      std::this_thread::sleep_for(250ms);
  }
  std::this_thread::sleep_for(1s);
  stop = true;
  load.join();
  crash.join();
  ASSERT_TRUE(restarted) << spawn::message_of(restarted.error());
  EXPECT_EQ(restarted->status, 200) << "the actor crashed during the outage was not respawned: "
                                    << restarted->body;

  EXPECT_TRUE(daemon.running()) << "spawnd exited during the outage";
  ASSERT_TRUE(ready_while_down);
  EXPECT_EQ(ready_while_down->status, 503) << ready_while_down->body;
  EXPECT_FALSE(after.empty()) << "no creation succeeded within 30 s of the restart";
  EXPECT_EQ(transport_errors, 0) << "requests hung or the connection failed";
  EXPECT_EQ(slow, 0) << "some requests took more than 10 s";
  EXPECT_EQ(missing_retry_after, 0) << "a 503 without Retry-After";
  EXPECT_GT(statuses[503], 0) << "the outage was not seen: no 503 at all";
  for (auto& [status, n] : statuses)
    EXPECT_TRUE(status == 200 || status == 201 || status == 503)
      << n << " answers with status " << status;
  // Nothing acknowledged is lost: every 201 session exists and runs.
  acked.push_back(first);
  if (!after.empty())
    acked.push_back(after);
  int running = 0;
  for (auto& id : acked) {
    auto s = wait_state(id, "running", 90s);
    EXPECT_EQ(s.value("state", ""), "running") << id << ": " << s.dump();
    running += s.value("state", "") == "running";
  }
  std::string codes;
  for (auto& [status, n] : statuses)
    codes += " " + std::to_string(status) + "×" + std::to_string(n);
  std::cout << "[ figures ] PostgreSQL down " << down_ms << " ms; " << calls
            << " calls under load:" << codes << "; acknowledged sessions " << acked.size()
            << ", running after the restart " << running << "\n";
}

/// The pid of the running dockerd (from its pid file), or 0.
pid_t dockerd_pid() {
  std::ifstream in{"/var/run/docker.pid"};
  pid_t pid = 0;
  in >> pid;
  return pid > 0 && ::kill(pid, 0) == 0 ? pid : 0;
}

// The Docker engine restarts (its containers stop with it): provisioning
// waits and retries, running apps are restored by the health check.
TEST_F(outage_functest, DockerEngineRestart) {
  auto pid = dockerd_pid();
  if (pid == 0)
    GTEST_SKIP() << "dockerd was not started by deploy/scripts/dockerd.sh (no /var/run/docker.pid)";
  auto& daemon = start("dockeroutage", {});
  auto before = create("an app running before the engine restarts");
  ASSERT_FALSE(before.empty());
  ASSERT_EQ(wait_state(before, "running", 60s).value("state", ""), "running");

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  auto down_at = clock_type::now();
  for (auto deadline = clock_type::now() + 30s; ::kill(pid, 0) == 0 && clock_type::now() < deadline;)
    std::this_thread::sleep_for(100ms);
  auto during = create("an app asked for while the engine is down");
  EXPECT_FALSE(during.empty()) << "creation must be accepted: it waits for the engine";
  std::this_thread::sleep_for(2s);
  ASSERT_TRUE(shell("bash " + script("dockerd.sh") + " >/dev/null 2>&1"))
    << "cannot start dockerd again";
  auto down_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - down_at).count();
  auto back_at = clock_type::now();

  EXPECT_TRUE(daemon.running());
  auto s = wait_state(before, "running", 5s);
  EXPECT_EQ(s.value("state", ""), "running") << s.dump();
  // The app serves again (health check restarted its container).
  bool served = false;
  for (auto deadline = clock_type::now() + 60s; !served && clock_type::now() < deadline;) {
    auto cur = get(before);
    if (cur["app_url"].is_string()) {
      auto r = get_url(cur["app_url"].get<std::string>(), 2000);
      served = r && r->status == 200;
    }
    if (!served)
      std::this_thread::sleep_for(250ms);
  }
  auto restored_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - back_at).count();
  EXPECT_TRUE(served) << "the app did not come back after the engine restart";
  if (!during.empty()) {
    auto d = wait_state(during, "running", 90s);
    EXPECT_EQ(d.value("state", ""), "running") << d.dump();
  }
  std::cout << "[ figures ] Docker engine down " << down_ms << " ms; app restored " << restored_ms
            << " ms after the engine was back\n";
}

} // namespace
} // namespace spawn::test::functest
