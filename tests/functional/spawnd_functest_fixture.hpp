// The fixture and helpers of the spawnd functional tests (spawnd_functest.cpp,
// spawnd_input_functest.cpp): one real spawnd per suite, PostgreSQL, the Docker
// engine and the runtime image, all on 127.0.0.1. Nothing is mocked.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "infra/docker_engine.hpp"
#include "tests/functional/spawnd_process.hpp"
#include "tests/functional/ws_client.hpp"

namespace spawn::test::functest {

using json = nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using spawn::test::spawnd_options;
using spawn::test::spawnd_process;
using spawn::test::ws_client;
using spawn::test::ws_read;

/// Where each state sits in the lifecycle; states only move forward.
inline int state_rank(const std::string& state) {
  static const std::map<std::string, int> ranks{
    {"requested", 0}, {"provisioning", 1}, {"generating", 2}, {"deploying", 3},
    {"running", 4},   {"sleeping", 4},     {"failed", 5},     {"destroying", 6},
    {"destroyed", 7}};
  auto i = ranks.find(state);
  return i == ranks.end() ? -1 : i->second;
}

inline bool is_iso8601_utc(const json& v) {
  static const std::regex re{R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$)"};
  return v.is_string() && std::regex_match(v.get<std::string>(), re);
}

inline json parse_or_null(const std::string& text) {
  return json::parse(text, nullptr, false);
}

inline std::string container_name(const std::string& id) {
  return "spawnai-" + id;
}

/// A plain GET of an app URL (no spawnd involved).
inline caf::expected<spawn::http_response> get_url(const std::string& url, long timeout_ms = 5000) {
  spawn::http_request req;
  req.url = url;
  req.timeout_ms = timeout_ms;
  req.connect_timeout_ms = 1000;
  return spawn::perform(req);
}

/// Checks the session fields every answer carries (DESIGN §5, the contract).
inline void expect_session_shape(const json& s, bool with_token) {
  ASSERT_TRUE(s.is_object()) << s;
  EXPECT_TRUE(s["id"].is_string() && !s["id"].get<std::string>().empty()) << s;
  EXPECT_GE(state_rank(s.value("state", "")), 0) << s;
  EXPECT_TRUE(s["progress"].is_number()) << s;
  EXPECT_TRUE(s["message"].is_string()) << s;
  EXPECT_TRUE(s["app_type"].is_string()) << s;
  EXPECT_TRUE(s["prompt"].is_string()) << s;
  EXPECT_TRUE(s.contains("app_url")) << s;
  EXPECT_TRUE(s["app_url"].is_null() || s["app_url"].is_string()) << s;
  EXPECT_TRUE(is_iso8601_utc(s["created_at"])) << s;
  EXPECT_TRUE(is_iso8601_utc(s["expires_at"])) << s;
  EXPECT_TRUE(s["expires_in_seconds"].is_number()) << s;
  EXPECT_TRUE(s["estimated_seconds"].is_number()) << s;
  EXPECT_TRUE(s["costs"].is_object() && s["costs"]["estimated_usd"].is_number()
              && s["costs"]["actual_usd"].is_number())
    << s;
  for (auto key : {"status_url", "events_url", "ws_url"})
    EXPECT_TRUE(s[key].is_string()) << key << " in " << s;
  if (with_token)
    EXPECT_TRUE(s["manage_token"].is_string() && !s["manage_token"].get<std::string>().empty())
      << s;
  else
    EXPECT_FALSE(s.contains("manage_token")) << "GET must not reveal the token: " << s;
}

/// Checks an error answer: the status and a JSON {"error": {"code", "message"}}.
inline void expect_error(const caf::expected<spawn::http_response>& res, long status,
                  const std::string& what) {
  ASSERT_TRUE(res) << what << ": " << spawn::message_of(res.error());
  EXPECT_EQ(res->status, status) << what << ": " << res->body;
  auto body = parse_or_null(res->body);
  EXPECT_TRUE(body.is_object() && body["error"].is_object()
              && body["error"]["code"].is_string() && body["error"]["message"].is_string())
    << what << ": the error body is not {\"error\":{\"code\",\"message\"}}: " << res->body;
}

/// What a WebSocket follower saw.
struct ws_trace {
  std::vector<json> frames;
  std::vector<std::string> states; ///< distinct states in the order they came
  std::string last_state;
  bool closed = false;
};

inline std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : " → ") + x;
  return out;
}

class spawnd_functest : public ::testing::Test {
public:
  static void SetUpTestSuite() {
    if (!spawn::test::functional_prereqs(why_))
      return;
    daemon_ = new spawnd_process(options("functest"));
    if (!daemon_->start())
      start_error_ = daemon_->error();
  }

  static void TearDownTestSuite() {
    delete daemon_; // SIGTERM, then SIGKILL
    daemon_ = nullptr;
  }

  /// The environment of every spawnd these tests start.
  static spawnd_options options(const std::string& name) {
    spawnd_options opts;
    opts.name = name;
    opts.env = {
      {"SPAWN_DATABASE_URL", std::getenv("SPAWN_TEST_DATABASE_URL")},
      {"SPAWN_SESSIONS_MIN_TTL_SECONDS", "1"},
      {"SPAWN_SESSIONS_SWEEP_INTERVAL_MS", "1000"},
      {"SPAWN_RUNTIME_WARM_POOL_SIZE", "1"},
    };
    return opts;
  }

protected:
  void SetUp() override {
    if (!why_.empty())
      GTEST_SKIP() << "functional prerequisites missing: " << why_;
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    ASSERT_TRUE(daemon_->running()) << "spawnd is gone; its output:\n" << daemon_->log_tail();
  }

  void TearDown() override {
    if (HasFailure() && daemon_ != nullptr)
      std::cerr << "spawnd log (" << daemon_->log_path() << "), last lines:\n"
                << daemon_->log_tail(60) << '\n';
  }

  spawnd_process& d() {
    return *daemon_;
  }

  /// POSTs a session; returns its JSON, or null after recording a failure.
  json create(const json& request) {
    auto res = d().call("POST", "/api/v1/sessions", request.dump());
    if (!res) {
      ADD_FAILURE() << "POST /api/v1/sessions: " << spawn::message_of(res.error());
      return nullptr;
    }
    if (res->status != 201) {
      ADD_FAILURE() << "POST /api/v1/sessions " << request.dump() << " → " << res->status
                    << " " << res->body;
      return nullptr;
    }
    auto s = parse_or_null(res->body);
    expect_session_shape(s, true);
    return s;
  }

  /// GETs a session; null after recording a failure.
  json get(const std::string& id) {
    auto res = d().call("GET", "/api/v1/sessions/" + id);
    if (!res || res->status != 200) {
      ADD_FAILURE() << "GET session " << id << ": "
                    << (res ? std::to_string(res->status) + " " + res->body
                            : spawn::message_of(res.error()));
      return nullptr;
    }
    return parse_or_null(res->body);
  }

  caf::expected<spawn::http_response> destroy(const std::string& id,
                                              std::optional<std::string> token) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (token)
      headers.emplace_back("X-Manage-Token", *token);
    return d().call("DELETE", "/api/v1/sessions/" + id, {}, headers);
  }

  /// Polls GET until the session reaches `state` (or a later one).
  json wait_for_state(const std::string& id, const std::string& state,
                      std::chrono::milliseconds timeout) {
    auto deadline = clock_type::now() + timeout;
    json s;
    while (clock_type::now() < deadline) {
      s = get(id);
      if (s.is_null())
        return s;
      if (state_rank(s.value("state", "")) >= state_rank(state))
        return s;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "session " << id << " did not reach " << state << " within "
                  << timeout.count() << " ms; last: " << s;
    return s;
  }

  /// Reads WebSocket frames until the session's state reaches `until` or the
  /// server closes. Checks the frame shape, the order of states, that progress
  /// never goes back and that event seqs increase.
  void follow(ws_client& ws, const std::string& id, const std::string& until, ws_trace& t,
              std::chrono::milliseconds timeout) {
    auto deadline = clock_type::now() + timeout;
    int64_t last_seq = t.frames.empty() ? -1 : t.frames.back()["event"].value("seq", -1);
    double last_progress = -1;
    if (!t.frames.empty())
      last_progress = t.frames.back()["session"].value("progress", -1.0);
    while (state_rank(t.last_state) < state_rank(until)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline
                                                                        - clock_type::now());
      if (left.count() <= 0) {
        ADD_FAILURE() << "no '" << until << "' on the WebSocket in " << timeout.count()
                      << " ms; states seen: " << join(t.states);
        return;
      }
      std::string text;
      auto r = ws.read_text(text, left);
      if (r == ws_read::closed) {
        t.closed = true;
        ADD_FAILURE() << "the WebSocket closed before '" << until
                      << "'; states seen: " << join(t.states);
        return;
      }
      if (r != ws_read::text) {
        ADD_FAILURE() << "WebSocket read: " << to_string(r) << " " << ws.error()
                      << "; states seen: " << join(t.states);
        return;
      }
      auto frame = parse_or_null(text);
      ASSERT_TRUE(frame.is_object()) << "not JSON: " << text;
      EXPECT_EQ(frame.value("type", ""), "event") << text;
      ASSERT_TRUE(frame["session"].is_object() && frame["event"].is_object()) << text;
      auto& s = frame["session"];
      auto& e = frame["event"];
      EXPECT_EQ(s.value("id", ""), id) << text;
      EXPECT_FALSE(s.contains("manage_token")) << "the token leaks on the WebSocket: " << text;
      for (auto key : {"seq", "at", "level", "phase", "message"})
        EXPECT_TRUE(e.contains(key)) << key << " missing in " << text;
      EXPECT_TRUE(is_iso8601_utc(e["at"])) << text;
      auto seq = e.value("seq", int64_t{-1});
      if (t.frames.empty())
        EXPECT_EQ(seq, 0) << "the first frame must be a snapshot (seq 0): " << text;
      else
        EXPECT_GT(seq, last_seq) << "event seqs must increase: " << text;
      last_seq = seq;
      auto state = s.value("state", "");
      auto progress = s.value("progress", -1.0);
      EXPECT_GE(state_rank(state), 0) << "unknown state: " << text;
      EXPECT_GE(state_rank(state), state_rank(t.last_state))
        << "state went back from " << t.last_state << " to " << state;
      // Progress is defined up to running (10 % .. 100 %); teardown may show anything.
      if (state_rank(state) <= state_rank("running")) {
        EXPECT_GE(progress, last_progress) << "progress went back: " << text;
        if (!t.last_state.empty() && state != t.last_state) {
          EXPECT_GT(progress, last_progress) << "a new phase must show more progress: " << text;
        }
      }
      if (state != t.last_state)
        t.states.push_back(state);
      last_progress = progress;
      t.last_state = state;
      t.frames.push_back(std::move(frame));
      if (state == "failed" && until != "failed") {
        ADD_FAILURE() << "the session failed: " << s.value("failure_reason", "?") << "; "
                      << s.dump();
        return;
      }
    }
  }

  /// Checks that the WebSocket carried one frame per persisted event: from
  /// its first event on, exactly the events of the log, in order.
  void expect_ws_matches_log(const std::string& id, const ws_trace& t) {
    if (t.frames.size() < 2)
      return;
    auto res = d().call("GET", "/api/v1/sessions/" + id + "/events");
    ASSERT_TRUE(res && res->status == 200);
    auto log = parse_or_null(res->body)["events"];
    ASSERT_TRUE(log.is_array()) << res->body;
    auto first = t.frames[1]["event"].value("seq", int64_t{0});
    std::vector<json> expected;
    for (auto& e : log)
      if (e.value("seq", int64_t{0}) >= first)
        expected.push_back(e);
    ASSERT_EQ(expected.size(), t.frames.size() - 1)
      << "the WebSocket showed " << t.frames.size() - 1 << " events from seq " << first
      << ", the log holds " << expected.size() << ": " << log;
    for (size_t i = 0; i < expected.size(); ++i) {
      auto& got = t.frames[i + 1]["event"];
      EXPECT_EQ(got.value("seq", int64_t{0}), expected[i].value("seq", int64_t{0}));
      EXPECT_EQ(got.value("message", ""), expected[i].value("message", ""));
      EXPECT_EQ(got.value("phase", ""), expected[i].value("phase", ""));
    }
  }

  /// Asserts that no Docker container is left for session `id`.
  void expect_no_container(const std::string& id) {
    spawn::docker_engine engine;
    auto name = container_name(id);
    auto info = engine.inspect(name);
    EXPECT_FALSE(info) << "container " << name << " still exists (state "
                       << (info ? info->state : "") << ")";
    if (!info) {
      EXPECT_EQ(spawn::code_of(info.error()), spawn::errc::not_found)
        << spawn::message_of(info.error());
    }
    auto all = engine.list_labelled("spawnai.managed");
    ASSERT_TRUE(all) << spawn::message_of(all.error());
    for (auto& c : *all)
      EXPECT_NE(c.name, name) << "container " << name << " is still listed (" << c.state << ")";
  }

  /// One app type, end to end: create, follow to running, use the app, read
  /// its files and events, destroy it with its token, check it is gone.
  void run_lifecycle(const std::string& type, const std::string& prompt,
                     const std::function<void(const std::string& app_url,
                                              const spawn::http_response& page)>& check_app,
                     const std::string& file_needle);

  static inline spawnd_process* daemon_ = nullptr;
  static inline std::string why_;
  static inline std::string start_error_;
};

inline void spawnd_functest::run_lifecycle(
  const std::string& type, const std::string& prompt,
  const std::function<void(const std::string&, const spawn::http_response&)>& check_app,
  const std::string& file_needle) {
  auto t0 = clock_type::now();
  auto created = create({{"prompt", prompt}, {"app_type", type}});
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  auto token = created["manage_token"].get<std::string>();
  EXPECT_EQ(created.value("app_type", ""), type);
  EXPECT_EQ(created.value("prompt", ""), prompt);
  EXPECT_GT(created.value("expires_in_seconds", 0.0), 0.0);
  auto ws_path = "/ws/v1/sessions/" + id;
  auto ws_url = created.value("ws_url", "");
  EXPECT_EQ(ws_url.substr(ws_url.size() - std::min(ws_url.size(), ws_path.size())), ws_path)
    << ws_url;

  // Live progress up to running.
  ws_client ws;
  ASSERT_TRUE(ws.connect(d().port(), ws_path)) << ws.error() << "\n" << ws.response_head();
  ws_trace trace;
  follow(ws, id, "running", trace, 60s);
  ASSERT_EQ(trace.last_state, "running") << "states seen: " << join(trace.states);
  auto to_running = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
  std::cout << "[ info     ] " << type << " " << id << ": " << join(trace.states)
            << " in " << to_running.count() << " ms (" << trace.frames.size() << " frames)\n";
  EXPECT_EQ(trace.frames.back()["session"].value("progress", 0.0), 100.0);

  // The session as GET shows it.
  auto s = get(id);
  ASSERT_FALSE(s.is_null());
  expect_session_shape(s, false);
  EXPECT_EQ(s.value("state", ""), "running") << s;
  ASSERT_TRUE(s["app_url"].is_string()) << s;
  auto app_url = s["app_url"].get<std::string>();
  EXPECT_TRUE(std::regex_match(app_url, std::regex{R"(^http://127\.0\.0\.1:\d+/$)"})) << app_url;

  // The app answers, with content that fits the prompt.
  auto page = get_url(app_url);
  ASSERT_TRUE(page) << app_url << ": " << spawn::message_of(page.error());
  EXPECT_EQ(page->status, 200) << page->body.substr(0, 500);
  check_app(app_url, *page);

  // Generated files.
  auto files_res = d().call("GET", "/api/v1/sessions/" + id + "/files");
  ASSERT_TRUE(files_res);
  EXPECT_EQ(files_res->status, 200) << files_res->body.substr(0, 300);
  auto files = parse_or_null(files_res->body);
  ASSERT_TRUE(files.is_object()) << files_res->body.substr(0, 300);
  EXPECT_TRUE(files["title"].is_string()) << files.dump().substr(0, 300);
  EXPECT_TRUE(files["template"].is_string()) << files.dump().substr(0, 300);
  EXPECT_TRUE(files["run"].is_array()) << files.dump().substr(0, 300);
  ASSERT_TRUE(files["files"].is_array() && !files["files"].empty()) << files_res->body;
  bool has_entry = false, has_needle = false;
  for (auto& f : files["files"]) {
    ASSERT_TRUE(f["path"].is_string() && f["content"].is_string()) << f.dump().substr(0, 200);
    has_entry = has_entry || f["path"] == files["entry"];
    has_needle = has_needle || f["content"].get<std::string>().find(file_needle)
                                 != std::string::npos;
  }
  EXPECT_TRUE(has_entry) << "the entry " << files["entry"] << " is not among the files";
  EXPECT_TRUE(has_needle) << "no file mentions '" << file_needle << "'";

  // Event log: ordered, complete, and holding what the WebSocket showed.
  auto events_res = d().call("GET", "/api/v1/sessions/" + id + "/events");
  ASSERT_TRUE(events_res);
  EXPECT_EQ(events_res->status, 200);
  auto events = parse_or_null(events_res->body)["events"];
  ASSERT_TRUE(events.is_array() && !events.empty()) << events_res->body;
  int64_t prev = 0;
  for (auto& e : events) {
    for (auto key : {"seq", "at", "level", "phase", "message"})
      EXPECT_TRUE(e.contains(key)) << key << " missing in " << e;
    auto seq = e.value("seq", int64_t{0});
    EXPECT_GT(seq, prev) << "events out of order: " << events;
    prev = seq;
  }
  auto first_seq = events.front().value("seq", int64_t{0});
  auto after_res = d().call("GET", "/api/v1/sessions/" + id + "/events?after="
                                     + std::to_string(first_seq));
  ASSERT_TRUE(after_res);
  auto after = parse_or_null(after_res->body)["events"];
  ASSERT_TRUE(after.is_array()) << after_res->body;
  EXPECT_GE(after.size(), events.size() - 1) << after_res->body;
  for (auto& e : after)
    EXPECT_GT(e.value("seq", int64_t{0}), first_seq);

  // It is listed among running sessions.
  auto list_res = d().call("GET", "/api/v1/sessions?state=running&limit=200");
  ASSERT_TRUE(list_res);
  EXPECT_EQ(list_res->status, 200);
  auto listed = parse_or_null(list_res->body)["sessions"];
  ASSERT_TRUE(listed.is_array()) << list_res->body.substr(0, 300);
  bool found = false;
  for (auto& x : listed) {
    EXPECT_EQ(x.value("state", ""), "running") << "?state=running listed " << x;
    EXPECT_FALSE(x.contains("manage_token"));
    found = found || x.value("id", "") == id;
  }
  EXPECT_TRUE(found) << id << " is not in the list of running sessions";

  // Destroy: the token is required and checked.
  expect_error(destroy(id, std::nullopt), 401, "DELETE without a token");
  expect_error(destroy(id, std::string{"not-the-token"}), 403, "DELETE with a wrong token");
  auto del = destroy(id, token);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 202) << del->body;
  auto del_body = parse_or_null(del->body);
  auto del_state = del_body.is_object() ? del_body.value("state", "") : "";
  EXPECT_TRUE(del_state == "destroying" || del_state == "destroyed") << del->body;

  follow(ws, id, "destroyed", trace, 30s);
  EXPECT_EQ(trace.last_state, "destroyed") << join(trace.states);
  // The server closes the stream of a destroyed session.
  std::string extra;
  ws_read r;
  while ((r = ws.read_text(extra, 10s)) == ws_read::text) {
  }
  EXPECT_EQ(r, ws_read::closed) << "the WebSocket stayed open after destroyed: " << to_string(r);
  expect_ws_matches_log(id, trace);

  auto gone = get(id);
  ASSERT_FALSE(gone.is_null());
  EXPECT_EQ(gone.value("state", ""), "destroyed") << gone;
  expect_no_container(id);
  auto after_destroy = get_url(app_url, 1500);
  EXPECT_TRUE(!after_destroy || after_destroy->status != 200)
    << app_url << " still answers after destroy";
  auto again = destroy(id, token);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 202) << "destroying twice must be fine: " << again->body;
}


/// A spawnd of the test's own, restartable as the same node (SIGKILL,
/// SIGTERM, outages): health checks every 0.5 s, orphan scans every second.
/// Its log tail is printed when the test failed.
class own_spawnd_functest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string why;
    if (!spawn::test::functional_prereqs(why))
      GTEST_SKIP() << "functional prerequisites missing: " << why;
  }

  void TearDown() override {
    if (HasFailure() && daemon_)
      std::cerr << "spawnd log (" << daemon_->log_path() << "), last lines:\n"
                << daemon_->log_tail(80) << '\n';
  }

  spawnd_process& start(const std::string& name,
                        std::map<std::string, std::string> extra = {}) {
    auto opts = spawnd_functest::options(name);
    opts.env["SPAWN_HEALTH_INTERVAL_MS"] = "500";
    opts.env["SPAWN_RECOVERY_ORPHAN_SCAN_INTERVAL_MS"] = "1000";
    for (auto& [k, v] : extra)
      opts.env[k] = v;
    opts.wait_ready = true;
    daemon_ = std::make_unique<spawnd_process>(opts);
    EXPECT_TRUE(daemon_->start()) << daemon_->error();
    return *daemon_;
  }

  spawnd_process& d() {
    return *daemon_;
  }

  /// POST a session; returns {id, token}, or empty ids after a failure.
  std::pair<std::string, std::string> create_with_token(const std::string& prompt,
                                                        const std::string& type = "webapp") {
    auto res = d().call("POST", "/api/v1/sessions",
                        json{{"prompt", prompt}, {"app_type", type}}.dump());
    if (!res || res->status != 201) {
      ADD_FAILURE() << "POST → "
                    << (res ? std::to_string(res->status) + " " + res->body
                            : spawn::message_of(res.error()));
      return {};
    }
    auto s = parse_or_null(res->body);
    return {s.value("id", ""), s.value("manage_token", "")};
  }

  std::string create(const std::string& prompt, const std::string& type = "webapp") {
    return create_with_token(prompt, type).first;
  }

  /// GET a session; null when it cannot be read.
  json get(const std::string& id) {
    auto res = d().call("GET", "/api/v1/sessions/" + id);
    if (!res || res->status != 200)
      return nullptr;
    return parse_or_null(res->body);
  }

  std::vector<json> events(const std::string& id) {
    auto res = d().call("GET", "/api/v1/sessions/" + id + "/events");
    if (!res || res->status != 200)
      return {};
    auto j = parse_or_null(res->body);
    return j.is_object() && j["events"].is_array() ? j["events"].get<std::vector<json>>()
                                                   : std::vector<json>{};
  }

  /// Polls until `pred(session)` or the deadline; returns the last answer.
  json wait_for(const std::string& id, std::function<bool(const json&)> pred,
                std::chrono::milliseconds within) {
    auto deadline = clock_type::now() + within;
    json s;
    while (clock_type::now() < deadline) {
      s = get(id);
      if (!s.is_null() && pred(s))
        return s;
      std::this_thread::sleep_for(100ms);
    }
    return s;
  }

  json wait_state(const std::string& id, const std::string& state,
                  std::chrono::milliseconds within) {
    return wait_for(id, [&](const json& s) { return s.value("state", "") == state; }, within);
  }

  std::unique_ptr<spawnd_process> daemon_;
};

} // namespace spawn::test::functest
