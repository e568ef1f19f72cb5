// cluster_bench (issue 14): three nodes on 127.0.0.11-13 (own Caddy each, one
// PostgreSQL, the shared Docker engine). Prints
//  1. GET /api/v1/sessions/{id} on node 1 for a session node 1 owns beside one
//     node 2 owns (answered through CAF by node 2's session actor): req/s and
//     p99 under wrk, same run;
//  2. the takeover timeline of N sessions (default 30) owned by node 3 when it
//     is lost with its containers: kill → declared dead → all claimed → all
//     redeployed (a new container each) → all answering 200 through their new
//     owner's edge, with the p50/max per session.
// Usage: eval "$(bash deploy/scripts/setup.sh)" && ./build/cluster_bench [--sessions N] [--seconds S]
#include "build_paths.hpp"
#include "tests/functional/spawnd_process.cpp"

#include <signal.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/functional/caddy_process.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using nlohmann::json;
using spawn::test::shell;

struct node {
  std::unique_ptr<spawn::test::caddy_process> caddy;
  std::unique_ptr<spawn::test::spawnd_process> daemon;
  std::string address;
  int edge_port = 0;
};

double secs(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

json get_json(spawn::test::spawnd_process& d, const std::string& path) {
  auto r = d.call("GET", path, {}, {{"Authorization", "Bearer cluster-bench-admin-token"}}, 10000);
  return r ? json::parse(r->body, nullptr, false) : json{};
}

struct wrk_result {
  double rps = NAN, p99_ms = NAN;
};

wrk_result run_wrk(const std::string& url, const std::string& token, int seconds) {
  // Sessions are private (issue 13): the manage token reads them.
  auto raw = shell("wrk -t2 -c32 -d" + std::to_string(seconds) + "s --latency -H 'X-Manage-Token: "
                   + token + "' " + url);
  wrk_result r;
  std::smatch m;
  if (std::regex_search(raw, m, std::regex{R"(Requests/sec:\s+([0-9.]+))"}))
    r.rps = std::stod(m[1]);
  if (std::regex_search(raw, m, std::regex{R"(\n\s+99%\s+([0-9.]+)(us|ms|s))"})) {
    auto x = std::stod(m[1]);
    r.p99_ms = m[2] == "us" ? x / 1000 : m[2] == "s" ? x * 1000 : x;
  }
  return r;
}

long through_edge(const node& n, const std::string& id) {
  spawn::http_request req;
  req.url = "http://" + n.address + ":" + std::to_string(n.edge_port) + "/";
  req.headers.emplace_back("Host", id + ".localhost");
  req.timeout_ms = 2000;
  auto r = spawn::perform(req);
  return r ? r->status : 0;
}

} // namespace

int main(int argc, char** argv) {
  int sessions = 30, seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--sessions")
      sessions = std::clamp(std::atoi(argv[i + 1]), 1, 200);
    else if (arg == "--seconds")
      seconds = std::clamp(std::atoi(argv[i + 1]), 1, 60);
  }
  for (auto var : {"SPAWN_TEST_DATABASE_URL", "SPAWN_DATABASE_URL"})
    if (auto* v = std::getenv(var)) {
      ::setenv("SPAWN_TEST_DATABASE_URL", v, 0);
      break;
    }
  std::string why;
  if (!spawn::test::functional_prereqs(why) || !spawn::test::have_caddy()
      || shell("command -v wrk >/dev/null && echo yes") != "yes") {
    std::cerr << "cluster_bench: needs PostgreSQL, Docker, Caddy and wrk (" << why << ")\n";
    return 2;
  }
  auto dir = "/tmp/spawnai-cluster-bench-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  auto cluster = "cb" + std::to_string(getpid());
  std::array<node, 3> nodes;
  for (int k = 0; k < 3; ++k) {
    auto& n = nodes[k];
    n.address = "127.0.0." + std::to_string(11 + k);
    n.caddy = std::make_unique<spawn::test::caddy_process>(dir + "/caddy-" + std::to_string(k + 1));
    if (!n.caddy->start()) {
      std::cerr << "cluster_bench: Caddy did not start\n";
      return 1;
    }
    n.edge_port = spawn::test::free_loopback_port(n.address);
    spawn::test::spawnd_options opts;
    opts.name = "clbench" + std::to_string(k + 1);
    opts.address = n.address;
    opts.env = {{"SPAWN_DATABASE_URL", std::getenv("SPAWN_TEST_DATABASE_URL")},
                {"SPAWN_ADMIN_TOKEN", "cluster-bench-admin-token"},
                {"SPAWN_CLUSTER_NAME", cluster},
                {"SPAWN_CLUSTER_HOST", n.address},
                {"SPAWN_CLUSTER_PORT", std::to_string(spawn::test::free_loopback_port(n.address))},
                // node 3 takes every creation made through it (the ones it will lose)
                {"SPAWN_CLUSTER_PLACEMENT", k == 2 ? "local" : "most_free"},
                {"SPAWN_EDGE_CADDY_ADMIN", n.caddy->admin_url()},
                {"SPAWN_EDGE_SERVER", cluster + "n" + std::to_string(k + 1)},
                {"SPAWN_EDGE_LISTEN", n.address + ":" + std::to_string(n.edge_port)},
                {"SPAWN_EDGE_CHECK_INTERVAL_MS", "1000"},
                {"SPAWN_RUNTIME_WARM_POOL_SIZE", "2"},
                {"SPAWN_LIMITS_MAX_SESSIONS", "200"}};
    n.daemon = std::make_unique<spawn::test::spawnd_process>(opts);
    if (!n.daemon->start()) {
      std::cerr << "cluster_bench: " << n.daemon->error() << "\n";
      return 1;
    }
  }
  auto create_on = [&](int k) -> std::string {
    auto r = nodes[k].daemon->call("POST", "/api/v1/sessions",
                                   json{{"prompt", "a todo list"}, {"ttl_seconds", 1800}}.dump());
    if (!r || r->status != 201)
      return {};
    return json::parse(r->body, nullptr, false).value("id", "");
  };
  auto wait_running = [&](const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      if (get_json(*nodes[0].daemon, "/api/v1/sessions/" + id).value("state", "") == "running")
        return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  };
  // 1. A session of node 1 and one of node 2, both read through node 1.
  std::string local, remote;
  for (int i = 0; i < 10 && (local.empty() || remote.empty()); ++i) {
    auto id = create_on(0);
    if (id.empty() || !wait_running(id))
      continue;
    auto owner = get_json(*nodes[0].daemon, "/api/v1/sessions/" + id).value("node_id", "");
    if (owner == nodes[0].daemon->node_id() && local.empty())
      local = id;
    else if (owner == nodes[1].daemon->node_id() && remote.empty())
      remote = id;
  }
  if (local.empty() || remote.empty()) {
    std::cerr << "cluster_bench: could not place a session on node 1 and one on node 2\n";
    return 1;
  }
  auto base = nodes[0].daemon->base_url();
  auto l = run_wrk(base + "/api/v1/sessions/" + local, spawn::test::known_manage_token(local), seconds);
  auto r = run_wrk(base + "/api/v1/sessions/" + remote, spawn::test::known_manage_token(remote),
                   seconds);
  std::printf("\nGET /api/v1/sessions/{id} on node 1 (wrk, 2 threads, 32 connections, %d s)\n",
              seconds);
  std::printf("  %-34s %10s %10s\n", "", "req/s", "p99 ms");
  std::printf("  %-34s %10.0f %10.2f\n", "owned by node 1 (local actor)", l.rps, l.p99_ms);
  std::printf("  %-34s %10.0f %10.2f   (%.2fx of local)\n", "owned by node 2 (CAF, remote actor)",
              r.rps, r.p99_ms, r.rps / l.rps);

  // 2. N sessions on node 3, then node 3 lost with its containers.
  std::vector<std::string> lost;
  for (int i = 0; i < sessions; ++i)
    if (auto id = create_on(2); !id.empty())
      lost.push_back(id);
  // Admins see each session's container and owner: one listing per look.
  auto listing = [&] {
    std::map<std::string, json> out;
    auto all = get_json(*nodes[0].daemon, "/admin/v1/sessions?live=true&limit=500");
    for (auto& s : all["sessions"])
      out[s.value("id", "")] = s;
    return out;
  };
  for (auto& id : lost)
    wait_running(id);
  std::map<std::string, std::string> old_container;
  for (auto& [id, s] : listing())
    old_container[id] = s.value("container_id", "");
  // The machine lost: frozen (links up), its containers and edge removed,
  // then killed; the clock starts at the freeze.
  auto t0 = clock_type::now();
  ::kill(nodes[2].daemon->pid(), SIGSTOP);
  shell("docker rm -f $(docker ps -aq --filter label=spawnai.node=" + nodes[2].daemon->node_id()
        + ") >/dev/null 2>&1");
  nodes[2].caddy->stop();
  nodes[2].daemon->signal_and_wait(SIGKILL);
  double dead = -1;
  std::map<std::string, double> claimed, redeployed, serving;
  while (secs(t0) < 90 && serving.size() < lost.size()) {
    if (dead < 0) {
      auto ns = get_json(*nodes[0].daemon, "/admin/v1/nodes");
      for (auto& n : ns["nodes"])
        if (n.value("id", "") == nodes[2].daemon->node_id() && !n.value("alive", true))
          dead = secs(t0);
    }
    auto now = listing();
    for (auto& id : lost) {
      if (serving.count(id))
        continue;
      auto s = now[id];
      auto owner = s.value("node_id", "");
      int k = owner == nodes[0].daemon->node_id() ? 0 : owner == nodes[1].daemon->node_id() ? 1 : -1;
      if (k < 0)
        continue;
      claimed.emplace(id, secs(t0));
      if (s.value("state", "") == "running" && s.value("container_id", "") != old_container[id])
        redeployed.emplace(id, secs(t0));
      if (redeployed.count(id) && through_edge(nodes[k], id) == 200)
        serving.emplace(id, secs(t0));
    }
    std::this_thread::sleep_for(50ms);
  }
  auto stat = [](const std::map<std::string, double>& m, double& p50, double& mx) {
    std::vector<double> v;
    for (auto& [id, t] : m)
      v.push_back(t);
    std::sort(v.begin(), v.end());
    p50 = v.empty() ? NAN : v[v.size() / 2];
    mx = v.empty() ? NAN : v.back();
  };
  double c50, cmax, r50, rmax, s50, smax;
  stat(claimed, c50, cmax);
  stat(redeployed, r50, rmax);
  stat(serving, s50, smax);
  std::printf("\nTakeover of %zu sessions when node 3 is lost (SIGKILL + its containers removed; "
              "lease 4 s, heartbeat 1 s)\n", lost.size());
  std::printf("  %-28s %8s %8s %8s\n", "since the kill (s)", "p50", "all", "count");
  std::printf("  %-28s %8s %8.2f %8d\n", "declared dead", "", dead, dead >= 0 ? 1 : 0);
  std::printf("  %-28s %8.2f %8.2f %8zu\n", "claimed by a survivor", c50, cmax, claimed.size());
  std::printf("  %-28s %8.2f %8.2f %8zu\n", "new container acquired", r50, rmax, redeployed.size());
  std::printf("  %-28s %8.2f %8.2f %8zu   (target: all within 10 s)\n",
              "first 200 through the edge", s50, smax, serving.size());
  for (auto& n : nodes) {
    n.daemon.reset();
    n.caddy.reset();
  }
  std::filesystem::remove_all(dir);
  return serving.size() == lost.size() ? 0 : 1;
}
