// Apps on several Docker hosts (issue 17), end to end: a real spawnd with the
// local engine and t1, the second engine on 127.0.0.27 that
// deploy/scripts/docker-host.sh runs (TLS with client certificates; started
// by setup.sh). The admin API admits t1; sessions spread over both; t1's
// engine is stopped: it is marked gone and its apps serve again from the
// local engine, nothing lost; t1 comes back and is readmitted. Skips when t1
// is not running. Shares t1 with docker_host_dockertest (RESOURCE_LOCK).
#include <algorithm>
#include <cstdio>
#include <functional>
#include <sys/wait.h>

#include "build_paths.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"

namespace spawn::test::functest {
namespace {

constexpr const char* admin_token = "hosts-admin-token-0123456789abcdef";

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

int sh(const std::string& cmd) {
  return std::system(cmd.c_str());
}

std::string host_script() {
  return std::string{"bash "} + SPAWN_SOURCE_DIR + "/deploy/scripts/docker-host.sh";
}

class hosts_functest : public own_spawnd_functest {
protected:
  void SetUp() override {
    own_spawnd_functest::SetUp();
    if (IsSkipped())
      return;
    tls_ = env_or("SPAWN_TEST_HOSTS_TLS", "/var/lib/spawnai-hosts/tls");
    endpoint_.tcp = env_or("SPAWN_TEST_DOCKER_HOST", "tcp://127.0.0.27:2376");
    endpoint_.ca_file = tls_ + "/ca.pem";
    endpoint_.cert_file = tls_ + "/cert.pem";
    endpoint_.key_file = tls_ + "/key.pem";
    endpoint_.publish_address = "127.0.0.27";
    if (!docker_engine{endpoint_}.ping())
      GTEST_SKIP() << "no Docker engine at " << endpoint_.tcp
                   << " (bash deploy/scripts/docker-host.sh start t1 127.0.0.27)";
  }

  void TearDown() override {
    // t1 must be up for the next test whatever happened here; then this
    // node's containers on it go (spawnd_process cleans the local engine).
    sh(host_script() + " start t1 127.0.0.27 >/dev/null 2>&1");
    docker_engine t1{endpoint_};
    if (daemon_)
      if (auto mine = t1.list_labelled("spawnai.node=" + daemon_->node_id()))
        for (auto& c : *mine)
          (void) t1.remove(c.id);
    own_spawnd_functest::TearDown();
  }

  caf::expected<http_response> admin(const std::string& method, const std::string& path,
                                     const std::string& body = {}) {
    return d().call(method, path, body, {{"Authorization", std::string{"Bearer "} + admin_token}}, 60000);
  }

  json host(const std::string& id) {
    auto r = admin("GET", "/admin/v1/hosts");
    if (!r || r->status != 200)
      return nullptr;
    auto doc = parse_or_null(r->body); // kept: the loop walks into it
    for (auto& h : doc["hosts"])
      if (h.value("id", "") == id)
        return h;
    return nullptr;
  }

  /// GET /containers/{name}/json on t1, as its Engine API answers it (null: none).
  json inspect_on_t1(const std::string& name) {
    http_request req;
    req.url = "https://" + endpoint_.tcp.substr(6) + "/v1.41/containers/" + name + "/json";
    req.ca_file = endpoint_.ca_file;
    req.cert_file = endpoint_.cert_file;
    req.key_file = endpoint_.key_file;
    req.timeout_ms = 5000;
    auto r = perform(req);
    return r && r->status == 200 ? parse_or_null(r->body) : json{};
  }

  /// Admits t1 as host `id` (capacity 10); false after recording a failure.
  bool add_t1(const std::string& id) {
    auto added = admin("POST", "/admin/v1/hosts",
                       json{{"id", id}, {"address", endpoint_.tcp}, {"private_address", "127.0.0.27"},
                            {"capacity_sessions", 10}}
                         .dump());
    EXPECT_TRUE(added && added->status == 201) << (added ? added->body : message_of(added.error()));
    return added && added->status == 201;
  }

  /// Polls host `id` until `pred` holds (or ~10 s); the last answer.
  json wait_host(const std::string& id, std::function<bool(const json&)> pred) {
    json h;
    for (int i = 0; i < 400; ++i) {
      h = host(id);
      if (h.is_object() && pred(h))
        return h;
      std::this_thread::sleep_for(25ms);
    }
    return h;
  }

  /// Creates a session and polls it closely until it runs: its JSON (with
  /// "manage_token") and the milliseconds from the request to running.
  std::pair<json, long long> create_timed(const std::string& prompt) {
    auto t0 = clock_type::now();
    auto [id, token] = create_with_token(prompt);
    json s;
    for (int i = 0; i < 3000 && !id.empty(); ++i) {
      s = get(id);
      if (s.is_object() && (s.value("state", "") == "running" || s.value("state", "") == "failed"))
        break;
      std::this_thread::sleep_for(20ms);
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
    if (s.is_object())
      s["manage_token"] = token;
    return {s, ms};
  }

  /// True when `id`'s events say its container came from the warm pool.
  bool took_warm(const std::string& id) {
    for (auto& ev : events(id))
      if (ev.value("message", "").find("taken from the warm pool") != std::string::npos)
        return true;
    return false;
  }

  /// Ids of this node's unclaimed warm containers on t1.
  std::vector<std::string> warm_on_t1() {
    std::vector<std::string> out;
    if (auto mine = docker_engine{endpoint_}.list_labelled("spawnai.node=" + d().node_id()))
      for (auto& c : *mine)
        if (is_warm_name(c.name))
          out.push_back(c.id);
    return out;
  }

  std::string tls_;
  docker_endpoint endpoint_;
};

TEST_F(hosts_functest, BadHostRequestsAreRefusedWithJsonErrors) {
  start("hostsbad", {{"SPAWN_ADMIN_TOKEN", admin_token}, {"SPAWN_HOSTS_TLS_DIR", tls_}});
  expect_error(d().call("GET", "/admin/v1/hosts"), 401, "no admin token");
  expect_error(d().call("POST", "/admin/v1/hosts", "{}", {{"Authorization", "Bearer wrong"}}), 403,
               "wrong admin token");
  for (auto bad : {std::string{"not json"}, std::string{"[]"}, std::string{"{}"},
                   json{{"id", "UPPER"}, {"address", "tcp://127.0.0.27:2376"}}.dump(),
                   json{{"id", "local"}, {"address", "tcp://127.0.0.27:2376"}}.dump(),
                   json{{"id", "x"}, {"address", "http://127.0.0.27:2376"}}.dump(),
                   json{{"id", "x"}, {"address", "tcp://127.0.0.27"}}.dump(),
                   json{{"id", "x"}, {"address", "tcp://127.0.0.27:99999"}}.dump(),
                   json{{"id", "x"}, {"address", "tcp://127.0.0.27:2376"}, {"capacity_sessions", 0}}.dump(),
                   json{{"id", "x"}, {"address", "tcp://127.0.0.27:2376"}, {"tier", "huge"}}.dump(),
                   json{{"id", "x"}, {"address", "tcp://127.0.0.27:2376"}, {"colour", "red"}}.dump(),
                   json{{"id", std::string(40, 'a')}, {"address", "tcp://127.0.0.27:2376"}}.dump(),
                   // a well-formed address where no engine answers
                   json{{"id", "nobody"}, {"address", "tcp://127.0.0.29:2376"}}.dump()})
    expect_error(admin("POST", "/admin/v1/hosts", bad), 400, "POST /admin/v1/hosts " + bad);
  expect_error(admin("POST", "/admin/v1/hosts/nosuch/drain"), 404, "drain an unknown host");
  expect_error(admin("DELETE", "/admin/v1/hosts/nosuch"), 404, "remove an unknown host");
  expect_error(admin("DELETE", "/admin/v1/hosts/Bad%20Id"), 404, "remove a malformed id");
  expect_error(admin("DELETE", "/admin/v1/hosts/local"), 409, "remove the local engine");
  auto listed = admin("GET", "/admin/v1/hosts");
  ASSERT_TRUE(listed && listed->status == 200);
  auto hosts = parse_or_null(listed->body)["hosts"];
  ASSERT_EQ(hosts.size(), 1u) << listed->body; // nothing bad was admitted
  EXPECT_EQ(hosts[0].value("id", ""), "local");
  EXPECT_EQ(hosts[0].value("state", ""), "ready");
  // spawnctl admin hosts: the same API, its exit codes.
  auto ctl = std::string{"SPAWN_SERVER="} + d().base_url() + " SPAWN_ADMIN_TOKEN=" + admin_token
             + " " + SPAWNCTL_BINARY + " admin hosts";
  EXPECT_EQ(WEXITSTATUS(sh(ctl + " >/dev/null")), 0);
  EXPECT_EQ(WEXITSTATUS(sh(ctl + " rm nosuch 2>/dev/null")), 4);
  EXPECT_EQ(WEXITSTATUS(sh(ctl + " add x tcp://127.0.0.27:2376 --capacity many 2>/dev/null")), 2);
  EXPECT_EQ(WEXITSTATUS(sh(ctl + " add x tcp://127.0.0.29:2376 >/dev/null 2>&1")), 1);
  // The host-level cost lines (droplet hours in cost_items): bad query values
  // are 400 JSON errors; a good query answers (this node has no droplet).
  expect_error(d().call("GET", "/admin/v1/costs/hosts"), 401, "cost lines without the admin token");
  for (auto bad : {"limit=0", "limit=1001", "limit=ten", "limit=", "offset=-1", "offset=1e3",
                   "kind=compute", "host=Bad%20Id", "host=", "node=a%2Fb", "sort=amount",
                   "limit=5&limit=6", "limit=%ZZ"})
    expect_error(admin("GET", std::string{"/admin/v1/costs/hosts?"} + bad), 400,
                 std::string{"GET /admin/v1/costs/hosts?"} + bad);
  auto lines = admin("GET", "/admin/v1/costs/hosts?node=" + d().node_id() + "&kind=droplet&limit=5");
  ASSERT_TRUE(lines && lines->status == 200) << (lines ? lines->body : "no answer");
  auto page = parse_or_null(lines->body);
  EXPECT_TRUE(page["lines"].empty()) << page;
  EXPECT_EQ(page["limit"], 5);
  EXPECT_DOUBLE_EQ(page["totals"].value("droplet_usd", -1.0), 0.0) << page;
  EXPECT_EQ(WEXITSTATUS(sh(ctl + " costs --node " + d().node_id() + " >/dev/null")), 0);
  EXPECT_EQ(WEXITSTATUS(sh(ctl + " costs --limit 0 2>/dev/null >/dev/null")), 1);
  EXPECT_EQ(WEXITSTATUS(sh(ctl + " costs --limit 2>/dev/null")), 2);
  EXPECT_TRUE(d().running());
}

TEST_F(hosts_functest, SessionsRunOnTheRemoteHostAndComeBackWhenItDies) {
  auto id = "t1-" + std::to_string(::getpid());
  start("hosts", {{"SPAWN_ADMIN_TOKEN", admin_token},
                  {"SPAWN_HOSTS_TLS_DIR", tls_},
                  {"SPAWN_HOSTS_POLICY", "spread"},
                  {"SPAWN_HOSTS_CHECK_INTERVAL_MS", "500"},
                  {"SPAWN_RUNTIME_WARM_POOL_SIZE", "0"}});
  auto added = admin("POST", "/admin/v1/hosts",
                     json{{"id", id}, {"address", endpoint_.tcp}, {"private_address", "127.0.0.27"},
                          {"capacity_sessions", 10}}
                       .dump());
  ASSERT_TRUE(added) << message_of(added.error());
  ASSERT_EQ(added->status, 201) << added->body;
  EXPECT_EQ(parse_or_null(added->body).value("state", ""), "ready") << added->body;
  expect_error(admin("POST", "/admin/v1/hosts",
                     json{{"id", id}, {"address", endpoint_.tcp}}.dump()),
               409, "the same host twice");

  // Spread: the first session on the local engine, the second on t1.
  std::vector<std::string> ids{create("a pomodoro timer on host one"),
                               create("a pomodoro timer on host two")};
  std::string remote, remote_url, page;
  for (auto& s : ids) {
    ASSERT_FALSE(s.empty());
    auto j = wait_state(s, "running", 60s);
    ASSERT_EQ(j.value("state", ""), "running") << j;
    auto url = j.value("app_url", "");
    if (url.find("127.0.0.27") != std::string::npos) {
      remote = s;
      remote_url = url;
    }
  }
  ASSERT_FALSE(remote.empty()) << "no session was placed on " << id;
  auto before = get_url(remote_url);
  ASSERT_TRUE(before && before->status == 200) << remote_url;
  page = before->body;
  auto h = host(id);
  EXPECT_EQ(h["usage"].value("sessions", -1), 1) << h;
  EXPECT_EQ(host("local")["usage"].value("sessions", -1), 1);
  // drain and remove: refused while it runs an app.
  auto drained = admin("POST", "/admin/v1/hosts/" + id + "/drain");
  ASSERT_TRUE(drained && drained->status == 200);
  EXPECT_EQ(parse_or_null(drained->body).value("state", ""), "draining");
  expect_error(admin("DELETE", "/admin/v1/hosts/" + id), 409, "remove a host that runs an app");

  // t1's engine stops: gone within a few checks, the app serves again locally.
  auto t0 = clock_type::now();
  ASSERT_EQ(sh(host_script() + " stop t1 127.0.0.27 >/dev/null 2>&1"), 0);
  json gone = json::object();
  for (int i = 0; i < 200 && gone.value("state", "") != "gone"; ++i) {
    std::this_thread::sleep_for(50ms);
    gone = host(id);
  }
  auto gone_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
  ASSERT_EQ(gone.value("state", ""), "gone") << gone;
  auto back = wait_for(remote, [](const json& s) {
    auto url = s.value("app_url", "");
    return s.value("state", "") == "running" && url.find("127.0.0.1:") != std::string::npos;
  }, 60s);
  ASSERT_EQ(back.value("state", ""), "running") << back;
  auto again = get_url(back.value("app_url", ""));
  auto back_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
  ASSERT_TRUE(again && again->status == 200) << back;
  EXPECT_EQ(again->body, page) << "the redeployed app is not the same app";
  std::printf("engine stopped -> host gone: %lld ms; app serving again from the local engine: %lld ms\n",
              static_cast<long long>(gone_ms), static_cast<long long>(back_ms));
  // Nothing lost: both sessions run, the other one never moved.
  for (auto& s : ids)
    EXPECT_EQ(get(s).value("state", ""), "running") << s;
  bool said = false;
  for (auto& ev : events(remote))
    said = said || ev.value("message", "").find("Redeployed") != std::string::npos;
  EXPECT_TRUE(said) << "no redeploy event";

  // t1 back: readmitted (empty) by the next checks; a gone host may be removed.
  ASSERT_EQ(sh(host_script() + " start t1 127.0.0.27 >/dev/null 2>&1"), 0);
  json readmitted = json::object();
  for (int i = 0; i < 200 && readmitted.value("state", "") != "ready"; ++i) {
    std::this_thread::sleep_for(50ms);
    readmitted = host(id);
  }
  EXPECT_EQ(readmitted.value("state", ""), "ready") << readmitted;
  EXPECT_EQ(readmitted["usage"].value("sessions", -1), 0) << readmitted;
  auto removed = admin("DELETE", "/admin/v1/hosts/" + id);
  ASSERT_TRUE(removed && removed->status == 200) << (removed ? removed->body : "");
  EXPECT_TRUE(host(id).is_null());
}

// Item 1 of issue 17's rest: a remote host does not share the node's disk.
// The app's files reach its container on t1 through the Engine API (nothing
// of the node is bind-mounted there), and so does a new version (a turn).
TEST_F(hosts_functest, AppFilesAndNewVersionsReachTheRemoteHostThroughItsApi) {
  auto id = "t1f-" + std::to_string(::getpid());
  start("hostsfiles", {{"SPAWN_ADMIN_TOKEN", admin_token},
                       {"SPAWN_HOSTS_TLS_DIR", tls_},
                       {"SPAWN_HOSTS_CHECK_INTERVAL_MS", "500"},
                       {"SPAWN_RUNTIME_WARM_POOL_SIZE", "0"}});
  ASSERT_TRUE(add_t1(id));
  auto drained = admin("POST", "/admin/v1/hosts/local/drain"); // every app goes to t1
  ASSERT_TRUE(drained && drained->status == 200);
  auto [s, ms] = create_timed("a contact form");
  ASSERT_EQ(s.value("state", ""), "running") << s;
  auto sid = s.value("id", "");
  auto url = s.value("app_url", "");
  ASSERT_NE(url.find("127.0.0.27:"), std::string::npos) << url;
  auto page = get_url(url);
  ASSERT_TRUE(page && page->status == 200) << url;
  EXPECT_NE(page->body.find("<form"), std::string::npos) << page->body.substr(0, 300);
  std::printf("session on t1, cold start, files shipped by the Engine API: %lld ms from the request\n",
              ms);
  auto c = inspect_on_t1("spawnai-" + sid);
  ASSERT_TRUE(c.is_object()) << "no container spawnai-" << sid << " on t1";
  EXPECT_TRUE(c["HostConfig"]["Binds"].is_null() || c["HostConfig"]["Binds"].empty()) << c["HostConfig"]["Binds"];
  for (auto& m : c["Mounts"])
    EXPECT_NE(m.value("Type", ""), "bind") << "a node path is bind-mounted on t1: " << m;

  // A new version (a turn) reaches t1 the same way.
  auto token = s.value("manage_token", "");
  auto base = "/api/v1/sessions/" + sid;
  auto t0 = clock_type::now();
  auto posted = d().call("POST", base + "/messages", json{{"prompt", "add a phone number field"}}.dump(),
                         {{"X-Manage-Token", token}});
  ASSERT_TRUE(posted && posted->status == 202) << (posted ? posted->body : "");
  json after;
  for (int i = 0; i < 1500; ++i) {
    after = get(sid);
    if (after.value("version", 0) == 2 && after.value("status", "") == "idle")
      break;
    std::this_thread::sleep_for(40ms);
  }
  auto turn_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
  ASSERT_EQ(after.value("version", 0), 2) << after;
  auto url2 = after.value("app_url", "");
  EXPECT_NE(url2.find("127.0.0.27:"), std::string::npos) << url2;
  auto page2 = get_url(url2);
  ASSERT_TRUE(page2 && page2->status == 200) << url2;
  EXPECT_NE(page2->body.find("Phone number"), std::string::npos) << page2->body.substr(0, 300);
  std::printf("turn on t1 (new version shipped into a new container): %lld ms\n",
              static_cast<long long>(turn_ms));
  // The old version's container goes once the new one serves.
  auto one = wait_host(id, [](const json& h) { return h["usage"].value("sessions", -1) == 1; });
  EXPECT_EQ(one["usage"].value("sessions", -1), 1) << one;
  EXPECT_TRUE(d().running());
}

// Item 2: the warm pool is per host. t1 keeps hosts.warm_per_host warm
// containers; a session placed on t1 takes one of them; t1 gone drops them
// (counted nowhere) and they are removed when it answers again; t1 drained
// removes them while the session keeps running.
TEST_F(hosts_functest, EachHostKeepsItsOwnWarmContainers) {
  auto id = "t1w-" + std::to_string(::getpid());
  start("hostswarm", {{"SPAWN_ADMIN_TOKEN", admin_token},
                      {"SPAWN_HOSTS_TLS_DIR", tls_},
                      {"SPAWN_HOSTS_CHECK_INTERVAL_MS", "300"},
                      {"SPAWN_RUNTIME_WARM_POOL_SIZE", "0"},
                      {"SPAWN_HOSTS_WARM_PER_HOST", "1"}});
  // Bad values of the new key are refused at start.
  {
    auto bad = spawnd_functest::options("hostswarmbad");
    bad.env["SPAWN_HOSTS_WARM_PER_HOST"] = "-5";
    spawnd_process p{bad};
    EXPECT_FALSE(p.start()) << "hosts.warm_per_host -5 was accepted";
  }
  auto local0 = host("local");
  EXPECT_EQ(local0["usage"].value("warm", -1), 0) << local0; // runtime.warm_pool_size 0
  ASSERT_TRUE(add_t1(id));
  auto drained = admin("POST", "/admin/v1/hosts/local/drain");
  ASSERT_TRUE(drained && drained->status == 200);
  // One per tier kept warm (the app types' tiers), all on t1, none a session.
  auto warm = wait_host(id, [&](const json& h) {
    auto w = h["usage"].value("warm", 0);
    return w >= 1 && static_cast<size_t>(w) == warm_on_t1().size();
  });
  auto tiers = warm["usage"].value("warm", 0);
  ASSERT_GE(tiers, 1) << warm;
  EXPECT_EQ(warm["usage"].value("sessions", -1), 0) << warm;
  ASSERT_EQ(warm_on_t1().size(), static_cast<size_t>(tiers));
  // The host counts a warm container from its create on; the pool holds it
  // once the start has answered (its inspect), which under a loaded engine
  // can take more than a moment: wait for the pool's own count of t1's.
  auto pool_ready_on_t1 = [&] {
    auto r = admin("GET", "/admin/v1/stats");
    if (!r || r->status != 200)
      return -1;
    auto doc = parse_or_null(r->body);
    if (!doc.is_object() || !doc.contains("warm_pool") || !doc["warm_pool"].is_object()
        || !doc["warm_pool"].contains("hosts") || !doc["warm_pool"]["hosts"].contains(id))
      return 0;
    int n = 0;
    for (auto& [tier, counts] : doc["warm_pool"]["hosts"][id].items())
      n += counts.value("ready", 0);
    return n;
  };
  for (int i = 0; i < 200 && pool_ready_on_t1() < tiers; ++i)
    std::this_thread::sleep_for(100ms);
  ASSERT_EQ(pool_ready_on_t1(), tiers) << "t1's warm containers never reached its pool";

  auto [s, warm_ms] = create_timed("a pomodoro timer kept warm");
  ASSERT_EQ(s.value("state", ""), "running") << s;
  auto sid = s.value("id", "");
  EXPECT_NE(s.value("app_url", "").find("127.0.0.27:"), std::string::npos) << s;
  EXPECT_TRUE(took_warm(sid)) << "the session on t1 did not take t1's warm container";
  std::printf("session start on t1 with a warm container of t1: %lld ms from the request\n", warm_ms);
  // Refilled: one session and one warm container again.
  auto refilled = wait_host(id, [&](const json& h) {
    return h["usage"].value("warm", 0) == tiers && h["usage"].value("sessions", 0) == 1
           && warm_on_t1().size() == static_cast<size_t>(tiers);
  });
  EXPECT_EQ(refilled["usage"].value("warm", 0), tiers) << refilled;
  EXPECT_EQ(refilled["usage"].value("sessions", 0), 1) << refilled;
  auto stranded = warm_on_t1();
  ASSERT_EQ(stranded.size(), static_cast<size_t>(tiers));

  // Gone: its warm container counts nowhere; back: it is removed, a new one comes.
  ASSERT_EQ(sh(host_script() + " stop t1 127.0.0.27 >/dev/null 2>&1"), 0);
  auto gone = wait_host(id, [](const json& h) { return h.value("state", "") == "gone"; });
  ASSERT_EQ(gone.value("state", ""), "gone") << gone;
  EXPECT_EQ(gone["usage"].value("warm", -1), 0) << gone;
  ASSERT_EQ(sh(host_script() + " start t1 127.0.0.27 >/dev/null 2>&1"), 0);
  auto back = wait_host(id, [&](const json& h) {
    return h.value("state", "") == "ready" && h["usage"].value("warm", 0) == tiers;
  });
  EXPECT_EQ(back.value("state", ""), "ready") << back;
  auto left = [&] {
    auto now = warm_on_t1();
    int n = 0;
    for (auto& old : stranded)
      n += std::find(now.begin(), now.end(), old) != now.end() ? 1 : 0;
    return n;
  };
  for (int i = 0; i < 200 && left() > 0; ++i)
    std::this_thread::sleep_for(50ms);
  EXPECT_EQ(left(), 0) << "warm containers of the gone host were not removed when it came back";
  // The session came back on t1 (the only host taking apps).
  auto again = wait_for(sid, [](const json& j) {
    return j.value("state", "") == "running" && j.value("app_url", "").find("127.0.0.27:") != std::string::npos
           && static_cast<bool>(get_url(j.value("app_url", "")));
  }, 60s);
  EXPECT_EQ(again.value("state", ""), "running") << again;

  // Drained: its warm containers are removed; the session stays.
  auto d2 = admin("POST", "/admin/v1/hosts/" + id + "/drain");
  ASSERT_TRUE(d2 && d2->status == 200);
  auto empty = wait_host(id, [](const json& h) { return h["usage"].value("warm", 1) == 0; });
  EXPECT_EQ(empty["usage"].value("warm", -1), 0) << empty;
  for (int i = 0; i < 100 && !warm_on_t1().empty(); ++i)
    std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(warm_on_t1().empty()) << "warm containers left on the drained host";
  EXPECT_EQ(get(sid).value("state", ""), "running");
  EXPECT_TRUE(d().running());
}

} // namespace
} // namespace spawn::test::functest
