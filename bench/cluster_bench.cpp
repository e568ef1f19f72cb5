// cluster_bench (issue 14): three nodes on 127.0.0.11-13 (own Caddy each, one
// PostgreSQL, the shared Docker engine). Prints
//  1. GET /api/v1/sessions/{id} on node 1 for a session node 1 owns beside one
//     node 2 owns (answered through CAF by node 2's session actor): req/s and
//     p99 under wrk, same run;
//  2. the takeover timeline of N sessions (default 30) owned by node 3 when it
//     is lost with its containers: freeze → killed → declared dead → all
//     claimed → all redeployed (a new container each) → all answering 200
//     through a survivor's edge, with the p50/max per session; once with
//     cluster.failover_reserve = 0 (the baseline, cold starts) and once with
//     the reserve on, each on a fresh trio of nodes.
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
#include <mutex>
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

/// Three nodes of one cluster on 127.0.0.11-13, each with its own Caddy.
struct trio {
  std::array<node, 3> nodes;
  std::string cluster;

  bool start(const std::string& dir, const std::string& name, int failover_reserve) {
    cluster = name;
    for (int k = 0; k < 3; ++k) {
      auto& n = nodes[k];
      n.address = "127.0.0." + std::to_string(11 + k);
      n.caddy = std::make_unique<spawn::test::caddy_process>(dir + "/" + name + "-caddy-"
                                                            + std::to_string(k + 1));
      if (!n.caddy->start()) {
        std::cerr << "cluster_bench: Caddy did not start\n";
        return false;
      }
      n.edge_port = spawn::test::free_loopback_port(n.address);
      spawn::test::spawnd_options opts;
      opts.name = "clbench" + std::to_string(k + 1);
      opts.address = n.address;
      opts.env = {{"SPAWN_DATABASE_URL", std::getenv("SPAWN_TEST_DATABASE_URL")},
                  {"SPAWN_ADMIN_TOKEN", "cluster-bench-admin-token"},
                  {"SPAWN_CLUSTER_NAME", cluster},
                  {"SPAWN_CLUSTER_HOST", n.address},
                  {"SPAWN_CLUSTER_PORT",
                   std::to_string(spawn::test::free_loopback_port(n.address))},
                  // node 3 takes every creation made through it (the ones it will lose)
                  {"SPAWN_CLUSTER_PLACEMENT", k == 2 ? "local" : "most_free"},
                  {"SPAWN_CLUSTER_FAILOVER_RESERVE", std::to_string(failover_reserve)},
                  {"SPAWN_EDGE_CADDY_ADMIN", n.caddy->admin_url()},
                  {"SPAWN_EDGE_SERVER", cluster + "n" + std::to_string(k + 1)},
                  {"SPAWN_EDGE_LISTEN", n.address + ":" + std::to_string(n.edge_port)},
                  {"SPAWN_EDGE_CHECK_INTERVAL_MS", "1000"},
                  {"SPAWN_RUNTIME_WARM_POOL_SIZE", "2"},
                  {"SPAWN_LIMITS_MAX_SESSIONS", "200"}};
      n.daemon = std::make_unique<spawn::test::spawnd_process>(opts);
      if (!n.daemon->start()) {
        std::cerr << "cluster_bench: " << n.daemon->error() << "\n";
        return false;
      }
    }
    return true;
  }

  void stop() {
    for (auto& n : nodes) {
      n.daemon.reset();
      n.caddy.reset();
    }
  }

  std::string create_on(int k) {
    auto r = nodes[k].daemon->call("POST", "/api/v1/sessions",
                                   json{{"prompt", "a todo list"}, {"ttl_seconds", 1800}}.dump());
    if (!r || r->status != 201)
      return {};
    return json::parse(r->body, nullptr, false).value("id", "");
  }

  bool wait_running(const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      if (get_json(*nodes[0].daemon, "/api/v1/sessions/" + id).value("state", "") == "running")
        return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  /// Admins see each session's container and owner: one listing per look.
  std::map<std::string, json> listing() {
    std::map<std::string, json> out;
    auto all = get_json(*nodes[0].daemon, "/admin/v1/sessions?live=true&limit=500");
    for (auto& s : all["sessions"])
      out[s.value("id", "")] = s;
    return out;
  }

  /// Ready warm containers of the small tier on node k, and its target.
  std::pair<int, int> warm(int k) {
    auto st = get_json(*nodes[k].daemon, "/admin/v1/stats");
    auto pool = st.value("warm_pool", json::object());
    auto ready = pool.value("tiers", json::object()).value("small", json::object()).value("ready", 0);
    auto target = pool.value("target_per_tier", 0)
                  + pool.value("failover_reserve", json::object()).value("small", 0);
    return {ready, target};
  }
};

struct takeover_figures {
  size_t sessions = 0;
  double frozen_to_killed = NAN, dead = -1;
  std::map<std::string, double> claimed, redeployed, serving;
  int warm_ready[2] = {0, 0};
};

/// N sessions on node 3, then node 3 lost with its containers: frozen (links
/// up), its containers and edge removed, then killed. Times count from the
/// freeze (the moment its apps stop answering).
takeover_figures lose_node_3(trio& t, int sessions) {
  takeover_figures f;
  auto& nodes = t.nodes;
  std::vector<std::string> lost;
  for (int i = 0; i < sessions; ++i)
    if (auto id = t.create_on(2); !id.empty())
      lost.push_back(id);
  f.sessions = lost.size();
  for (auto& id : lost)
    t.wait_running(id);
  // The survivors' warm pools settle (their failover reserve, when on, grows
  // with node 3's sessions): at most 60 s.
  for (int i = 0; i < 600; ++i) {
    auto a = t.warm(0), b = t.warm(1);
    f.warm_ready[0] = a.first;
    f.warm_ready[1] = b.first;
    if (a.first >= a.second && b.first >= b.second)
      break;
    std::this_thread::sleep_for(100ms);
  }
  std::map<std::string, std::string> old_container;
  for (auto& [id, s] : t.listing())
    old_container[id] = s.value("container_id", "");
  auto t0 = clock_type::now();
  ::kill(nodes[2].daemon->pid(), SIGSTOP);
  // A lost machine's containers go at once: removed in parallel.
  shell("docker ps -aq --filter label=spawnai.node=" + nodes[2].daemon->node_id()
        + " | xargs -r -P 8 -n 4 docker rm -f >/dev/null 2>&1");
  nodes[2].caddy->stop();
  nodes[2].daemon->signal_and_wait(SIGKILL);
  f.frozen_to_killed = secs(t0);
  // One prober per session asks the edges of both survivors, so a slow answer
  // for one app does not delay the clock of the others.
  std::mutex mu;
  std::vector<std::thread> probers;
  for (auto& id : lost)
    probers.emplace_back([&, id] {
      while (secs(t0) < 90) {
        for (int k = 0; k < 2; ++k)
          if (through_edge(nodes[k], id) == 200) {
            std::lock_guard lock{mu};
            f.serving.emplace(id, secs(t0));
            return;
          }
        std::this_thread::sleep_for(50ms);
      }
    });
  auto served = [&] {
    std::lock_guard lock{mu};
    return f.serving.size();
  };
  while (secs(t0) < 90 && (served() < lost.size() || f.redeployed.size() < lost.size())) {
    if (f.dead < 0) {
      auto ns = get_json(*nodes[0].daemon, "/admin/v1/nodes");
      for (auto& n : ns["nodes"])
        if (n.value("id", "") == nodes[2].daemon->node_id() && !n.value("alive", true))
          f.dead = secs(t0);
    }
    auto now = t.listing();
    for (auto& id : lost) {
      auto s = now[id];
      auto owner = s.value("node_id", "");
      if (owner != nodes[0].daemon->node_id() && owner != nodes[1].daemon->node_id())
        continue;
      f.claimed.emplace(id, secs(t0));
      if (s.value("state", "") == "running" && !s.value("container_id", "").empty()
          && s.value("container_id", "") != old_container[id])
        f.redeployed.emplace(id, secs(t0));
    }
    std::this_thread::sleep_for(50ms);
  }
  for (auto& p : probers)
    p.join();
  for (auto& id : lost)
    if (!f.serving.count(id)) {
      auto s = t.listing()[id];
      std::fprintf(stderr, "cluster_bench: %s never answered 200: state %s on %s; edges say %ld, %ld\n",
                   id.c_str(), s.value("state", "?").c_str(), s.value("node_id", "?").c_str(),
                   through_edge(nodes[0], id), through_edge(nodes[1], id));
    }
  return f;
}

void stat(const std::map<std::string, double>& m, double& p50, double& mx) {
  std::vector<double> v;
  for (auto& [id, t] : m)
    v.push_back(t);
  std::sort(v.begin(), v.end());
  p50 = v.empty() ? NAN : v[v.size() / 2];
  mx = v.empty() ? NAN : v.back();
}

void print_takeover(const char* title, const takeover_figures& f) {
  double c50, cmax, r50, rmax, s50, smax;
  stat(f.claimed, c50, cmax);
  stat(f.redeployed, r50, rmax);
  stat(f.serving, s50, smax);
  auto k = f.frozen_to_killed;
  std::printf("\n  %s (survivors' warm containers ready at the loss: %d + %d)\n", title,
              f.warm_ready[0], f.warm_ready[1]);
  std::printf("  %-30s %8s %8s %8s %16s\n", "since the freeze (s)", "p50", "all", "count",
              "all, since kill");
  std::printf("  %-30s %8s %8.2f %8d\n", "killed, containers removed", "", k, 1);
  std::printf("  %-30s %8s %8.2f %8d %16.2f\n", "declared dead", "", f.dead, f.dead >= 0 ? 1 : 0,
              f.dead - k);
  std::printf("  %-30s %8.2f %8.2f %8zu %16.2f\n", "claimed by a survivor", c50, cmax,
              f.claimed.size(), cmax - k);
  std::printf("  %-30s %8.2f %8.2f %8zu %16.2f\n", "new container running", r50, rmax,
              f.redeployed.size(), rmax - k);
  std::printf("  %-30s %8.2f %8.2f %8zu %16.2f   (target: all of %zu within 10 s)\n",
              "first 200 through an edge", s50, smax, f.serving.size(), smax - k, f.sessions);
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
  int rc = 0;
  // 1. A session of node 1 and one of node 2, both read through node 1; then
  //    the takeover with no failover reserve (the baseline: cold starts).
  {
    trio t;
    if (!t.start(dir, cluster + "a", 0))
      return 1;
    std::string local, remote;
    for (int i = 0; i < 10 && (local.empty() || remote.empty()); ++i) {
      auto id = t.create_on(0);
      if (id.empty() || !t.wait_running(id))
        continue;
      auto owner = get_json(*t.nodes[0].daemon, "/api/v1/sessions/" + id).value("node_id", "");
      if (owner == t.nodes[0].daemon->node_id() && local.empty())
        local = id;
      else if (owner == t.nodes[1].daemon->node_id() && remote.empty())
        remote = id;
    }
    if (local.empty() || remote.empty()) {
      std::cerr << "cluster_bench: could not place a session on node 1 and one on node 2\n";
      return 1;
    }
    auto base = t.nodes[0].daemon->base_url();
    auto l = run_wrk(base + "/api/v1/sessions/" + local, spawn::test::known_manage_token(local),
                     seconds);
    auto r = run_wrk(base + "/api/v1/sessions/" + remote, spawn::test::known_manage_token(remote),
                     seconds);
    std::printf("\nGET /api/v1/sessions/{id} on node 1 (wrk, 2 threads, 32 connections, %d s)\n",
                seconds);
    std::printf("  %-34s %10s %10s\n", "", "req/s", "p99 ms");
    std::printf("  %-34s %10.0f %10.2f\n", "owned by node 1 (local actor)", l.rps, l.p99_ms);
    std::printf("  %-34s %10.0f %10.2f   (%.2fx of local)\n",
                "owned by node 2 (CAF, remote actor)", r.rps, r.p99_ms, r.rps / l.rps);
    std::printf("\nTakeover of %d sessions when node 3 is lost (frozen, its containers removed, "
                "SIGKILL; lease 4 s, heartbeat 1 s)\n", sessions);
    auto f = lose_node_3(t, sessions);
    print_takeover("baseline: cluster.failover_reserve = 0 (cold starts beyond a warm pool of 2)",
                   f);
    rc |= f.serving.size() == f.sessions ? 0 : 1;
    t.stop();
  }
  // 2. The same loss with the failover reserve on (its default bound).
  {
    trio t;
    if (!t.start(dir, cluster + "b", 32))
      return 1;
    auto f = lose_node_3(t, sessions);
    print_takeover("cluster.failover_reserve = 32: each survivor keeps warm its share of node 3's "
                   "sessions", f);
    rc |= f.serving.size() == f.sessions ? 0 : 1;
    t.stop();
  }
  std::filesystem::remove_all(dir);
  return rc;
}
