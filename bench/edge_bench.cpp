// The edge (issue 4): what Caddy in front of an app costs, and how fast a
// paused app wakes, each beside its baseline measured in the same run.
//
//   eval "$(bash deploy/scripts/setup.sh)" && ./build/edge_bench [--wakes N] [--seconds S]
//
// It starts a private Caddy and one spawnd (plain HTTP edge at <id>.localhost,
// apps paused after 1 s idle), creates one webapp and then measures:
//   wake: the first request to the paused app through the edge until 200
//         (unpause + route back), N times; baseline: a request through the edge
//         to the same app while it runs;
//   load: wrk (2 threads, 32 connections, S seconds) through Caddy, and the
//         same wrk straight at the app's loopback port.

#include "build_paths.hpp"
#include "tests/functional/spawnd_process.cpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/functional/caddy_process.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using json = nlohmann::json;
using spawn::test::shell;

double percentile(std::vector<double> xs, double p) {
  if (xs.empty())
    return NAN;
  std::sort(xs.begin(), xs.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * double(xs.size())));
  return xs[std::clamp<size_t>(rank, 1, xs.size()) - 1];
}

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

long get_status(int port, const std::string& host) {
  spawn::http_request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  if (!host.empty())
    req.headers.emplace_back("Host", host);
  req.timeout_ms = 15000;
  auto r = spawn::perform(req);
  return r ? r->status : 0;
}

std::string state_of(spawn::test::spawnd_process& d, const std::string& id) {
  auto r = d.call("GET", "/api/v1/sessions/" + id);
  if (!r || r->status != 200)
    return {};
  return json::parse(r->body, nullptr, false).value("state", "");
}

bool wait_state(spawn::test::spawnd_process& d, const std::string& id, const std::string& s,
                std::chrono::seconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    if (state_of(d, id) == s)
      return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

struct wrk_result {
  double rps = NAN, p50_ms = NAN, p99_ms = NAN;
  std::string raw;
};

double to_ms(const std::string& v, const std::string& unit) {
  auto x = std::stod(v);
  if (unit == "us")
    return x / 1000;
  if (unit == "s")
    return x * 1000;
  return x;
}

wrk_result run_wrk(const std::string& url, const std::string& host, int seconds) {
  wrk_result r;
  r.raw = shell("wrk -t2 -c32 -d" + std::to_string(seconds) + "s --latency "
                + (host.empty() ? std::string{} : "-H 'Host: " + host + "' ") + url);
  std::smatch m;
  if (std::regex_search(r.raw, m, std::regex{R"(Requests/sec:\s+([0-9.]+))"}))
    r.rps = std::stod(m[1]);
  if (std::regex_search(r.raw, m, std::regex{R"(\n\s+50%\s+([0-9.]+)(us|ms|s))"}))
    r.p50_ms = to_ms(m[1], m[2]);
  if (std::regex_search(r.raw, m, std::regex{R"(\n\s+99%\s+([0-9.]+)(us|ms|s))"}))
    r.p99_ms = to_ms(m[1], m[2]);
  return r;
}

} // namespace

int main(int argc, char** argv) {
  int wakes = 10, seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--wakes")
      wakes = std::max(1, std::atoi(argv[i + 1]));
    else if (arg == "--seconds")
      seconds = std::max(1, std::atoi(argv[i + 1]));
  }
  for (auto var : {"SPAWN_TEST_DATABASE_URL", "SPAWN_DATABASE_URL"})
    if (auto* v = std::getenv(var)) {
      ::setenv("SPAWN_TEST_DATABASE_URL", v, 0);
      break;
    }
  std::string why;
  if (!spawn::test::functional_prereqs(why) || !spawn::test::have_caddy()
      || shell("command -v wrk").empty()) {
    std::fprintf(stderr, "edge_bench: cannot run: %s (needs caddy and wrk too: "
                         "deploy/scripts/setup.sh)\n", why.c_str());
    return 2;
  }
  auto dir = "/tmp/spawnai-edge-bench-" + std::to_string(getpid());
  spawn::test::caddy_process caddy{dir + "/caddy"};
  if (!caddy.start()) {
    std::fprintf(stderr, "edge_bench: Caddy did not start (%s/caddy/caddy.log)\n", dir.c_str());
    return 1;
  }
  int edge_port = spawn::test::free_loopback_port();
  spawn::test::spawnd_options opts;
  opts.name = "edgebench";
  opts.env = {{"SPAWN_DATABASE_URL", std::getenv("SPAWN_TEST_DATABASE_URL")},
              {"SPAWN_RUNTIME_WARM_POOL_SIZE", "1"},
              {"SPAWN_EDGE_CADDY_ADMIN", caddy.admin_url()},
              {"SPAWN_EDGE_SERVER", "edgebench"},
              {"SPAWN_EDGE_LISTEN", "127.0.0.1:" + std::to_string(edge_port)},
              {"SPAWN_EDGE_IDLE_TIMEOUT_SECONDS", "1"}};
  spawn::test::spawnd_process d{opts};
  if (!d.start()) {
    std::fprintf(stderr, "edge_bench: spawnd did not start: %s\n", d.error().c_str());
    return 1;
  }
  auto created = d.call("POST", "/api/v1/sessions",
                        R"({"prompt": "a todo list", "app_type": "webapp"})");
  if (!created || created->status != 201) {
    std::fprintf(stderr, "edge_bench: cannot create a session\n");
    return 1;
  }
  auto session = json::parse(created->body);
  auto id = session["id"].get<std::string>();
  auto host = id + ".localhost";
  if (!wait_state(d, id, "running", 60s)) {
    std::fprintf(stderr, "edge_bench: the session did not run\n");
    return 1;
  }
  auto direct_port = std::atoi(
    shell("docker port spawnai-" + id + " 8080/tcp | head -n1 | sed 's/.*://'").c_str());

  std::vector<double> wake_ms, running_ms;
  int failures = 0;
  std::cerr << "edge_bench: " << wakes << " wakes (each after a 1 s idle pause)\n";
  for (int i = 0; i < wakes; ++i) {
    if (!wait_state(d, id, "sleeping", 30s)) {
      ++failures;
      continue;
    }
    auto t0 = clock_type::now();
    auto status = get_status(edge_port, host);
    wake_ms.push_back(ms_since(t0));
    failures += status != 200;
    for (int j = 0; j < 3; ++j) { // the same app, awake
      auto t1 = clock_type::now();
      failures += get_status(edge_port, host) != 200;
      running_ms.push_back(ms_since(t1));
    }
  }
  std::cerr << "edge_bench: wrk " << seconds << " s through Caddy, then " << seconds
            << " s straight at the app\n";
  get_status(edge_port, host); // awake before the load starts
  auto via_edge = run_wrk("http://127.0.0.1:" + std::to_string(edge_port) + "/", host, seconds);
  auto direct = run_wrk("http://127.0.0.1:" + std::to_string(direct_port) + "/", "", seconds);

  std::printf("\nedge_bench: one webapp, Caddy %s, wrk -t2 -c32 -d%ds\n\n",
              shell("caddy version | cut -d' ' -f1").c_str(), seconds);
  std::printf("%-44s %8s %10s %10s\n", "request", "n", "p50 ms", "p95 ms");
  std::printf("%-44s %8zu %10.1f %10.1f\n", "first request to a paused app (wake)",
              wake_ms.size(), percentile(wake_ms, 50), percentile(wake_ms, 95));
  std::printf("%-44s %8zu %10.1f %10.1f\n", "baseline: request to the running app",
              running_ms.size(), percentile(running_ms, 50), percentile(running_ms, 95));
  std::printf("\n%-44s %10s %10s %10s\n", "load", "req/s", "p50 ms", "p99 ms");
  std::printf("%-44s %10.0f %10.2f %10.2f\n", "through Caddy (edge)", via_edge.rps,
              via_edge.p50_ms, via_edge.p99_ms);
  std::printf("%-44s %10.0f %10.2f %10.2f\n", "baseline: app directly (loopback port)",
              direct.rps, direct.p50_ms, direct.p99_ms);
  std::printf("\nfailures: %d\n", failures);
  if (std::isnan(via_edge.rps) || std::isnan(direct.rps))
    std::fprintf(stderr, "wrk output:\n%s\n%s\n", via_edge.raw.c_str(), direct.raw.c_str());
  d.call("DELETE", "/api/v1/sessions/" + id, {},
         {{"X-Manage-Token", session["manage_token"].get<std::string>()}});
  wait_state(d, id, "destroyed", 30s);
  d.stop();
  caddy.stop();
  std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
