// Follow-up turns end to end (issue 15): a real spawnd with PostgreSQL, the
// Docker engine and a private Caddy as its edge. A steady load through the
// edge (20 requests/s) runs during five template turns and one rollback: no
// answer may be other than 2xx, no connection may fail, and the page served
// changes only once the new version answers. Then the API's answers to bad
// input, the thread, versions, files and diffs, and spawnctl's commands.
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "build_paths.hpp"
#include "tests/functional/caddy_process.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"

namespace spawn::test::functest {

namespace {

/// One answer the load saw through the edge.
struct sample {
  clock_type::time_point at;
  int status = 0;    ///< 0: no HTTP answer (a connection error)
  std::string title; ///< the page's <title>
  std::string error;
};

std::string title_of(const std::string& body) {
  static const std::regex re{"<title>([^<]*)</title>"};
  std::smatch m;
  return std::regex_search(body, m, re) ? m[1].str() : std::string{};
}

/// Requests `host` through the edge every 50 ms (20/s) until stopped.
class steady_load {
public:
  steady_load(int port, std::string host) : port_(port), host_(std::move(host)) {
    thread_ = std::thread{[this] { loop(); }};
  }
  ~steady_load() {
    stop();
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable())
      thread_.join();
  }
  std::vector<sample> samples() {
    std::lock_guard<std::mutex> g{mutex_};
    return samples_;
  }

private:
  void loop() {
    auto next = clock_type::now();
    while (!stop_) {
      spawn::http_request req;
      req.url = "http://127.0.0.1:" + std::to_string(port_) + "/";
      req.headers.emplace_back("Host", host_);
      req.timeout_ms = 5000;
      req.connect_timeout_ms = 2000;
      sample s;
      auto res = spawn::perform(req);
      s.at = clock_type::now();
      if (res) {
        s.status = static_cast<int>(res->status);
        s.title = title_of(res->body);
      } else {
        s.error = spawn::message_of(res.error());
      }
      {
        std::lock_guard<std::mutex> g{mutex_};
        samples_.push_back(std::move(s));
      }
      next += 50ms;
      std::this_thread::sleep_until(next);
    }
  }

  int port_;
  std::string host_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<sample> samples_;
  std::thread thread_;
};

} // namespace

class turns_caddytest : public ::testing::Test {
public:
  static void SetUpTestSuite() {
    if (!spawn::test::functional_prereqs(why_))
      return;
    if (!have_caddy()) {
      why_ = "caddy is not installed (deploy/scripts/install-deps.sh)";
      return;
    }
    dir_ = "/tmp/spawnai-turns-caddytest-" + std::to_string(getpid());
    std::filesystem::create_directories(dir_);
    caddy_ = new caddy_process(dir_ + "/caddy");
    if (!caddy_->start()) {
      start_error_ = "private Caddy did not start; see " + dir_ + "/caddy/caddy.log";
      return;
    }
    edge_port_ = free_loopback_port();
    auto opts = spawnd_functest::options("turns");
    opts.env["SPAWN_EDGE_CADDY_ADMIN"] = caddy_->admin_url();
    opts.env["SPAWN_EDGE_SERVER"] = "turns";
    opts.env["SPAWN_EDGE_LISTEN"] = "127.0.0.1:" + std::to_string(edge_port_);
    opts.env["SPAWN_EDGE_CHECK_INTERVAL_MS"] = "500";
    opts.env["SPAWN_RUNTIME_WARM_POOL_SIZE"] = "2";
    opts.env["SPAWN_SESSIONS_DRAIN_MS"] = "1500";
    opts.env["SPAWN_SESSIONS_MAX_VERSIONS"] = "6";
    daemon_ = new spawnd_process(opts);
    if (!daemon_->start())
      start_error_ = daemon_->error();
  }

  static void TearDownTestSuite() {
    delete daemon_;
    delete caddy_;
    daemon_ = nullptr;
    caddy_ = nullptr;
    if (!dir_.empty())
      std::filesystem::remove_all(dir_);
  }

protected:
  void SetUp() override {
    if (!why_.empty())
      GTEST_SKIP() << "turn test prerequisites missing: " << why_;
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    ASSERT_TRUE(daemon_->running()) << daemon_->log_tail();
  }

  void TearDown() override {
    if (HasFailure() && daemon_)
      std::cerr << "spawnd log " << daemon_->log_path() << ":\n" << daemon_->log_tail(60) << "\n";
  }

  spawnd_process& d() {
    return *daemon_;
  }

  caf::expected<spawn::http_response> call(const std::string& method, const std::string& path,
                                           const std::string& body = {},
                                           const std::string& token = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty())
      headers.emplace_back("X-Manage-Token", token);
    return d().call(method, path, body, headers, 30000);
  }

  /// A running webapp: its JSON (id, manage_token).
  json running_app(const std::string& prompt) {
    auto res = call("POST", "/api/v1/sessions", json{{"prompt", prompt}}.dump());
    if (!res || res->status != 201) {
      ADD_FAILURE() << "create: " << (res ? res->body : spawn::message_of(res.error()));
      return nullptr;
    }
    auto s = parse_or_null(res->body);
    auto deadline = clock_type::now() + 60s;
    while (clock_type::now() < deadline) {
      auto g = call("GET", "/api/v1/sessions/" + s["id"].get<std::string>());
      auto cur = g ? parse_or_null(g->body) : json{};
      if (cur.value("state", "") == "running") {
        cur["manage_token"] = s["manage_token"];
        return cur;
      }
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "the app did not run";
    return nullptr;
  }

  /// The thread's answer to turn `n`, once there is one (null on timeout).
  json answer_of(const std::string& id, int n, std::chrono::milliseconds timeout = 60s) {
    auto deadline = clock_type::now() + timeout;
    while (clock_type::now() < deadline) {
      auto res = call("GET", "/api/v1/sessions/" + id + "/messages");
      auto thread = res && res->status == 200 ? parse_or_null(res->body) : json{};
      if (thread.is_object())
        for (auto& m : thread["messages"])
          if (m.value("role", "") == "assistant" && m.value("turn", -1) == n)
            return m;
      std::this_thread::sleep_for(50ms);
    }
    auto evs = call("GET", "/api/v1/sessions/" + id + "/events");
    ADD_FAILURE() << "no answer to turn " << n << "; events: " << (evs ? evs->body : "");
    return json::object();
  }

  /// Posts `body` to `path` (a turn or a rollback); the turn's number (0: failed).
  int start_turn(const std::string& path, const json& body, const std::string& token) {
    auto res = call("POST", path, body.dump(), token);
    if (!res || res->status != 202) {
      ADD_FAILURE() << "POST " << path << ": " << (res ? res->body : spawn::message_of(res.error()));
      return 0;
    }
    return parse_or_null(res->body).value("turn", 0);
  }

  static inline spawnd_process* daemon_ = nullptr;
  static inline caddy_process* caddy_ = nullptr;
  static inline int edge_port_ = 0;
  static inline std::string why_, start_error_, dir_;
};

TEST_F(turns_caddytest, ZeroDowntimeThroughTheEdgeDuringFiveTurnsAndARollback) {
  auto s = running_app("a pomodoro timer");
  ASSERT_TRUE(s.is_object());
  auto id = s["id"].get<std::string>();
  auto token = s["manage_token"].get<std::string>();
  auto host = id + ".localhost";
  // The route is in place before the load starts.
  auto deadline = clock_type::now() + 20s;
  std::string first_title;
  while (clock_type::now() < deadline && first_title.empty()) {
    spawn::http_request req;
    req.url = "http://127.0.0.1:" + std::to_string(edge_port_) + "/";
    req.headers.emplace_back("Host", host);
    if (auto r = spawn::perform(req); r && r->status == 200)
      first_title = title_of(r->body);
    else
      std::this_thread::sleep_for(100ms);
  }
  ASSERT_FALSE(first_title.empty()) << "the app does not answer through the edge";

  steady_load load{edge_port_, host};
  std::this_thread::sleep_for(1s);
  struct step {
    std::string title;           ///< what the new version's page is titled
    clock_type::time_point post; ///< when it was asked for
    clock_type::time_point live; ///< when the API said it is live
  };
  std::vector<step> steps;
  auto base = "/api/v1/sessions/" + id;
  for (int k = 2; k <= 6; ++k) {
    step st{"Version " + std::to_string(k), clock_type::now(), {}};
    auto n = start_turn(base + "/messages", json{{"prompt", "call it \"" + st.title + "\""}}, token);
    ASSERT_GT(n, 0);
    auto a = answer_of(id, n);
    st.live = clock_type::now();
    ASSERT_EQ(a.value("status", ""), "done") << a;
    EXPECT_EQ(a.value("version", 0), k) << a;
    steps.push_back(st);
    std::this_thread::sleep_for(2s); // the old container drains meanwhile
  }
  step back{first_title, clock_type::now(), {}};
  auto n = start_turn(base + "/rollback", json{{"version", 1}}, token);
  ASSERT_GT(n, 0);
  auto a = answer_of(id, n);
  back.live = clock_type::now();
  ASSERT_EQ(a.value("status", ""), "done") << a;
  EXPECT_EQ(a.value("version", 0), 7);
  steps.push_back(back);
  std::this_thread::sleep_for(2s);
  load.stop();

  auto samples = load.samples();
  int non_2xx = 0, conn_errors = 0;
  std::string first_error;
  for (auto& x : samples) {
    if (x.status == 0)
      ++conn_errors;
    else if (x.status < 200 || x.status > 299)
      ++non_2xx;
    if ((x.status < 200 || x.status > 299) && first_error.empty())
      first_error = std::to_string(x.status) + " " + x.error;
  }
  std::printf("[ turns    ] %zu requests through the edge during 5 turns and a rollback: "
              "%d non-2xx, %d connection errors\n",
              samples.size(), non_2xx, conn_errors);
  EXPECT_GE(samples.size(), 100u);
  EXPECT_EQ(non_2xx, 0) << first_error;
  EXPECT_EQ(conn_errors, 0) << first_error;
  // The page changes only once the new version is live: before each step's
  // request the old title; after the API said live (plus the route's
  // propagation, well under a second) the new one; in between either.
  std::string prev = first_title;
  auto prev_live = samples.empty() ? clock_type::now() : samples.front().at;
  for (auto& st : steps) {
    int early = 0, stale = 0;
    clock_type::time_point seen{};
    for (auto& x : samples) {
      if (x.status != 200)
        continue;
      if (x.at > prev_live + 1s && x.at < st.post && x.title != prev)
        ++early;
      if (x.at > st.live + 1s && x.at < st.live + 2s && x.title != st.title)
        ++stale;
      if (seen == clock_type::time_point{} && x.at >= st.post && x.title == st.title)
        seen = x.at;
    }
    EXPECT_EQ(early, 0) << "something else than " << prev << " was served before " << st.title
                        << " was asked for";
    EXPECT_EQ(stale, 0) << st.title << " was not served a second after it went live";
    auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    std::printf("[ turns    ] %-16s POST -> live (API) %5lld ms, POST -> served %5lld ms\n",
                st.title.c_str(), static_cast<long long>(ms(st.live - st.post)),
                static_cast<long long>(seen == clock_type::time_point{} ? -1 : ms(seen - st.post)));
    prev = st.title;
    prev_live = st.live;
  }
  // Pruned to sessions.max_versions (6): version 1 went once version 7 came.
  auto vs = parse_or_null(call("GET", base + "/versions")->body);
  ASSERT_EQ(vs["versions"].size(), 6u) << vs;
  EXPECT_EQ(vs["versions"][0]["version"], 2);
  EXPECT_EQ(vs["current"], 7);
  EXPECT_EQ(vs["versions"].back().value("status", ""), "current");
  EXPECT_EQ(vs["versions"].back()["restored_from"], 1);
  // The old containers are gone: one container of this session is left.
  std::this_thread::sleep_for(2s);
  auto left = shell("docker ps -a --format '{{.Names}}' | grep -c " + id);
  EXPECT_EQ(std::atoi(left.c_str()), 1) << left;
  call("DELETE", base, {}, token);
}

TEST_F(turns_caddytest, TheThreadVersionsFilesAndDiff) {
  auto s = running_app("a contact form");
  ASSERT_TRUE(s.is_object());
  auto id = s["id"].get<std::string>();
  auto token = s["manage_token"].get<std::string>();
  auto base = "/api/v1/sessions/" + id;
  EXPECT_EQ(s.value("status", ""), "idle");
  EXPECT_EQ(s.value("version", 0), 1);
  auto n = start_turn(base + "/messages", json{{"prompt", "add a phone number field"}}, token);
  ASSERT_GT(n, 0);
  // While it runs the session stays running, marked updating.
  auto during = parse_or_null(call("GET", base)->body);
  EXPECT_EQ(during.value("state", ""), "running");
  auto a = answer_of(id, n);
  ASSERT_EQ(a.value("status", ""), "done") << a;
  EXPECT_NE(a.value("text", "").find("Phone number"), std::string::npos) << a;
  auto after = parse_or_null(call("GET", base)->body);
  EXPECT_EQ(after.value("status", ""), "idle");
  EXPECT_EQ(after.value("version", 0), 2);
  // A turn it cannot do: said in the thread, no version.
  auto no = start_turn(base + "/messages", json{{"prompt", "deploy it to Kubernetes"}}, token);
  auto na = answer_of(id, no);
  EXPECT_EQ(na.value("status", ""), "unchanged") << na;
  EXPECT_NE(na.value("text", "").find("cannot do"), std::string::npos) << na;
  auto thread = parse_or_null(call("GET", base + "/messages")->body);
  auto& msgs = thread["messages"];
  ASSERT_EQ(msgs.size(), 6u) << thread; // the prompt and v1, two turns and their answers
  EXPECT_EQ(msgs[0].value("text", ""), "a contact form");
  EXPECT_EQ(msgs[1]["version"], 1);
  EXPECT_EQ(msgs[2].value("text", ""), "add a phone number field");
  EXPECT_EQ(msgs[3]["version"], 2);
  EXPECT_TRUE(msgs[5]["version"].is_null());
  EXPECT_EQ(thread["current_version"], 2);
  auto vs = parse_or_null(call("GET", base + "/versions")->body);
  ASSERT_EQ(vs["versions"].size(), 2u);
  EXPECT_EQ(vs["versions"][0].value("prompt", ""), "a contact form");
  EXPECT_EQ(vs["versions"][1].value("prompt", ""), "add a phone number field");
  EXPECT_GT(vs["versions"][1].value("size_bytes", 0), 1000);
  auto files = parse_or_null(call("GET", base + "/versions/1/files")->body);
  EXPECT_EQ(files["version"], 1);
  ASSERT_FALSE(files["files"].empty());
  EXPECT_EQ(files["files"][0].value("content", "").find("Phone number"), std::string::npos);
  auto diff = parse_or_null(call("GET", base + "/diff?from=1&to=2")->body);
  ASSERT_EQ(diff["files"].size(), 1u) << diff;
  EXPECT_EQ(diff["files"][0].value("change", ""), "modified");
  auto text = diff["files"][0].value("diff", "");
  EXPECT_EQ(text.rfind("--- a/index.html\n+++ b/index.html\n@@ ", 0), 0u) << text;
  EXPECT_NE(text.find("Phone number"), std::string::npos);
  call("DELETE", base, {}, token);
}

TEST_F(turns_caddytest, BadInputGetsClearErrors) {
  auto s = running_app("a todo list");
  ASSERT_TRUE(s.is_object());
  auto id = s["id"].get<std::string>();
  auto token = s["manage_token"].get<std::string>();
  auto base = "/api/v1/sessions/" + id;
  auto expect = [&](const char* method, const std::string& path, const std::string& body,
                    const std::string& tok, int status, const std::string& code) {
    auto res = call(method, path, body, tok);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, status) << method << " " << path << " " << body << ": " << res->body;
    auto j = parse_or_null(res->body);
    EXPECT_EQ(j["error"].value("code", ""), code) << res->body;
    EXPECT_FALSE(j["error"].value("message", "").empty()) << res->body;
  };
  expect("POST", base + "/messages", R"({"prompt": ""})", token, 400, "invalid_input");
  expect("POST", base + "/messages", R"({"prompt": "   "})", token, 400, "invalid_input");
  expect("POST", base + "/messages", json{{"prompt", std::string(2001, 'x')}}.dump(), token, 400,
         "invalid_input");
  expect("POST", base + "/messages", "{not json", token, 400, "invalid_input");
  expect("POST", base + "/messages", R"({"text": "x"})", token, 400, "invalid_input");
  expect("POST", base + "/messages", R"({"prompt": "make it dark"})", "", 401, "unauthorized");
  expect("POST", base + "/messages", R"({"prompt": "make it dark"})", "wrong", 403, "forbidden");
  // The thread, the versions, their code and the diffs are as private as the session.
  for (std::string path : {"/messages", "/versions", "/versions/1/files", "/diff?from=1&to=1"}) {
    expect("GET", base + path, "", "wrong", 403, "forbidden");
    auto anon = get_url("http://127.0.0.1:" + std::to_string(d().port()) + base + path);
    ASSERT_TRUE(anon) << path;
    EXPECT_EQ(anon->status, 401) << path << ": " << anon->body;
    EXPECT_EQ(anon->body.find("index.html"), std::string::npos) << path << ": " << anon->body;
  }
  expect("POST", "/api/v1/sessions/s000000000000/messages", R"({"prompt": "x"})", token, 404,
         "not_found");
  expect("POST", base + "/rollback", R"({"version": 99})", token, 404, "not_found");
  expect("POST", base + "/rollback", R"({"version": 1})", token, 409, "conflict");
  expect("POST", base + "/rollback", R"({"version": "one"})", token, 400, "invalid_input");
  expect("POST", base + "/rollback", R"({"version": 0})", token, 400, "invalid_input");
  expect("GET", base + "/versions/99/files", "", "", 404, "not_found");
  expect("GET", base + "/versions/x/files", "", "", 400, "invalid_input");
  expect("GET", base + "/diff?from=1", "", "", 400, "invalid_input");
  expect("GET", base + "/diff?from=1&to=9", "", "", 404, "not_found");
  // One turn at a time: a rollback or a second turn during a turn is refused.
  auto n = start_turn(base + "/messages", json{{"prompt", "make it dark"}}, token);
  ASSERT_GT(n, 0);
  auto busy = call("POST", base + "/messages", R"({"prompt": "make it light"})", token);
  auto a = answer_of(id, n);
  ASSERT_EQ(a.value("status", ""), "done");
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 409) << busy->body;
  auto during = call("POST", base + "/rollback", R"({"version": 1})", token);
  EXPECT_TRUE(during && (during->status == 202 || during->status == 409));
  if (during && during->status == 202)
    answer_of(id, parse_or_null(during->body).value("turn", 0));
  // A turn on a session that is not running.
  call("DELETE", base, {}, token);
  auto gone = clock_type::now() + 30s;
  while (clock_type::now() < gone
         && parse_or_null(call("GET", base)->body).value("state", "") != "destroyed")
    std::this_thread::sleep_for(100ms);
  expect("POST", base + "/messages", R"({"prompt": "make it dark"})", token, 409, "conflict");
}

TEST_F(turns_caddytest, SpawnctlSayVersionsDiffRollback) {
  auto s = running_app("a water counter");
  ASSERT_TRUE(s.is_object());
  auto id = s["id"].get<std::string>();
  auto token = s["manage_token"].get<std::string>();
  auto ctl = [&](const std::string& args, std::string& out) {
    auto cmd = "SPAWN_SERVER=" + d().base_url() + " " SPAWNCTL_BINARY " --token " + token + " "
               + args + " 2>/dev/null";
    out.clear();
    FILE* p = popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
      out.append(buf.data(), n);
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  std::string out;
  EXPECT_EQ(ctl("say " + id + " 'set a goal of 8'", out), 0) << out;
  EXPECT_NE(out.find("done"), std::string::npos) << out;
  EXPECT_EQ(ctl("--json say " + id + " 'make it purple'", out), 0) << out;
  EXPECT_EQ(parse_or_null(out).value("version", 0), 3) << out;
  EXPECT_EQ(ctl("say " + id + " 'deploy it to Kubernetes'", out), 1) << out;
  EXPECT_EQ(ctl("versions " + id, out), 0);
  EXPECT_NE(out.find("* v3"), std::string::npos) << out;
  EXPECT_EQ(ctl("--json versions " + id, out), 0);
  EXPECT_EQ(parse_or_null(out)["versions"].size(), 3u) << out;
  EXPECT_EQ(ctl("diff " + id + " 1 2", out), 0);
  EXPECT_NE(out.find("\"goal\":8"), std::string::npos) << out;
  EXPECT_EQ(ctl("diff " + id + " 1 42", out), 4);
  EXPECT_EQ(ctl("rollback " + id + " 1", out), 0) << out;
  EXPECT_EQ(ctl("--json versions " + id, out), 0);
  EXPECT_EQ(parse_or_null(out)["current"], 4) << out;
  EXPECT_EQ(ctl("rollback " + id + " 99", out), 4);
  EXPECT_EQ(ctl("rollback " + id + " x", out), 2);
  auto wrong = "SPAWN_SERVER=" + d().base_url() + " " SPAWNCTL_BINARY " --token nope say " + id
               + " 'make it dark' >/dev/null 2>&1";
  EXPECT_EQ(WEXITSTATUS(std::system(wrong.c_str())), 5);
  call("DELETE", "/api/v1/sessions/" + id, {}, token);
}

} // namespace spawn::test::functest
