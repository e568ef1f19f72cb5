// Time to app (DESIGN §10): how long a person waits from POST /api/v1/sessions
// until the link answers HTTP 200, with the warm pool and without it, each
// beside a bare `docker run` of the same runtime image measured in the same run.
//
//   deploy/scripts/dockerd.sh && deploy/runtime/build-images.sh
//   export SPAWN_DATABASE_URL=$(deploy/scripts/postgres.sh | tail -n1)
//   build/time_to_app [--sessions N] [--app-type webapp|api|script] [--prompt TEXT]
//
// Each scenario starts its own spawnd (a child process on a free port, its own
// node id and state dir). Sessions run one after the other and are deleted as
// soon as they are measured; at most --max-alive (3) exist at once. With the
// warm pool, each session starts once the pool has refilled (a steady arrival
// rate, not a burst).

// The bench target links spawn_core only; the test helper that runs spawnd is
// compiled in here rather than duplicated.
#include "build_paths.hpp"
#include "tests/functional/spawnd_process.cpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <iostream>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/generated_app.hpp"
#include "infra/app_slot.hpp"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using spawn::test::spawnd_options;
using spawn::test::spawnd_process;

struct bench_options {
  int sessions = 20;
  int max_alive = 3;
  std::string app_type = "webapp";
  std::string prompt = "a todo list with a dark theme";
  std::string database_url;
};

/// The measurements of one scenario, in milliseconds.
struct scenario {
  std::string label;
  std::vector<double> to_app;     ///< POST (or docker run) → first HTTP 200
  std::vector<double> to_running; ///< POST → state running (spawnd only)
  int failures = 0;
  std::string note;
};

double ms_between(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

/// Nearest-rank percentile of `xs` (0 < p <= 100); NaN when empty.
double percentile(std::vector<double> xs, double p) {
  if (xs.empty())
    return std::nan("");
  std::sort(xs.begin(), xs.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(xs.size())));
  return xs[std::clamp<size_t>(rank, 1, xs.size()) - 1];
}

/// Polls `url` until it answers 200; the time it did, or nullopt after `timeout`.
std::optional<clock_type::time_point> wait_for_200(const std::string& url,
                                                   std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    spawn::http_request req;
    req.url = url;
    req.timeout_ms = 2000;
    req.connect_timeout_ms = 500;
    auto res = spawn::perform(req);
    if (res && res->status == 200)
      return clock_type::now();
    std::this_thread::sleep_for(5ms);
  }
  return std::nullopt;
}

/// Running warm containers of node `node_id` (unclaimed: "spawnai-warm-*").
int warm_containers(spawn::docker_engine& engine, const std::string& node_id) {
  auto all = engine.list_labelled("spawnai.node");
  if (!all)
    return -1;
  int n = 0;
  for (auto& c : *all) {
    auto node = c.labels.find("spawnai.node");
    if (node != c.labels.end() && node->second == node_id && c.state == "running"
        && c.name.rfind("spawnai-warm-", 0) == 0)
      ++n;
  }
  return n;
}

/// Waits until the warm pool of `node_id` holds `want` containers (or, with
/// `want` < 0, until its size has been stable and non-zero for a second);
/// returns the count it saw last.
int wait_for_pool(spawn::docker_engine& engine, const std::string& node_id, int want,
                  std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  int last = -1;
  auto stable_since = clock_type::now();
  while (clock_type::now() < deadline) {
    int n = warm_containers(engine, node_id);
    if (want >= 0 && n >= want)
      return n;
    if (n != last) {
      last = n;
      stable_since = clock_type::now();
    } else if (want < 0 && n > 0 && clock_type::now() - stable_since > 1s) {
      return n;
    }
    std::this_thread::sleep_for(50ms);
  }
  return last;
}

/// A deleted session that may still hold its container.
struct pending_delete {
  std::string id;
};

/// Drops the sessions that reached `destroyed` from `pending`, waiting (up to
/// 30 s) until at most `keep` remain.
void settle(spawnd_process& d, std::deque<pending_delete>& pending, size_t keep) {
  auto deadline = clock_type::now() + 30s;
  for (;;) {
    pending.erase(std::remove_if(pending.begin(), pending.end(),
                                 [&](const pending_delete& p) {
                                   auto res = d.call("GET", "/api/v1/sessions/" + p.id);
                                   if (!res || res->status != 200)
                                     return res && res->status == 404;
                                   auto s = json::parse(res->body, nullptr, false);
                                   return s.is_object() && s.value("state", "") == "destroyed";
                                 }),
                  pending.end());
    if (pending.size() <= keep || clock_type::now() > deadline)
      return;
    std::this_thread::sleep_for(50ms);
  }
}

/// One session: POST → running → app answers 200, then DELETE. False on failure.
bool measure_session(spawnd_process& d, const bench_options& opts, scenario& out,
                     std::deque<pending_delete>& pending) {
  json request{{"prompt", opts.prompt}, {"app_type", opts.app_type}};
  auto t0 = clock_type::now();
  auto res = d.call("POST", "/api/v1/sessions", request.dump());
  if (!res || res->status != 201) {
    std::cerr << "  POST failed: "
              << (res ? std::to_string(res->status) + " " + res->body
                      : spawn::message_of(res.error()))
              << '\n';
    return false;
  }
  auto created = json::parse(res->body, nullptr, false);
  auto id = created.value("id", "");
  auto token = created.value("manage_token", "");
  auto forget = [&] {
    d.call("DELETE", "/api/v1/sessions/" + id, {}, {{"X-Manage-Token", token}});
    pending.push_back({id});
  };
  std::string app_url;
  auto deadline = t0 + 60s;
  json s;
  while (clock_type::now() < deadline) {
    auto got = d.call("GET", "/api/v1/sessions/" + id);
    if (got && got->status == 200) {
      s = json::parse(got->body, nullptr, false);
      auto state = s.is_object() ? s.value("state", "") : "";
      if (state == "running" && s["app_url"].is_string()) {
        app_url = s["app_url"].get<std::string>();
        break;
      }
      if (state == "failed" || state == "destroying" || state == "destroyed") {
        std::cerr << "  session " << id << " " << state << ": "
                  << s.value("failure_reason", s.value("message", "")) << '\n';
        forget();
        return false;
      }
    }
    std::this_thread::sleep_for(5ms);
  }
  auto t_running = clock_type::now();
  if (app_url.empty()) {
    std::cerr << "  session " << id << " not running after 60 s: " << s << '\n';
    forget();
    return false;
  }
  auto t_app = wait_for_200(app_url, 30s);
  if (!t_app) {
    std::cerr << "  " << app_url << " of session " << id << " never answered 200\n";
    forget();
    return false;
  }
  out.to_running.push_back(ms_between(t0, t_running));
  out.to_app.push_back(ms_between(t0, *t_app));
  forget();
  return true;
}

scenario run_spawnd(const bench_options& opts, const std::string& label, int pool_size) {
  scenario out;
  out.label = label;
  spawnd_options so;
  so.name = pool_size > 0 ? "bench-warm" : "bench-cold";
  so.env = {{"SPAWN_DATABASE_URL", opts.database_url},
            {"SPAWN_RUNTIME_WARM_POOL_SIZE", std::to_string(pool_size)},
            {"SPAWN_SESSIONS_SWEEP_INTERVAL_MS", "1000"},
            {"SPAWN_LOG_LEVEL", "warn"}};
  so.wait_ready = true;
  spawnd_process d{so};
  std::cerr << "time_to_app: " << label << ": starting spawnd\n";
  if (!d.start()) {
    out.note = "spawnd did not start";
    out.failures = opts.sessions;
    std::cerr << d.error() << '\n';
    return out;
  }
  std::cerr << "time_to_app: " << label << ": spawnd on " << d.base_url() << ", log "
            << d.log_path() << '\n';
  spawn::docker_engine engine;
  int full = 0;
  if (pool_size > 0) {
    full = wait_for_pool(engine, d.node_id(), -1, 60s);
    std::cerr << "time_to_app: " << label << ": warm pool holds " << full << " containers\n";
  }
  std::deque<pending_delete> pending;
  int refilled = 0;
  for (int i = 0; i < opts.sessions; ++i) {
    settle(d, pending, static_cast<size_t>(std::max(0, opts.max_alive - 1)));
    if (pool_size > 0 && wait_for_pool(engine, d.node_id(), full, 15s) >= full)
      ++refilled;
    if (!measure_session(d, opts, out, pending))
      ++out.failures;
    if (out.failures > 3 && out.to_app.empty()) {
      std::cerr << "time_to_app: " << label << ": giving up; spawnd output:\n"
                << d.log_tail(30) << '\n';
      break;
    }
  }
  settle(d, pending, 0);
  if (pool_size > 0)
    out.note = "pool refilled before " + std::to_string(refilled) + " of "
               + std::to_string(opts.sessions) + " sessions";
  if (!pending.empty())
    out.note += (out.note.empty() ? "" : "; ") + std::to_string(pending.size())
                + " sessions not destroyed within 30 s";
  int status = d.stop();
  if (status != 0)
    out.note += (out.note.empty() ? "" : "; ") + std::string{"spawnd exit status "}
                + std::to_string(status);
  return out;
}

/// The baseline: `docker_engine::run` of the runtime image with a ready slot
/// (a static page) → its first HTTP 200, then remove. Same limits as the
/// small tier that webapps get.
scenario run_baseline(const bench_options& opts) {
  scenario out;
  out.label = "(c) bare docker run, same image";
  std::string slot = "/tmp/spawnai-bench-slot-XXXXXX";
  if (::mkdtemp(slot.data()) == nullptr) {
    out.note = "mkdtemp failed";
    return out;
  }
  ::chmod(slot.c_str(), 0755);
  spawn::generated_app app;
  app.title = "x";
  app.entry = "index.html";
  app.files = {{"index.html", "<!doctype html><title>x</title><h1>baseline</h1>\n"}};
  if (auto err = spawn::write_slot(slot, app, spawn::app_type::webapp)) {
    out.note = "cannot write the slot: " + spawn::message_of(err);
    return out;
  }
  spawn::docker_engine engine;
  for (int i = 0; i < opts.sessions; ++i) {
    spawn::container_spec spec;
    spec.image = spawn::test::runtime_image;
    spec.name = "spawnai-bench-" + std::to_string(::getpid()) + "-" + std::to_string(i);
    spec.labels = {{"spawnai.bench", "1"}};
    spec.slot_dir = slot;
    spec.cpus = 1;
    spec.memory_bytes = 1024ll << 20;
    spec.pids_limit = 128;
    auto t0 = clock_type::now();
    auto info = engine.run(spec);
    if (!info) {
      std::cerr << "  docker run failed: " << spawn::message_of(info.error()) << '\n';
      ++out.failures;
      continue;
    }
    auto t_app = wait_for_200("http://127.0.0.1:" + std::to_string(info->host_port) + "/", 30s);
    if (t_app)
      out.to_app.push_back(ms_between(t0, *t_app));
    else
      ++out.failures;
    engine.remove(info->id);
  }
  spawn::remove_slot(slot);
  return out;
}

void print_table(const bench_options& opts, const std::vector<scenario>& rows) {
  double base_p50 = percentile(rows.front().to_app, 50);
  std::printf("\ntime to app: start → first HTTP 200 of the app, %s \"%s\", %d sessions each\n",
              opts.app_type.c_str(), opts.prompt.c_str(), opts.sessions);
  std::printf("%-34s %4s %4s %9s %9s %9s %9s %9s %12s\n", "scenario", "ok", "fail", "p50 ms",
              "p95 ms", "min ms", "max ms", "p50/base", "running p50");
  for (auto& r : rows) {
    auto p50 = percentile(r.to_app, 50);
    auto min = r.to_app.empty() ? std::nan("")
                                : *std::min_element(r.to_app.begin(), r.to_app.end());
    auto max = r.to_app.empty() ? std::nan("")
                                : *std::max_element(r.to_app.begin(), r.to_app.end());
    char running[32] = "-";
    if (!r.to_running.empty())
      std::snprintf(running, sizeof(running), "%.1f", percentile(r.to_running, 50));
    std::printf("%-34s %4zu %4d %9.1f %9.1f %9.1f %9.1f %8.2fx %12s\n", r.label.c_str(),
                r.to_app.size(), r.failures, p50, percentile(r.to_app, 95), min, max,
                p50 / base_p50, running);
  }
  for (auto& r : rows)
    if (!r.note.empty())
      std::printf("  %s: %s\n", r.label.c_str(), r.note.c_str());
  std::printf("spawnd rows: POST /api/v1/sessions → first 200 of app_url (\"running p50\": "
              "POST → state running, GET polled every 5 ms).\n"
              "baseline: docker_engine::run (create + start + inspect) with a ready slot → "
              "first 200; p50/base compares each p50 with it.\n");
}

int usage(int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: time_to_app [--sessions N] [--max-alive N] [--app-type TYPE] "
               "[--prompt TEXT]\n"
               "needs SPAWN_DATABASE_URL or SPAWN_TEST_DATABASE_URL, a Docker engine on "
               "/var/run/docker.sock and the image %s\n",
               spawn::test::runtime_image);
  return code;
}

} // namespace

int main(int argc, char** argv) {
  bench_options opts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::exit(usage(2));
      }
      return argv[++i];
    };
    if (arg == "--sessions")
      opts.sessions = std::max(1, std::atoi(value().c_str()));
    else if (arg == "--max-alive")
      opts.max_alive = std::max(1, std::atoi(value().c_str()));
    else if (arg == "--app-type")
      opts.app_type = value();
    else if (arg == "--prompt")
      opts.prompt = value();
    else if (arg == "-h" || arg == "--help")
      return usage(0);
    else
      return usage(2);
  }
  for (auto var : {"SPAWN_DATABASE_URL", "SPAWN_TEST_DATABASE_URL"})
    if (opts.database_url.empty() && std::getenv(var) != nullptr)
      opts.database_url = std::getenv(var);
  if (opts.database_url.empty()) {
    std::fprintf(stderr,
                 "time_to_app: no database: set SPAWN_DATABASE_URL (or "
                 "SPAWN_TEST_DATABASE_URL), e.g.\n"
                 "  export SPAWN_DATABASE_URL=$(deploy/scripts/postgres.sh | tail -n1)\n");
    return 2;
  }
  std::string why;
  ::setenv("SPAWN_TEST_DATABASE_URL", opts.database_url.c_str(), 0);
  if (!spawn::test::functional_prereqs(why)) {
    std::fprintf(stderr, "time_to_app: cannot run: %s\n", why.c_str());
    return 2;
  }
  std::vector<scenario> rows;
  std::cerr << "time_to_app: baseline: " << opts.sessions << " bare docker runs\n";
  rows.push_back(run_baseline(opts));
  rows.push_back(run_spawnd(opts, "(a) spawnd, warm pool 2", 2));
  rows.push_back(run_spawnd(opts, "(b) spawnd, no warm pool", 0));
  print_table(opts, rows);
  bool ok = true;
  for (auto& r : rows)
    ok = ok && r.failures == 0;
  return ok ? 0 : 1;
}
