// Custom domains end to end (issue 18): a real Caddy (private to this suite),
// the shared Pebble ACME CA, PostgreSQL, the Docker engine and one spawnd
// serving apps over HTTPS at <id>.apps.domains.test. A domain attached to a
// session gets a route and, through on-demand TLS whose ask spawnd answers, a
// certificate from Pebble for that name; one nobody attached gets neither.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include "build_paths.hpp"
#include "tests/functional/caddy_process.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"

namespace spawn::test::functest {

namespace {

constexpr const char* apps_domain = "apps.domains.test";
constexpr int max_domains = 2;

/// The DNS names of the certificate Caddy presents for `sni` on `port`,
/// verified against `root` (openssl's complaint, without "DNS:", when the
/// handshake fails or does not verify).
std::string certificate_names(int port, const std::string& sni, const std::string& root) {
  return shell("echo | openssl s_client -connect 127.0.0.1:" + std::to_string(port)
               + " -servername " + sni + " -CAfile " + root
               + " -verify_return_error 2>/dev/null | openssl x509 -noout -ext "
                 "subjectAltName 2>/dev/null");
}

} // namespace

class domains_caddytest : public ::testing::Test {
public:
  static void SetUpTestSuite() {
    if (!spawn::test::functional_prereqs(why_))
      return;
    if (!have_caddy()) {
      why_ = "caddy is not installed (deploy/scripts/install-deps.sh)";
      return;
    }
    dir_ = "/tmp/spawnai-domains-caddytest-" + std::to_string(getpid());
    std::filesystem::create_directories(dir_);
    if (!find_pebble(dir_, pebble_, why_))
      return;
    caddy_ = new caddy_process(dir_ + "/caddy");
    if (!caddy_->start()) {
      start_error_ = "private Caddy did not start; see " + dir_ + "/caddy/caddy.log";
      return;
    }
    port_ = free_loopback_port();
    auto opts = spawnd_functest::options("domains");
    opts.env["SPAWN_EDGE_CADDY_ADMIN"] = caddy_->admin_url();
    opts.env["SPAWN_EDGE_SERVER"] = "domains";
    opts.env["SPAWN_EDGE_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
    opts.env["SPAWN_EDGE_CHECK_INTERVAL_MS"] = "300";
    opts.env["SPAWN_EDGE_APPS_DOMAIN"] = apps_domain;
    opts.env["SPAWN_EDGE_TLS"] = "true";
    opts.env["SPAWN_EDGE_ACME_CA"] = pebble_.directory;
    opts.env["SPAWN_EDGE_ACME_CA_ROOT"] = pebble_.listener_ca;
    opts.env["SPAWN_EDGE_MAX_DOMAINS_PER_SESSION"] = std::to_string(max_domains);
    opts.env["SPAWN_EDGE_IDLE_TIMEOUT_SECONDS"] = "3";
    spawnd_ = new spawnd_process(opts);
    if (!spawnd_->start()) {
      start_error_ = spawnd_->error();
      return;
    }
    for (auto deadline = clock_type::now() + 15s;
         caddy_->admin_status("/id/spawnai-edge-domains") != 200;) {
      if (clock_type::now() > deadline) {
        start_error_ = "spawnd never put its server into Caddy";
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
  }

  static void TearDownTestSuite() {
    delete spawnd_;
    delete caddy_;
    spawnd_ = nullptr;
    caddy_ = nullptr;
    if (!dir_.empty())
      std::filesystem::remove_all(dir_);
  }

protected:
  void SetUp() override {
    if (!why_.empty())
      GTEST_SKIP() << "custom domain prerequisites missing: " << why_;
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    ASSERT_TRUE(spawnd_->running()) << spawnd_->log_tail();
  }

  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "spawnd log " << spawnd_->log_path() << ":\n" << spawnd_->log_tail(40) << "\n";
      std::cerr << "caddy log tail:\n" << shell("tail -n 15 " + dir_ + "/caddy/caddy.log") << "\n";
    }
  }

  /// A running webapp: its JSON (id, manage_token).
  json running_app() {
    auto res = spawnd_->call("POST", "/api/v1/sessions",
                             R"({"prompt": "a counter with a big button", "app_type": "webapp"})");
    if (!res || res->status != 201) {
      ADD_FAILURE() << "create: " << (res ? res->body : spawn::message_of(res.error()));
      return nullptr;
    }
    auto created = parse_or_null(res->body);
    wait_state(created["id"].get<std::string>(), {"running", "sleeping"}, 60s);
    return created;
  }

  json get(const std::string& id) {
    auto res = spawnd_->call("GET", "/api/v1/sessions/" + id);
    return res && res->status == 200 ? parse_or_null(res->body) : json{};
  }

  json wait_state(const std::string& id, std::set<std::string> states,
                  std::chrono::milliseconds timeout) {
    auto deadline = clock_type::now() + timeout;
    json s;
    while (clock_type::now() < deadline) {
      s = get(id);
      if (states.count(s.value("state", "")))
        return s;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << id << " did not reach the state wanted; last " << s;
    return s;
  }

  /// POST .../domains with `body` and the token `token` (none when empty).
  std::pair<long, json> attach(const std::string& id, const std::string& body,
                               const std::string& token) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty())
      headers.emplace_back("X-Manage-Token", token);
    auto res = spawnd_->call("POST", "/api/v1/sessions/" + id + "/domains", body, headers);
    if (!res)
      return {0, nullptr};
    return {res->status, parse_or_null(res->body)};
  }

  std::pair<long, json> attach(const json& created, const std::string& domain) {
    return attach(created["id"].get<std::string>(), json{{"domain", domain}}.dump(),
                  created["manage_token"].get<std::string>());
  }

  long detach(const json& created, const std::string& domain, bool with_token = true) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (with_token)
      headers.emplace_back("X-Manage-Token", created["manage_token"].get<std::string>());
    auto res = spawnd_->call("DELETE",
                             "/api/v1/sessions/" + created["id"].get<std::string>() + "/domains/"
                               + domain,
                             {}, headers);
    return res ? res->status : 0;
  }

  long ask(const std::string& domain) {
    auto res = spawnd_->call("GET", "/edge/v1/ask?domain=" + domain);
    return res ? res->status : 0;
  }

  long destroy(const json& created) {
    auto res = spawnd_->call("DELETE", "/api/v1/sessions/" + created["id"].get<std::string>(), {},
                             {{"X-Manage-Token", created["manage_token"].get<std::string>()}});
    return res ? res->status : 0;
  }

  /// The hosts of session `id`'s route in Caddy (empty when it has none).
  json route_hosts(const std::string& id) {
    http_request req;
    req.url = caddy_->admin_url() + "/id/spawnai-" + id;
    req.timeout_ms = 3000;
    auto r = perform(req);
    if (!r || r->status != 200)
      return json::array();
    auto route = parse_or_null(r->body);
    return route.is_object() ? route["match"][0]["host"] : json::array();
  }

  /// A name of its own per test run: Pebble and Caddy remember certificates.
  static std::string unique(const std::string& label) {
    return label + "-" + std::to_string(getpid()) + ".example.test";
  }

  static inline std::string why_, start_error_, dir_;
  static inline pebble_info pebble_;
  static inline caddy_process* caddy_ = nullptr;
  static inline spawnd_process* spawnd_ = nullptr;
  static inline int port_ = 0;
};

TEST_F(domains_caddytest, an_attached_domain_gets_a_route_and_a_certificate_while_its_session_lives) {
  auto domain = unique("app");
  auto created = running_app();
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  auto app_host = id + "." + apps_domain;
  auto app = https_get(app_host, port_, pebble_.issuing_root, dir_);
  ASSERT_EQ(app.status, 200) << "the app through its own host first";
  // Not attached: ask says no, and no certificate is issued for the name.
  EXPECT_EQ(ask(domain), 404);
  auto before = https_get(domain, port_, pebble_.issuing_root, dir_);
  EXPECT_NE(before.rc, 0) << "a TLS handshake for a domain nobody attached";
  auto none = certificate_names(port_, domain, pebble_.issuing_root);
  EXPECT_EQ(none.find("DNS:"), std::string::npos) << none;

  auto t0 = clock_type::now();
  auto [status, body] = attach(created, "App-" + std::to_string(getpid()) + ".Example.TEST.");
  ASSERT_EQ(status, 201) << body;
  EXPECT_EQ(body["domain"], domain); // canonical: lower case, no trailing dot
  EXPECT_EQ(body["dns"]["type"], "CNAME");
  EXPECT_EQ(body["dns"]["name"], domain);
  EXPECT_EQ(body["dns"]["value"], app_host);
  EXPECT_EQ(body["url"], "https://" + domain + ":" + std::to_string(port_) + "/");
  EXPECT_EQ(body["domains"], json::array({domain}));
  EXPECT_EQ(route_hosts(id), json::array({app_host, domain}));
  EXPECT_EQ(ask(domain), 200);
  curl_result r;
  for (auto deadline = clock_type::now() + 30s; clock_type::now() < deadline;) {
    r = https_get(domain, port_, pebble_.issuing_root, dir_);
    if (r.status == 200)
      break;
    std::this_thread::sleep_for(100ms);
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
  ASSERT_EQ(r.status, 200) << "curl rc " << r.rc;
  EXPECT_EQ(r.body, app.body) << "the custom domain serves the session's app";
  std::cout << "[ info     ] custom domain attach -> first HTTPS 200 with a Pebble certificate: "
            << took.count() << " ms\n";
  auto names = certificate_names(port_, domain, pebble_.issuing_root);
  EXPECT_NE(names.find("DNS:" + domain), std::string::npos) << names;
  EXPECT_EQ(names.find(app_host), std::string::npos) << "a certificate of its own: " << names;
  // Listed in the session and by GET .../domains.
  EXPECT_EQ(get(id)["domains"], json::array({domain}));
  auto list = spawnd_->call("GET", "/api/v1/sessions/" + id + "/domains");
  ASSERT_TRUE(list && list->status == 200);
  auto listed = parse_or_null(list->body);
  ASSERT_EQ(listed["domains"].size(), 1u) << listed;
  EXPECT_EQ(listed["domains"][0]["dns"]["value"], app_host);
  EXPECT_EQ(listed["max_domains"], max_domains);
  // Attaching it again changes nothing; another live session cannot have it.
  EXPECT_EQ(attach(created, domain).first, 201);
  auto other = running_app();
  ASSERT_FALSE(other.is_null());
  auto taken = attach(other, domain);
  EXPECT_EQ(taken.first, 409) << taken.second;
  EXPECT_EQ(taken.second["error"]["code"], "conflict");

  // Destroyed: ask says no, the route is gone, the domain is free again.
  EXPECT_EQ(destroy(created), 202);
  wait_state(id, {"destroyed"}, 30s);
  EXPECT_EQ(ask(domain), 403);
  EXPECT_EQ(caddy_->admin_status("/id/spawnai-" + id), 404);
  auto after = https_get(domain, port_, pebble_.issuing_root, dir_);
  EXPECT_NE(after.body, app.body) << "the destroyed app still answers at its domain";
  auto moved = attach(other, domain);
  EXPECT_EQ(moved.first, 201) << moved.second;
  EXPECT_EQ(ask(domain), 200);
  // Detached: the route loses it, ask stops approving it.
  auto other_id = other["id"].get<std::string>();
  EXPECT_EQ(route_hosts(other_id), json::array({other_id + "." + apps_domain, domain}));
  EXPECT_EQ(detach(other, domain), 200);
  EXPECT_EQ(route_hosts(other_id), json::array({other_id + "." + apps_domain}));
  EXPECT_EQ(ask(domain), 404);
  EXPECT_EQ(detach(other, domain), 404);
  EXPECT_EQ(destroy(other), 202);
}

TEST_F(domains_caddytest, bad_domain_requests_get_clear_json_errors_and_spawnd_lives_on) {
  auto created = running_app();
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  auto token = created["manage_token"].get<std::string>();
  auto ok_body = json{{"domain", unique("fine")}}.dump();
  EXPECT_EQ(attach(id, ok_body, "").first, 401);
  EXPECT_EQ(attach(id, ok_body, "not-the-token").first, 403);
  EXPECT_EQ(attach("s00000000000", ok_body, token).first, 404);
  EXPECT_EQ(attach("no-such-id!", ok_body, token).first, 404);
  for (std::string bad :
       {std::string{"not json"}, std::string{"[]"}, std::string{"{}"},
        std::string{R"({"domain": 42})"}, std::string{R"({"domain": null})"},
        json{{"domain", ""}}.dump(), json{{"domain", "bad_name.example.test"}}.dump(),
        json{{"domain", std::string(64, 'a') + ".example.test"}}.dump(),
        json{{"domain", std::string(250, 'a') + ".test"}}.dump(),
        json{{"domain", "127.0.0.1"}}.dump(), json{{"domain", "[::1]"}}.dump(),
        json{{"domain", "example.test:8443"}}.dump(), json{{"domain", "localhost"}}.dump(),
        json{{"domain", apps_domain}}.dump(),
        json{{"domain", "x." + id + "." + apps_domain}}.dump(),
        json{{"domain", "*.example.test"}}.dump(), json{{"domain", "a..example.test"}}.dump(),
        json{{"domain", "-a.example.test"}}.dump()}) {
    auto [status, body] = attach(id, bad, token);
    EXPECT_EQ(status, 400) << bad << " -> " << body;
    EXPECT_EQ(body["error"]["code"], "invalid_input") << bad;
  }
  // The per-session cap.
  for (int i = 0; i < max_domains; ++i)
    EXPECT_EQ(attach(created, unique("cap" + std::to_string(i))).first, 201);
  auto over = attach(created, unique("cap-over"));
  EXPECT_EQ(over.first, 400) << over.second;
  EXPECT_NE(over.second["error"]["message"].get<std::string>().find("at most"), std::string::npos);
  // Detach: token checks and bad names too.
  EXPECT_EQ(detach(created, unique("cap0"), false), 401);
  EXPECT_EQ(detach(created, "bad_name.test"), 400);
  EXPECT_EQ(detach(created, unique("never")), 404);
  EXPECT_EQ(detach(created, unique("cap0")), 200);
  EXPECT_EQ(get(id)["domains"], json::array({unique("cap1")}));
  // ask: junk is a 400, never an approval.
  for (std::string junk : {std::string{"%00"}, std::string{"a%20b.test"}, std::string{"..."},
                           std::string(300, 'a')})
    EXPECT_EQ(ask(junk), 400) << junk;
  EXPECT_EQ(destroy(created), 202);
  wait_state(id, {"destroyed"}, 30s);
  EXPECT_EQ(attach(created, unique("late")).first, 409); // not live any more
  EXPECT_TRUE(spawnd_->running());
  EXPECT_EQ(spawnd_->call("GET", "/healthz")->status, 200);
}

TEST_F(domains_caddytest, a_sleeping_app_wakes_through_its_custom_domain) {
  auto domain = unique("sleepy");
  auto created = running_app();
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  ASSERT_EQ(attach(created, domain).first, 201);
  curl_result first;
  for (auto deadline = clock_type::now() + 30s; clock_type::now() < deadline;) {
    first = https_get(domain, port_, pebble_.issuing_root, dir_);
    if (first.status == 200)
      break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(first.status, 200);
  wait_state(id, {"sleeping"}, 30s);
  // Paused: the route goes through the activator, which names the session in
  // its query (the Host is the custom domain, not <id>.<apps_domain>).
  auto woken = https_get(domain, port_, pebble_.issuing_root, dir_);
  EXPECT_EQ(woken.status, 200);
  EXPECT_EQ(woken.body, first.body);
  wait_state(id, {"running"}, 5s);
  EXPECT_EQ(destroy(created), 202);
}

TEST_F(domains_caddytest, spawnctl_adds_lists_and_removes_domains) {
  auto created = running_app();
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  auto domain = unique("ctl");
  // stdout and the exit code of spawnctl with `args` against this spawnd.
  auto ctl = [&](const std::string& args, const std::string& token) {
    auto cmd = "HOME=" + dir_ + " " SPAWNCTL_BINARY " --server http://127.0.0.1:"
               + std::to_string(spawnd_->port()) + (token.empty() ? "" : " --token " + token)
               + " " + args + " 2>/dev/null";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
      out.append(buf, n);
    int status = pclose(p);
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
  };
  auto token = created["manage_token"].get<std::string>();
  auto added = ctl("domains add " + id + " " + domain, token);
  EXPECT_EQ(added.first, 0);
  EXPECT_NE(added.second.find("CNAME"), std::string::npos) << added.second;
  EXPECT_NE(added.second.find(id + "." + apps_domain), std::string::npos) << added.second;
  auto listed = ctl("domains list " + id, token);
  EXPECT_EQ(listed.first, 0);
  EXPECT_NE(listed.second.find(domain), std::string::npos) << listed.second;
  EXPECT_EQ(ctl("domains add " + id + " bad_name.test", token).first, 1);   // 400
  EXPECT_EQ(ctl("domains add " + id + " " + unique("x"), "wrong").first, 5); // 403
  EXPECT_EQ(ctl("domains add " + id, token).first, 2);                      // usage
  EXPECT_EQ(ctl("domains rm " + id + " " + domain, token).first, 0);
  EXPECT_EQ(get(id)["domains"], json::array());
  EXPECT_EQ(destroy(created), 202);
}

} // namespace spawn::test::functest
