// Issue 6 end to end: limits (rate, active sessions), tokens, the admin API,
// API keys, /metrics and JSON logs, each against a real spawnd of its own.

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "tests/functional/spawnd_functest_fixture.hpp"

namespace spawn::test::functest {

namespace {

constexpr const char* admin_token = "functest-admin-token-0123456789";

using headers_t = std::vector<std::pair<std::string, std::string>>;

class spawnd_limits_functest : public own_spawnd_functest {
protected:
  /// Starts a spawnd with the suite's base environment plus `env` (no quick
  /// health checks: cost accrual and limits are measured undisturbed).
  spawnd_process& start(const std::string& name, std::map<std::string, std::string> env) {
    auto opts = spawnd_functest::options(name);
    for (auto& [k, v] : env)
      opts.env[k] = v;
    daemon_ = std::make_unique<spawnd_process>(opts);
    EXPECT_TRUE(daemon_->start()) << daemon_->error();
    return *daemon_;
  }

  caf::expected<spawn::http_response> post_session(const std::string& prompt,
                                                   headers_t headers = {}) {
    json req{{"prompt", prompt}, {"app_type", "webapp"}, {"ttl_seconds", 300}};
    return daemon_->call("POST", "/api/v1/sessions", req.dump(), std::move(headers));
  }

  json get(const std::string& path, headers_t headers = {}) {
    auto res = daemon_->call("GET", path, {}, std::move(headers));
    if (!res || res->status != 200) {
      ADD_FAILURE() << "GET " << path << ": "
                    << (res ? std::to_string(res->status) + " " + res->body
                            : spawn::message_of(res.error()));
      return nullptr;
    }
    return parse_or_null(res->body);
  }

  json wait_state(const std::string& id, const std::string& state,
                  std::chrono::milliseconds timeout = 30s) {
    auto deadline = clock_type::now() + timeout;
    json s;
    while (clock_type::now() < deadline) {
      s = get("/api/v1/sessions/" + id);
      if (s.is_null() || state_rank(s.value("state", "")) >= state_rank(state))
        return s;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << id << " did not reach " << state << "; last: " << s;
    return s;
  }

  /// Creates `n` sessions ("<prompt>0", "<prompt>1"...); stops at the first
  /// refusal (a test failure) and returns those made.
  std::vector<json> post_sessions(int n, const std::string& prompt) {
    std::vector<json> made;
    for (int i = 0; i < n; ++i) {
      auto res = post_session(prompt + std::to_string(i));
      if (!res || res->status != 201) {
        ADD_FAILURE() << (res ? res->body : message_of(res.error()));
        break;
      }
      made.push_back(parse_or_null(res->body));
    }
    return made;
  }

  void destroy_all(const std::vector<json>& sessions) {
    for (auto& s : sessions)
      daemon_->call("DELETE", "/api/v1/sessions/" + s["id"].get<std::string>(), {},
               {{"X-Manage-Token", s["manage_token"].get<std::string>()}});
  }

  static headers_t bearer(const std::string& t) {
    return {{"Authorization", "Bearer " + t}};
  }

  /// The value of one sample of the /metrics text (0 when absent).
  double sample(const std::string& text, const std::string& series) {
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);)
      if (line.rfind(series + " ", 0) == 0)
        return std::stod(line.substr(series.size() + 1));
    return 0;
  }

  std::string log_text() {
    std::ifstream in{daemon_->log_path()};
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
  }
};

void expect_retry_after(const caf::expected<spawn::http_response>& res, long status,
                        int64_t lo, int64_t hi) {
  expect_error(res, status, "refused creation");
  if (!res)
    return;
  auto h = res->headers.find("retry-after");
  ASSERT_NE(h, res->headers.end()) << "no Retry-After on " << res->status << " " << res->body;
  auto secs = std::stoll(h->second);
  EXPECT_GE(secs, lo) << res->body;
  EXPECT_LE(secs, hi) << res->body;
}

} // namespace

TEST_F(spawnd_limits_functest, the_sixth_creation_in_the_window_gets_429_with_retry_after) {
  start("limits-rate", {{"SPAWN_LIMITS_CREATIONS_PER_WINDOW", "5"},
                        {"SPAWN_LIMITS_CREATION_WINDOW_SECONDS", "900"},
                        {"SPAWN_LIMITS_ACTIVE_PER_OWNER", "100"}});
  auto made = post_sessions(5, "a counter number ");
  ASSERT_EQ(made.size(), 5u);
  auto sixth = post_session("one too many");
  expect_retry_after(sixth, 429, 880, 900);
  auto body = parse_or_null(sixth ? sixth->body : "");
  EXPECT_EQ(body["error"].value("code", ""), "rate_limited") << body;
  // Bad input is refused before the limit and never uses a slot.
  auto bad = daemon_->call("POST", "/api/v1/sessions", R"({"prompt": ""})");
  expect_error(bad, 400, "empty prompt");
  destroy_all(made);
  EXPECT_TRUE(daemon_->running());
}

TEST_F(spawnd_limits_functest, the_fourth_active_session_gets_429_until_one_ends) {
  start("limits-active", {{"SPAWN_LIMITS_CREATIONS_PER_WINDOW", "100"},
                          {"SPAWN_LIMITS_ACTIVE_PER_OWNER", "3"}});
  auto made = post_sessions(3, "a todo list number ");
  ASSERT_EQ(made.size(), 3u);
  auto fourth = post_session("a fourth one");
  expect_retry_after(fourth, 429, 1, 3600);
  EXPECT_NE(fourth->body.find("at most 3"), std::string::npos) << fourth->body;

  // Token checks on the way: missing, wrong, another session's.
  auto id0 = made[0]["id"].get<std::string>();
  auto tok1 = made[1]["manage_token"].get<std::string>();
  expect_error(daemon_->call("DELETE", "/api/v1/sessions/" + id0), 401, "no token");
  expect_error(daemon_->call("DELETE", "/api/v1/sessions/" + id0, {},
                             {{"X-Manage-Token", std::string(64, 'a')}}),
               403, "wrong token");
  expect_error(daemon_->call("DELETE", "/api/v1/sessions/" + id0, {}, {{"X-Manage-Token", tok1}}),
               403, "another session's token");
  expect_error(daemon_->call("POST", "/api/v1/sessions/" + id0 + "/extend", "{}",
                             {{"X-Manage-Token", tok1}}),
               403, "another session's token on extend");

  // Once one of them is destroyed, there is room again.
  auto res = daemon_->call("DELETE", "/api/v1/sessions/" + id0, {},
                           {{"X-Manage-Token", made[0]["manage_token"].get<std::string>()}});
  ASSERT_TRUE(res && res->status == 202) << (res ? res->body : message_of(res.error()));
  wait_state(id0, "destroyed");
  auto deadline = clock_type::now() + 10s;
  caf::expected<spawn::http_response> again = post_session("room again");
  while (again && again->status == 429 && clock_type::now() < deadline) {
    std::this_thread::sleep_for(100ms); // the actor quits just after "destroyed" is stored
    again = post_session("room again");
  }
  ASSERT_TRUE(again && again->status == 201) << (again ? again->body : message_of(again.error()));
  made.push_back(parse_or_null(again->body));
  destroy_all(made);
}

TEST_F(spawnd_limits_functest, the_admin_api_needs_the_admin_token) {
  start("limits-admin", {{"SPAWN_ADMIN_TOKEN", admin_token}});
  for (auto path : {"/admin/v1/stats", "/admin/v1/nodes", "/admin/v1/sessions",
                    "/admin/v1/sessions/s00000000000"}) {
    expect_error(daemon_->call("GET", path), 401, std::string{"no token: "} + path);
    expect_error(daemon_->call("GET", path, {}, bearer("wrong-token-wrong-token")), 403,
                 std::string{"wrong token: "} + path);
    expect_error(daemon_->call("GET", path, {}, {{"Authorization", admin_token}}), 401,
                 std::string{"no Bearer scheme: "} + path);
  }
  expect_error(daemon_->call("DELETE", "/admin/v1/sessions/s00000000000", {}, bearer("nope-nope-nope")),
               403, "forced destroy with a wrong token");
  expect_error(daemon_->call("POST", "/admin/v1/keys", R"({"owner": "x"})"), 401, "keys without token");
  auto stats = get("/admin/v1/stats", bearer(admin_token));
  EXPECT_EQ(stats.value("node_id", ""), daemon_->node_id()) << stats;
  EXPECT_TRUE(stats["generation_queue"].is_object()) << stats;
  // Bad admin input.
  expect_error(daemon_->call("GET", "/admin/v1/sessions?state=flying", {}, bearer(admin_token)), 400,
               "unknown state");
  expect_error(daemon_->call("GET", "/admin/v1/sessions?limit=0", {}, bearer(admin_token)), 400,
               "bad limit");
  expect_error(daemon_->call("GET", "/admin/v1/sessions?colour=red", {}, bearer(admin_token)), 400,
               "unknown parameter");
  expect_error(daemon_->call("GET", "/admin/v1/sessions/not-an-id", {}, bearer(admin_token)), 404,
               "bad id");
  expect_error(daemon_->call("GET", "/admin/v1/sessions/s00000000000", {}, bearer(admin_token)), 404,
               "unknown session");
  for (auto body : {"", "{", R"({"owner": ""})", R"({"owner": "a b"})", R"({"owner": 5})", "[]"})
    expect_error(daemon_->call("POST", "/admin/v1/keys", body, bearer(admin_token)), 400,
                 std::string{"bad key request: "} + body);
  expect_error(daemon_->call("DELETE", "/admin/v1/keys/k00000000000", {}, bearer(admin_token)), 404,
               "unknown key");
  EXPECT_TRUE(daemon_->running());
  // A node without an admin token refuses every admin call.
  daemon_.reset();
  start("limits-noadmin", {});
  expect_error(daemon_->call("GET", "/admin/v1/stats", {}, bearer(admin_token)), 403,
               "admin API disabled");
}

TEST_F(spawnd_limits_functest, metrics_move_and_the_admin_api_asks_the_live_actor) {
  start("limits-metrics", {{"SPAWN_ADMIN_TOKEN", admin_token}});
  auto scrape = [&] {
    auto res = daemon_->call("GET", "/metrics");
    EXPECT_TRUE(res && res->status == 200);
    if (res) {
      EXPECT_NE(res->headers["content-type"].find("text/plain"), std::string::npos);
    }
    return res ? res->body : std::string{};
  };
  auto before = scrape();
  auto created_series = "spawn_sessions_created_total{app_type=\"webapp\"}";
  auto post_series = "spawn_http_requests_total{route=\"POST /api/v1/sessions\",status=\"201\"}";
  auto res = post_session("a pomodoro timer");
  ASSERT_TRUE(res && res->status == 201) << (res ? res->body : message_of(res.error()));
  auto s = parse_or_null(res->body);
  auto id = s["id"].get<std::string>();
  auto running = wait_state(id, "running");
  ASSERT_EQ(running.value("state", ""), "running") << running;
  EXPECT_TRUE(running.contains("queue_position")) << running;
  EXPECT_TRUE(running["costs"]["items"].is_array()) << running;

  auto after = scrape();
  EXPECT_EQ(sample(after, created_series), sample(before, created_series) + 1) << after;
  EXPECT_EQ(sample(after, post_series), sample(before, post_series) + 1) << after;
  EXPECT_GE(sample(after, "spawn_sessions{state=\"running\"}"), 1) << after;
  EXPECT_GT(sample(after, "spawn_actors_running"), 0) << after;
  EXPECT_GE(sample(after, "spawn_session_actors"), 1) << after;
  EXPECT_NE(after.find("spawn_http_request_duration_seconds_bucket{route=\"GET /api/v1/sessions/:id\""),
            std::string::npos)
    << "routes are labelled by template, not by path";
  EXPECT_EQ(after.find(id), std::string::npos) << "no session id in metric labels";

  // The admin API: the actor's own account of itself.
  auto actor = get("/admin/v1/sessions/" + id, bearer(admin_token));
  EXPECT_EQ(actor.value("live", false), true) << actor;
  auto& st = actor["state"];
  EXPECT_EQ(st.value("phase", ""), "running") << actor;
  EXPECT_TRUE(is_iso8601_utc(st["since"])) << actor;
  EXPECT_TRUE(st["children"].is_object()) << actor;
  EXPECT_TRUE(st["pending"].is_object()) << actor;
  EXPECT_TRUE(st["attempts"].is_object()) << actor;
  EXPECT_EQ(st["children"].value("timer", false), true) << "a running session has its timer";

  auto listed = get("/admin/v1/sessions?state=running&node=" + daemon_->node_id(), bearer(admin_token));
  ASSERT_TRUE(listed["sessions"].is_array()) << listed;
  bool found = false;
  for (auto& x : listed["sessions"])
    if (x.value("id", "") == id) {
      found = true;
      EXPECT_EQ(x.value("actor_alive", false), true) << x;
      EXPECT_EQ(x.value("owner", ""), "127.0.0.1") << x;
    }
  EXPECT_TRUE(found) << listed;
  auto nodes = get("/admin/v1/nodes", bearer(admin_token));
  found = false;
  for (auto& n : nodes["nodes"])
    if (n.value("id", "") == daemon_->node_id()) {
      found = true;
      EXPECT_TRUE(is_iso8601_utc(n["heartbeat_at"])) << n;
      EXPECT_LE(n.value("heartbeat_age_seconds", 999), 30) << n;
    }
  EXPECT_TRUE(found) << "this node registered itself: " << nodes;

  // Restart the session's actor (the manager's crash path): a new actor adopts
  // the running app from the store; nothing else changes.
  expect_error(daemon_->call("POST", "/admin/v1/sessions/" + id + "/restart"), 401,
               "restart without the admin token");
  auto old_actor = actor["actor"].value("id", int64_t{-1});
  auto restarted = daemon_->call("POST", "/admin/v1/sessions/" + id + "/restart", {}, bearer(admin_token));
  ASSERT_TRUE(restarted && restarted->status == 200) << (restarted ? restarted->body : "");
  auto r = parse_or_null(restarted->body);
  EXPECT_EQ(r.value("previous_actor", int64_t{-2}), old_actor) << r;
  EXPECT_NE(r.value("actor", old_actor), old_actor) << r;
  auto again = get("/api/v1/sessions/" + id);
  EXPECT_EQ(again.value("state", ""), "running") << again;
  EXPECT_EQ(again.value("app_url", ""), running.value("app_url", "")) << again;
  auto page = get_url(again.value("app_url", ""));
  EXPECT_TRUE(page && page->status == 200) << "the app stopped serving after the restart";
  auto new_actor = get("/admin/v1/sessions/" + id, bearer(admin_token));
  EXPECT_EQ(new_actor["actor"].value("id", int64_t{-1}), r.value("actor", int64_t{-3})) << new_actor;
  expect_error(daemon_->call("POST", "/admin/v1/sessions/s00000000000/restart", {}, bearer(admin_token)),
               404, "restart of a session that does not exist (issue 13)");
  expect_error(daemon_->call("POST", "/admin/v1/sessions/not-an-id/restart", {}, bearer(admin_token)),
               404, "restart of a malformed id");

  // Forced destroy, without the manage token.
  auto forced = daemon_->call("DELETE", "/admin/v1/sessions/" + id, {}, bearer(admin_token));
  ASSERT_TRUE(forced && forced->status == 202) << (forced ? forced->body : "");
  auto gone = wait_state(id, "destroyed");
  EXPECT_EQ(gone.value("state", ""), "destroyed");
  EXPECT_GT(gone["costs"].value("actual_usd", 0.0), 0.0) << gone;
  auto dead = get("/admin/v1/sessions/" + id, bearer(admin_token));
  auto deadline = clock_type::now() + 5s;
  while (dead.value("live", true) && clock_type::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    dead = get("/admin/v1/sessions/" + id, bearer(admin_token));
  }
  EXPECT_EQ(dead.value("live", true), false) << dead;
  auto final_scrape = scrape();
  EXPECT_GE(sample(final_scrape, "spawn_http_requests_total{route=\"DELETE /admin/v1/sessions/:id\",status=\"202\"}"), 1);

  // Prompts are private: a caller lists only its own sessions, admins all.
  auto bob = "bob-" + daemon_->node_id();
  auto made = daemon_->call("POST", "/admin/v1/keys", json{{"owner", bob}}.dump(), bearer(admin_token));
  ASSERT_TRUE(made && made->status == 201) << (made ? made->body : "");
  auto bob_key = parse_or_null(made->body).value("key", "");
  auto bobs = post_session("bob's secret diary", bearer(bob_key));
  ASSERT_TRUE(bobs && bobs->status == 201) << (bobs ? bobs->body : "");
  auto bob_id = parse_or_null(bobs->body).value("id", "");
  auto anonymous = get("/api/v1/sessions?limit=500");
  ASSERT_TRUE(anonymous["sessions"].is_array()) << anonymous;
  for (auto& x : anonymous["sessions"]) {
    EXPECT_NE(x.value("id", ""), bob_id) << "an anonymous caller listed bob's session";
    EXPECT_NE(x.value("prompt", ""), "bob's secret diary");
  }
  expect_error(daemon_->call("GET", "/api/v1/sessions?owner=" + bob), 403, "listing someone else's");
  auto bob_list = get("/api/v1/sessions", bearer(bob_key));
  ASSERT_EQ(bob_list["sessions"].size(), 1u) << bob_list;
  EXPECT_EQ(bob_list["sessions"][0].value("id", ""), bob_id);
  auto all = get("/admin/v1/sessions?owner=" + bob, bearer(admin_token));
  ASSERT_EQ(all["sessions"].size(), 1u) << all;
  daemon_->call("DELETE", "/admin/v1/sessions/" + bob_id, {}, bearer(admin_token));
}

TEST_F(spawnd_limits_functest, costs_accrue_warn_past_150_percent_and_are_billed_at_destroy) {
  start("limits-costs", {{"SPAWN_COSTS_ACCRUAL_INTERVAL_MS", "200"}});
  json req{{"prompt", "a stopwatch"}, {"app_type", "webapp"}, {"ttl_seconds", 6}};
  auto res = daemon_->call("POST", "/api/v1/sessions", req.dump());
  ASSERT_TRUE(res && res->status == 201) << (res ? res->body : "");
  auto s = parse_or_null(res->body);
  auto id = s["id"].get<std::string>();
  auto token = s["manage_token"].get<std::string>();
  // Seed 002's small tier: $0.00893/h over the 6 s asked for.
  EXPECT_NEAR(s["costs"].value("estimated_usd", 0.0), 0.00893 * 6 / 3600, 1e-9) << s;
  ASSERT_EQ(wait_state(id, "running").value("state", ""), "running");
  auto ext = daemon_->call("POST", "/api/v1/sessions/" + id + "/extend", R"({"seconds": 120})",
                      {{"X-Manage-Token", token}});
  ASSERT_TRUE(ext && ext->status == 200) << (ext ? ext->body : "");

  // Past 9 s (150 % of 6 s) the running session gets one warning event.
  auto deadline = clock_type::now() + 20s;
  json warned;
  while (warned.is_null() && clock_type::now() < deadline) {
    auto evs = get("/api/v1/sessions/" + id + "/events");
    for (auto& e : evs["events"])
      if (e.value("message", "").find("Cost overrun") != std::string::npos)
        warned = e;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_FALSE(warned.is_null()) << "no cost overrun event";
  EXPECT_EQ(warned.value("level", ""), "warn") << warned;
  auto live = get("/api/v1/sessions/" + id);
  auto actual = live["costs"].value("actual_usd", 0.0);
  EXPECT_GT(actual, 1.5 * live["costs"].value("estimated_usd", 0.0)) << live;
  ASSERT_FALSE(live["costs"]["items"].empty()) << live;
  EXPECT_EQ(live["costs"]["items"][0].value("kind", ""), "compute") << live;

  auto del = daemon_->call("DELETE", "/api/v1/sessions/" + id, {}, {{"X-Manage-Token", token}});
  ASSERT_TRUE(del && del->status == 202);
  auto done = wait_state(id, "destroyed");
  auto& costs = done["costs"];
  ASSERT_EQ(costs["items"].size(), 1u) << done;
  auto& item = costs["items"][0];
  EXPECT_EQ(item.value("unit", ""), "hour");
  EXPECT_DOUBLE_EQ(item.value("unit_price_usd", 0.0), 0.00893);
  EXPECT_NEAR(item.value("amount_usd", 0.0), costs.value("actual_usd", -1.0), 1e-12) << done;
  EXPECT_NEAR(item.value("quantity", 0.0) * 0.00893, costs.value("actual_usd", -1.0), 1e-12);
  EXPECT_GE(costs.value("actual_usd", 0.0), actual) << "the final bill is at least what accrued";
  EXPECT_NE(log_text().find("Cost overrun"), std::string::npos) << "the warning is logged too";
}

TEST_F(spawnd_limits_functest, api_keys_identify_owners_and_tokens_stay_out_of_logs) {
  start("limits-keys", {{"SPAWN_ADMIN_TOKEN", admin_token},
                        {"SPAWN_AUTH_API_KEYS_REQUIRED", "true"},
                        {"SPAWN_LOG_FORMAT", "json"},
                        {"SPAWN_LOG_LEVEL", "debug"}});
  expect_error(post_session("no key"), 401, "no API key");
  expect_error(post_session("bad key", bearer("spk_0000")), 403, "unknown API key");
  expect_error(daemon_->call("GET", "/api/v1/sessions"), 401, "listing without a key");

  // The database outlives test runs: an owner of this run alone.
  auto owner = "alice-" + daemon_->node_id();
  auto made = daemon_->call("POST", "/admin/v1/keys", json{{"owner", owner}}.dump(), bearer(admin_token));
  ASSERT_TRUE(made && made->status == 201) << (made ? made->body : "");
  auto key = parse_or_null(made->body);
  auto api_key = key.value("key", "");
  ASSERT_EQ(api_key.rfind("spk_", 0), 0u) << key;

  auto res = post_session("a notes app", bearer(api_key));
  ASSERT_TRUE(res && res->status == 201) << (res ? res->body : "");
  auto s = parse_or_null(res->body);
  auto id = s["id"].get<std::string>();
  auto token = s["manage_token"].get<std::string>();
  auto mine = get("/api/v1/sessions", bearer(api_key));
  ASSERT_EQ(mine["sessions"].size(), 1u) << mine;
  auto listed = get("/admin/v1/sessions?owner=" + owner, bearer(admin_token));
  ASSERT_EQ(listed["sessions"].size(), 1u) << listed;
  EXPECT_EQ(listed["sessions"][0].value("id", ""), id);
  wait_state(id, "running");

  // spawnctl: --api-key or SPAWN_API_KEY; without one the server refuses (exit 5).
  auto ctl = [&](const std::string& env, const std::string& args) {
    auto cmd = "HOME=" + daemon_->state_dir() + " SPAWN_SERVER=" + daemon_->base_url() + " " + env + " "
               SPAWNCTL_BINARY " " + args + " >/dev/null 2>&1";
    int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(ctl("", "create 'a quiz about rivers'"), 5);
  EXPECT_EQ(ctl("", "--api-key " + api_key + " ls"), 0);
  EXPECT_EQ(ctl("SPAWN_API_KEY=" + api_key, "ls"), 0);
  EXPECT_EQ(ctl("", "--api-key spk_wrong ls"), 5);

  auto revoked = daemon_->call("DELETE", "/admin/v1/keys/" + key.value("id", ""), {}, bearer(admin_token));
  ASSERT_TRUE(revoked && revoked->status == 200) << (revoked ? revoked->body : "");
  expect_error(post_session("after revocation", bearer(api_key)), 403, "revoked key");
  auto del = daemon_->call("DELETE", "/api/v1/sessions/" + id, {}, {{"X-Manage-Token", token}});
  ASSERT_TRUE(del && del->status == 202);
  wait_state(id, "destroyed");

  daemon_->stop();
  auto log = log_text();
  ASSERT_FALSE(log.empty());
  for (auto& secret : {std::string{admin_token}, api_key, token})
    EXPECT_EQ(log.find(secret), std::string::npos) << "a secret is in the log: " << secret;
  // JSON logs: every line spawnd logged parses.
  std::istringstream in{log};
  int lines = 0;
  for (std::string line; std::getline(in, line);) {
    // Not spawnd's log: its stdout line and the test helper's own markers.
    if (line.empty() || line.rfind("spawnd listening", 0) == 0 || line.rfind("=== ", 0) == 0)
      continue;
    auto j = parse_or_null(line);
    EXPECT_TRUE(j.is_object() && j.contains("msg") && j.contains("level") && j.contains("time"))
      << "not a JSON log line: " << line;
    ++lines;
  }
  EXPECT_GT(lines, 2);
}

// spawnctl admin: an operator sees every session and its actor, restarts a
// wedged actor and destroys without the manage token, from the shell.
TEST_F(spawnd_limits_functest, spawnctl_admin_commands) {
  start("limits-ctladmin", {{"SPAWN_ADMIN_TOKEN", admin_token}});
  auto res = post_session("a weather board for the admin");
  ASSERT_TRUE(res && res->status == 201) << (res ? res->body : "");
  auto id = parse_or_null(res->body).value("id", "");
  ASSERT_EQ(wait_state(id, "running").value("state", ""), "running");
  struct out {
    int code = -1;
    std::string text;
  };
  auto ctl = [&](const std::string& env, const std::string& args) {
    auto cmd = "HOME=" + daemon_->state_dir() + " SPAWN_SERVER=" + daemon_->base_url() + " "
               + env + " " SPAWNCTL_BINARY " " + args + " 2>/dev/null";
    out o;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, p))
      o.text.append(buf, n);
    int status = ::pclose(p);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return o;
  };
  auto token = std::string{"SPAWN_ADMIN_TOKEN="} + admin_token;
  auto listed = ctl(token, "admin sessions --state running --node " + daemon_->node_id());
  EXPECT_EQ(listed.code, 0) << listed.text;
  EXPECT_NE(listed.text.find(id + "  running  127.0.0.1  " + daemon_->node_id() + "  actor"),
            std::string::npos)
    << listed.text;
  auto shown = ctl("", "--admin-token " + std::string{admin_token} + " admin show " + id);
  EXPECT_EQ(shown.code, 0) << shown.text;
  auto j = parse_or_null(shown.text);
  EXPECT_EQ(j.value("live", false), true) << shown.text;
  auto old_actor = j["actor"].value("id", int64_t{-1});
  auto restarted = ctl(token, "--json admin restart " + id);
  EXPECT_EQ(restarted.code, 0) << restarted.text;
  auto r = parse_or_null(restarted.text);
  EXPECT_EQ(r.value("previous_actor", int64_t{-2}), old_actor) << restarted.text;
  EXPECT_NE(r.value("actor", old_actor), old_actor) << restarted.text;
  EXPECT_EQ(get("/api/v1/sessions/" + id).value("state", ""), "running");
  EXPECT_EQ(ctl(token, "admin nodes").code, 0);
  EXPECT_EQ(ctl(token, "admin stats").code, 0);
  // Refusals and mistakes, with the documented exit codes.
  EXPECT_EQ(ctl("", "admin sessions").code, 2) << "no admin token";
  EXPECT_EQ(ctl("SPAWN_ADMIN_TOKEN=not-the-admin-token", "admin sessions").code, 5);
  EXPECT_EQ(ctl(token, "admin show s00000000000").code, 4);
  EXPECT_EQ(ctl(token, "admin restart s00000000000").code, 4) << "404: no such session";
  EXPECT_EQ(ctl(token, "admin sessions --state").code, 2);
  EXPECT_EQ(ctl(token, "admin frobnicate").code, 2);
  auto removed = ctl(token, "admin rm " + id);
  EXPECT_EQ(removed.code, 0) << removed.text;
  EXPECT_EQ(wait_state(id, "destroyed").value("state", ""), "destroyed");
}


} // namespace spawn::test::functest
