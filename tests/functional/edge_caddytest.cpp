// The edge end to end: a real Caddy (private to this suite), the shared Pebble
// ACME CA, PostgreSQL, the Docker engine and two spawnd: one serving apps over
// HTTPS at <id>.apps.spawnai.test with certificates from Pebble, one over plain
// HTTP at <id>.localhost that pauses apps idle for 2 s.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/functional/caddy_process.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"

namespace spawn::test::functest {

namespace {

constexpr const char* tls_domain = "apps.spawnai.test";

/// True when something accepts TCP connections on 127.0.0.1:`port`.
bool accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

/// Plain HTTP through Caddy with `host` in the Host header.
caf::expected<spawn::http_response> http_get(int port, const std::string& host,
                                             const std::string& path = "/") {
  spawn::http_request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + path;
  req.headers.emplace_back("Host", host);
  req.timeout_ms = 15000;
  return spawn::perform(req);
}

} // namespace

class edge_caddytest : public ::testing::Test {
public:
  static void SetUpTestSuite() {
    if (!spawn::test::functional_prereqs(why_))
      return;
    if (!have_caddy()) {
      why_ = "caddy is not installed (deploy/scripts/install-deps.sh)";
      return;
    }
    dir_ = "/tmp/spawnai-edge-caddytest-" + std::to_string(getpid());
    std::filesystem::create_directories(dir_);
    if (!find_pebble(dir_, pebble_, why_))
      return;
    caddy_ = new caddy_process(dir_ + "/caddy");
    if (!caddy_->start()) {
      start_error_ = "private Caddy did not start; see " + dir_ + "/caddy/caddy.log";
      return;
    }
    // A spawnd whose edge is server `name` of the private Caddy, on `port`.
    auto edge_options = [](const std::string& name, int port) {
      auto opts = spawnd_functest::options(name);
      opts.env["SPAWN_EDGE_CADDY_ADMIN"] = caddy_->admin_url();
      opts.env["SPAWN_EDGE_SERVER"] = name;
      opts.env["SPAWN_EDGE_LISTEN"] = "127.0.0.1:" + std::to_string(port);
      opts.env["SPAWN_EDGE_CHECK_INTERVAL_MS"] = "300";
      return opts;
    };
    tls_port_ = free_loopback_port();
    auto tls_opts = edge_options("edgetls", tls_port_);
    tls_opts.env["SPAWN_EDGE_APPS_DOMAIN"] = tls_domain;
    tls_opts.env["SPAWN_EDGE_TLS"] = "true";
    tls_opts.env["SPAWN_EDGE_ACME_CA"] = pebble_.directory;
    tls_opts.env["SPAWN_EDGE_ACME_CA_ROOT"] = pebble_.listener_ca;
    tls_opts.env["SPAWN_EDGE_EXPIRED_RETENTION_SECONDS"] = "3600";
    tls_ = new spawnd_process(tls_opts);
    if (!tls_->start()) {
      start_error_ = tls_->error();
      return;
    }
    web_port_ = free_loopback_port();
    auto web_opts = edge_options("edgeweb", web_port_);
    web_opts.env["SPAWN_EDGE_IDLE_TIMEOUT_SECONDS"] = "2";
    web_ = new spawnd_process(web_opts);
    if (!web_->start()) {
      start_error_ = web_->error();
      return;
    }
    // spawnd adds its server to Caddy after it listens itself: until Caddy
    // listens on the edge ports too, a request there is refused (the junk-host
    // test once read that as "no answer" to a long Host header).
    for (int port : {tls_port_, web_port_}) {
      bool up = false;
      for (auto deadline = clock_type::now() + 15s; !up && clock_type::now() < deadline;) {
        up = accepts(port);
        if (!up)
          std::this_thread::sleep_for(50ms);
      }
      if (!up) {
        start_error_ = "Caddy never listened on edge port " + std::to_string(port);
        return;
      }
    }
  }

  static void TearDownTestSuite() {
    delete tls_;
    delete web_;
    delete caddy_;
    tls_ = web_ = nullptr;
    caddy_ = nullptr;
    if (!dir_.empty())
      std::filesystem::remove_all(dir_);
  }

protected:
  void SetUp() override {
    if (!why_.empty())
      GTEST_SKIP() << "edge prerequisites missing: " << why_;
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    ASSERT_TRUE(tls_->running()) << tls_->log_tail();
    ASSERT_TRUE(web_->running()) << web_->log_tail();
  }

  void TearDown() override {
    if (HasFailure()) {
      for (auto* d : {tls_, web_})
        if (d)
          std::cerr << "spawnd log " << d->log_path() << ":\n" << d->log_tail(40) << "\n";
      std::cerr << "caddy log tail:\n" << shell("tail -n 15 " + dir_ + "/caddy/caddy.log") << "\n";
    }
  }

  /// Creates a webapp on `d`; its JSON (id, manage_token).
  json create(spawnd_process& d) {
    auto res = d.call("POST", "/api/v1/sessions",
                      R"({"prompt": "a counter with a big button", "app_type": "webapp"})");
    if (!res || res->status != 201) {
      ADD_FAILURE() << "create: " << (res ? res->body : spawn::message_of(res.error()));
      return nullptr;
    }
    return parse_or_null(res->body);
  }

  json get(spawnd_process& d, const std::string& id) {
    auto res = d.call("GET", "/api/v1/sessions/" + id);
    return res && res->status == 200 ? parse_or_null(res->body) : json{};
  }

  /// Polls until the session is exactly in `state`.
  json wait_exact(spawnd_process& d, const std::string& id, const std::string& state,
                  std::chrono::milliseconds timeout) {
    auto deadline = clock_type::now() + timeout;
    json s;
    while (clock_type::now() < deadline) {
      s = get(d, id);
      if (s.value("state", "") == state)
        return s;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << id << " did not become " << state << "; last " << s;
    return s;
  }

  long destroy(spawnd_process& d, const json& created) {
    auto res = d.call("DELETE", "/api/v1/sessions/" + created["id"].get<std::string>(), {},
                      {{"X-Manage-Token", created["manage_token"].get<std::string>()}});
    return res ? res->status : 0;
  }

  std::string tls_host(const std::string& id) {
    return id + "." + tls_domain;
  }

  static inline std::string why_, start_error_, dir_;
  static inline pebble_info pebble_;
  static inline caddy_process* caddy_ = nullptr;
  static inline spawnd_process *tls_ = nullptr, *web_ = nullptr;
  static inline int tls_port_ = 0, web_port_ = 0;
};

TEST_F(edge_caddytest, a_session_gets_a_route_and_a_certificate_from_the_acme_ca) {
  auto created = create(*tls_);
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  auto s = wait_exact(*tls_, id, "running", 60s);
  EXPECT_EQ(s.value("app_url", ""),
            "https://" + tls_host(id) + ":" + std::to_string(tls_port_) + "/");
  EXPECT_EQ(caddy_->admin_status("/id/spawnai-" + id), 200);
  auto r = https_get(tls_host(id), tls_port_, pebble_.issuing_root, dir_);
  EXPECT_EQ(r.rc, 0) << "curl failed (60: certificate not trusted, 35: TLS handshake)";
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<html"), std::string::npos) << r.body.substr(0, 300);
  // The certificate names the host and was issued by Pebble's chain.
  auto subject = shell("echo | openssl s_client -connect 127.0.0.1:" + std::to_string(tls_port_)
                       + " -servername " + tls_host(id) + " -CAfile " + pebble_.issuing_root
                       + " -verify_return_error 2>/dev/null | openssl x509 -noout -ext "
                         "subjectAltName");
  EXPECT_NE(subject.find("DNS:" + tls_host(id)), std::string::npos) << subject;
  // Not trusted without Pebble's root.
  auto untrusted = shell("curl -s -m 10 -o /dev/null --resolve " + tls_host(id) + ":"
                         + std::to_string(tls_port_) + ":127.0.0.1 https://" + tls_host(id) + ":"
                         + std::to_string(tls_port_) + "/; echo $?");
  EXPECT_EQ(untrusted, "60");
  EXPECT_EQ(destroy(*tls_, created), 202);
}

TEST_F(edge_caddytest, ask_approves_only_hosts_of_live_sessions) {
  auto created = create(*tls_);
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  wait_exact(*tls_, id, "running", 60s);
  auto ask = [&](const std::string& domain) {
    auto res = tls_->call("GET", "/edge/v1/ask?domain=" + domain);
    return res ? res->status : 0L;
  };
  EXPECT_EQ(ask(tls_host(id)), 200);
  EXPECT_EQ(ask("s00000000000." + std::string{tls_domain}), 404);  // well formed, unknown
  EXPECT_EQ(ask(id + ".evil.test"), 404); // a custom domain nobody attached
  for (std::string bad : {std::string{}, std::string{"%00"}, std::string{"localhost"},
                          id + "." + tls_domain + ":443", std::string{"127.0.0.1"},
                          "x." + tls_host(id), std::string(3000, 'a'), std::string{"%ff%fe"},
                          std::string{"a%20b." } + tls_domain, std::string{"..."}})
    EXPECT_EQ(ask(bad), 400) << bad;
  EXPECT_EQ(tls_->call("GET", "/edge/v1/ask")->status, 400);
  EXPECT_EQ(destroy(*tls_, created), 202);
  wait_exact(*tls_, id, "destroyed", 30s);
  EXPECT_EQ(ask(tls_host(id)), 403);
  // A host nobody approved gets no certificate: the handshake fails.
  auto r = https_get("s00000000001." + std::string{tls_domain}, tls_port_, pebble_.issuing_root,
                     dir_);
  EXPECT_NE(r.rc, 0);
  EXPECT_TRUE(tls_->running());
  // The edge endpoints count under their own route in the HTTP metrics.
  auto metrics = tls_->call("GET", "/metrics");
  ASSERT_TRUE(metrics && metrics->status == 200);
  for (auto series : {"route=\"GET /edge/v1/ask\",status=\"200\"",
                      "route=\"GET /edge/v1/ask\",status=\"400\""})
    EXPECT_NE(metrics->body.find(series), std::string::npos) << series;
}

TEST_F(edge_caddytest, after_destroy_the_route_is_gone_and_the_host_says_expired) {
  auto created = create(*tls_);
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  wait_exact(*tls_, id, "running", 60s);
  ASSERT_EQ(https_get(tls_host(id), tls_port_, pebble_.issuing_root, dir_).status, 200);
  EXPECT_EQ(destroy(*tls_, created), 202);
  wait_exact(*tls_, id, "destroyed", 30s);
  EXPECT_EQ(caddy_->admin_status("/id/spawnai-" + id), 404);
  auto r = https_get(tls_host(id), tls_port_, pebble_.issuing_root, dir_);
  EXPECT_EQ(r.status, 410);
  EXPECT_NE(r.body.find("This app has expired"), std::string::npos) << r.body;
}

TEST_F(edge_caddytest, a_restarted_caddy_gets_every_live_route_back) {
  auto created = create(*tls_);
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  wait_exact(*tls_, id, "running", 60s);
  ASSERT_EQ(https_get(tls_host(id), tls_port_, pebble_.issuing_root, dir_).status, 200);
  caddy_->stop();
  ASSERT_TRUE(caddy_->start());
  // The restarted Caddy loaded only its base config (no servers, no routes): whatever
  // is there from now on was put back by the nodes' edge keepers (300 ms ticks).
  auto deadline = clock_type::now() + 20s;
  // Each node's keeper notices on its own tick: wait for both.
  while (clock_type::now() < deadline
         && (caddy_->admin_status("/id/spawnai-" + id) != 200
             || caddy_->admin_status("/id/spawnai-edge-edgeweb") != 200))
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(caddy_->admin_status("/id/spawnai-" + id), 200);
  // The other node's server came back as well.
  EXPECT_EQ(caddy_->admin_status("/id/spawnai-edge-edgeweb"), 200);
  auto r = https_get(tls_host(id), tls_port_, pebble_.issuing_root, dir_);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(destroy(*tls_, created), 202);
}

TEST_F(edge_caddytest, hosts_show_pages_instead_of_bare_502s) {
  // Unknown host → 404 page.
  auto unknown = http_get(web_port_, "s00000000002.localhost");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(unknown->body.find("No app here"), std::string::npos);
  // While it starts: only the starting page (503, refreshing) or the app.
  auto created = create(*web_);
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  auto host = id + ".localhost";
  int starting = 0;
  for (int i = 0; i < 600; ++i) {
    auto r = http_get(web_port_, host);
    ASSERT_TRUE(r);
    if (r->status == 200)
      break;
    ASSERT_EQ(r->status, 503) << r->body;
    EXPECT_NE(r->body.find("Starting"), std::string::npos) << r->body;
    EXPECT_EQ(r->headers["retry-after"], "2");
    ++starting;
    std::this_thread::sleep_for(20ms);
  }
  std::cout << "[ info     ] " << starting << " starting pages before the app answered\n";
  auto s = wait_exact(*web_, id, "running", 60s);
  EXPECT_EQ(s.value("app_url", ""), "http://" + host + ":" + std::to_string(web_port_) + "/");
  EXPECT_EQ(http_get(web_port_, host)->status, 200);
  // The app dies (its container is killed): a page that says so, with a link.
  shell("docker kill spawnai-" + id);
  auto dead = http_get(web_port_, host);
  ASSERT_TRUE(dead);
  EXPECT_EQ(dead->status, 503);
  EXPECT_NE(dead->body.find("not answering"), std::string::npos) << dead->body;
  EXPECT_NE(dead->body.find("#s=" + id), std::string::npos);
  EXPECT_EQ(destroy(*web_, created), 202);
  wait_exact(*web_, id, "destroyed", 30s);
  auto gone = http_get(web_port_, host);
  EXPECT_EQ(gone->status, 410);
}

TEST_F(edge_caddytest, an_idle_app_is_paused_and_a_request_wakes_it) {
  auto created = create(*web_);
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  auto host = id + ".localhost";
  wait_exact(*web_, id, "running", 60s);
  auto awake = http_get(web_port_, host);
  ASSERT_TRUE(awake);
  ASSERT_EQ(awake->status, 200);
  wait_exact(*web_, id, "sleeping", 20s);
  EXPECT_EQ(shell("docker inspect -f '{{.State.Status}}' spawnai-" + id), "paused");
  auto t0 = clock_type::now();
  auto woken = http_get(web_port_, host);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
  ASSERT_TRUE(woken) << spawn::message_of(woken.error());
  EXPECT_EQ(woken->status, 200);
  EXPECT_EQ(woken->body, awake->body);
  std::cout << "[ info     ] first request to a paused app answered in " << took.count()
            << " ms\n";
  wait_exact(*web_, id, "running", 5s); // answered at once, persisted right after
  EXPECT_EQ(shell("docker inspect -f '{{.State.Status}}' spawnai-" + id), "running");
  auto events = web_->call("GET", "/api/v1/sessions/" + id + "/events");
  ASSERT_TRUE(events);
  EXPECT_NE(events->body.find("paused; the next request wakes it"), std::string::npos);
  EXPECT_NE(events->body.find("Woken by a request"), std::string::npos);
  // It sleeps again when left alone, and destroying a sleeping app works.
  wait_exact(*web_, id, "sleeping", 20s);
  EXPECT_EQ(destroy(*web_, created), 202);
  wait_exact(*web_, id, "destroyed", 30s);
  EXPECT_EQ(caddy_->admin_status("/id/spawnai-" + id), 404);
}

TEST_F(edge_caddytest, junk_hosts_and_domains_are_refused_and_spawnd_lives_on) {
  // A control character in a header: the HTTP parser drops the connection.
  auto control = web_->call("GET", "/edge/v1/host", {}, {{"Host", "s0000000000\x7f.localhost"}});
  EXPECT_TRUE(!control || (control->status >= 400 && control->status < 500));
  for (std::string host : {std::string(5000, 'a') + ".localhost", std::string{"..localhost"},
                           std::string{"[::1]"}, std::string{"s0000000000.localhost:x"},
                           std::string{"localhost:99999999999"}, std::string{"%00.localhost"}}) {
    auto direct = web_->call("GET", "/edge/v1/host", {}, {{"Host", host}});
    ASSERT_TRUE(direct) << host;
    EXPECT_GE(direct->status, 400) << host;
    EXPECT_LT(direct->status, 500) << host;
    auto wake = web_->call("GET", "/edge/v1/wake", {}, {{"Host", host}});
    ASSERT_TRUE(wake);
    EXPECT_GE(wake->status, 400) << host;
    EXPECT_LT(wake->status, 500) << host;
  }
  auto unknown_wake = web_->call("GET", "/edge/v1/wake", {}, {{"Host", "s00000000003.localhost"}});
  ASSERT_TRUE(unknown_wake);
  EXPECT_EQ(unknown_wake->status, 404);
  // Through Caddy (whose own limit is Go's 1 MiB head): spawnd's host page
  // refuses a name over 253 characters, and spawnd's framing screen answers a
  // header over 16 KiB with 431 JSON, which Caddy passes on.
  auto long_host = http_get(web_port_, std::string(4000, 'b') + ".localhost");
  ASSERT_TRUE(long_host) << spawn::message_of(long_host.error());
  EXPECT_EQ(long_host->status, 400) << long_host->body;
  EXPECT_NE(long_host->body.find("Bad address"), std::string::npos) << long_host->body;
  auto huge_host = http_get(web_port_, std::string(20000, 'b') + ".localhost");
  ASSERT_TRUE(huge_host) << spawn::message_of(huge_host.error());
  EXPECT_EQ(huge_host->status, 431) << huge_host->body;
  EXPECT_NE(huge_host->body.find("request_too_large"), std::string::npos) << huge_host->body;
  EXPECT_TRUE(web_->running());
  EXPECT_TRUE(tls_->running());
  EXPECT_EQ(web_->call("GET", "/healthz")->status, 200);
}

} // namespace spawn::test::functest
