// DigitalOcean droplets on demand (issue 17), end to end with a real spawnd
// and the API double (tests/integration/do_api_double.hpp) whose droplets
// boot real Docker engines on 127.0.0.30+: the pool requests its minimum,
// the droplet becomes a ready host, a session's app runs there and answers,
// the full pool scales up, the app goes, the empty surplus droplet is
// destroyed; a provider whose create actions error leaves no droplet and a
// gone host. Needs root (the double starts Docker engines).
#include <unistd.h>

#include "infra/digitalocean.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"
#include "tests/integration/do_api_double.hpp"

namespace spawn::test::functest {
namespace {

constexpr const char* admin_token = "droplets-admin-token-0123456789abcd";
constexpr const char* do_token = "dop_v1_functest_token_0123456789";

class droplets_functest : public own_spawnd_functest {
protected:
  void SetUp() override {
    own_spawnd_functest::SetUp();
    if (IsSkipped())
      return;
    if (::geteuid() != 0)
      GTEST_SKIP() << "the droplet double starts Docker engines: needs root";
    api_ = std::make_unique<do_api_double>(do_token);
  }

  void TearDown() override {
    if (daemon_)
      daemon_->stop();
    // Droplets outlive spawnd by design; the test's go here (and their engines).
    digitalocean_settings s;
    s.api_base = api_ ? api_->base_url() : "";
    s.token = do_token;
    if (api_) {
      digitalocean client{s};
      if (auto left = client.list_tagged("spawnai-host"))
        for (auto& d : *left)
          (void) client.destroy(d.id);
    }
    own_spawnd_functest::TearDown();
    api_.reset();
  }

  spawnd_process& start_pool(const std::string& name, std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env{
      {"SPAWN_ADMIN_TOKEN", admin_token},
      {"DIGITALOCEAN_TOKEN", do_token},
      {"SPAWN_HOSTS_LOCAL", "false"},
      {"SPAWN_HOSTS_TLS_DIR", std::getenv("SPAWN_TEST_HOSTS_TLS") ? std::getenv("SPAWN_TEST_HOSTS_TLS")
                                                                 : "/var/lib/spawnai-hosts/tls"},
      {"SPAWN_HOSTS_CHECK_INTERVAL_MS", "300"},
      {"SPAWN_HOSTS_IDLE_DESTROY_MINUTES", "0.02"},
      {"SPAWN_HOSTS_DIGITALOCEAN_API_BASE", api_->base_url()},
      {"SPAWN_HOSTS_DIGITALOCEAN_MIN", "1"},
      {"SPAWN_HOSTS_DIGITALOCEAN_MAX", "2"},
      {"SPAWN_HOSTS_DIGITALOCEAN_CAPACITY", "1"},
      {"SPAWN_HOSTS_DIGITALOCEAN_SCALE_UP_FREE", "1"},
      {"SPAWN_HOSTS_DIGITALOCEAN_POLL_MS", "100"},
      {"SPAWN_HOSTS_DIGITALOCEAN_ENGINE_TIMEOUT_MS", "60000"},
      {"SPAWN_RUNTIME_WARM_POOL_SIZE", "0"},
      {"SPAWN_COSTS_ACCRUAL_INTERVAL_MS", "500"},
    };
    auto opts = spawnd_functest::options(name);
    opts.env["SPAWN_HEALTH_INTERVAL_MS"] = "500";
    for (auto& [k, v] : env)
      opts.env[k] = v;
    for (auto& [k, v] : extra)
      opts.env[k] = v;
    opts.wait_ready = false; // ready once a droplet is: that is what the test waits for
    daemon_ = std::make_unique<spawnd_process>(opts);
    EXPECT_TRUE(daemon_->start()) << daemon_->error();
    return *daemon_;
  }

  /// The droplet hosts, by state.
  std::map<std::string, int> droplet_states() {
    std::map<std::string, int> out;
    auto r = d().call("GET", "/admin/v1/hosts", {}, {{"Authorization", std::string{"Bearer "} + admin_token}});
    auto doc = r && r->status == 200 ? parse_or_null(r->body) : json::object();
    if (doc.contains("hosts"))
      for (auto& h : doc["hosts"])
        if (h.value("kind", "") == "digitalocean")
          out[h.value("state", "")]++;
    return out;
  }

  bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds within) {
    auto end = clock_type::now() + within;
    while (clock_type::now() < end) {
      if (cond())
        return true;
      std::this_thread::sleep_for(100ms);
    }
    return cond();
  }

  std::unique_ptr<do_api_double> api_;
};

TEST_F(droplets_functest, DropletsComeAppsRunThereAndEmptyOnesGo) {
  auto t0 = clock_type::now();
  start_pool("droplets");
  ASSERT_TRUE(wait_until([&] { return droplet_states()["ready"] == 1; }, 90s))
    << "no ready droplet; states: " << json(droplet_states()).dump();
  auto ready_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
  auto [id, token] = create_with_token("a pomodoro timer on a droplet");
  ASSERT_FALSE(id.empty());
  auto s = wait_state(id, "running", 60s);
  ASSERT_EQ(s.value("state", ""), "running") << s;
  auto url = s.value("app_url", "");
  EXPECT_NE(url.find("127.0.0.3"), std::string::npos) << "not on a droplet: " << url;
  auto page = get_url(url);
  ASSERT_TRUE(page && page->status == 200) << url;
  auto app_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
  std::printf("droplet request -> ready host: %lld ms; -> first app answers: %lld ms\n",
              static_cast<long long>(ready_ms), static_cast<long long>(app_ms));
  // The only droplet is full (capacity 1, scale_up_free 1): a second one comes.
  ASSERT_TRUE(wait_until([&] { return droplet_states()["ready"] == 2; }, 90s))
    << json(droplet_states()).dump();
  EXPECT_EQ(api_->live(), 2);
  // The app goes; one droplet is surplus once empty and is destroyed; min 1 stays.
  auto del = d().call("DELETE", "/api/v1/sessions/" + id, {}, {{"X-Manage-Token", token}});
  ASSERT_TRUE(del && del->status == 202);
  ASSERT_EQ(wait_state(id, "destroyed", 60s).value("state", ""), "destroyed");
  ASSERT_TRUE(wait_until([&] { return api_->live() == 1; }, 30s)) << "live droplets: " << api_->live();
  std::this_thread::sleep_for(1500ms); // a few more checks: the minimum stays
  EXPECT_EQ(api_->live(), 1);
  EXPECT_EQ(droplet_states()["ready"], 1) << json(droplet_states()).dump();
  EXPECT_GE(api_->requests("DELETE /v2/droplets/" + std::to_string(300001))
              + api_->requests("DELETE /v2/droplets/" + std::to_string(300002)), 1);

  // Droplet hours (table host_costs): both droplets have a line at the tier's
  // hourly price; the destroyed one is closed; the one that ran the app has
  // its sessions' share (capacity 1: all of its hours while the app ran).
  // (The double counts a droplet gone before its engine has stopped; the
  // pool closes the line once the destroy call has answered.)
  json doc;
  auto closed = [&] {
    auto r = d().call("GET", "/admin/v1/hosts", {}, {{"Authorization", std::string{"Bearer "} + admin_token}});
    doc = r && r->status == 200 ? parse_or_null(r->body) : json::object();
    if (doc.contains("droplet_costs"))
      for (auto& c : doc["droplet_costs"]["droplets"])
        if (c.value("ended", false))
          return true;
    return false;
  };
  EXPECT_TRUE(wait_until(closed, 30s)) << doc;
  auto& costs = doc["droplet_costs"];
  ASSERT_TRUE(costs.is_object()) << doc;
  ASSERT_EQ(costs["droplets"].size(), 2u) << costs;
  int ended = 0;
  double shared = 0;
  for (auto& c : costs["droplets"]) {
    EXPECT_DOUBLE_EQ(c.value("hourly_usd", 0.0), 0.00893) << c; // seed 002's small tier
    EXPECT_GT(c.value("usd", 0.0), 0.0) << c;
    EXPECT_NEAR(c.value("usd", 0.0), c.value("hours", 0.0) * 0.00893, 1e-9) << c;
    EXPECT_FALSE(c.value("droplet_id", "").empty()) << c;
    ended += c.value("ended", false) ? 1 : 0;
    shared += c.value("sessions_usd", 0.0);
  }
  EXPECT_EQ(ended, 1) << costs;
  EXPECT_GT(shared, 0.0) << "no droplet hours were charged to the session: " << costs;
  EXPECT_GT(costs.value("idle_usd", 0.0), 0.0) << costs;
  for (auto& h : doc["hosts"]) {
    if (h.value("kind", "") == "digitalocean") {
      EXPECT_TRUE(h["cost"].is_object()) << "a live droplet without its cost so far: " << h;
      EXPECT_EQ(h["cost"]["cost_items"].size(), 2u) << "a live droplet without its bill lines: " << h;
    }
  }

  // Droplet hours in cost_items (migration 21): each droplet has a `droplet`
  // line (hours x the tier's rate) and a `droplet_idle` line (no more than
  // it), the destroyed one's final and equal to its closed ledger line; the
  // session's compute line names the droplet it ran on.
  auto listed = d().call("GET", "/admin/v1/costs/hosts?node=" + d().node_id(), {},
                    {{"Authorization", std::string{"Bearer "} + admin_token}});
  ASSERT_TRUE(listed && listed->status == 200) << (listed ? listed->body : "no answer");
  auto lines_doc = parse_or_null(listed->body);
  ASSERT_EQ(lines_doc["lines"].size(), 4u) << lines_doc;
  std::map<std::string, json> droplet, idle;
  for (auto& l : lines_doc["lines"])
    (l.value("kind", "") == "droplet" ? droplet : idle)[l.value("host_id", "")] = l;
  ASSERT_EQ(droplet.size(), 2u) << lines_doc;
  ASSERT_EQ(idle.size(), 2u) << lines_doc;
  int carried = 0;
  for (auto& c : costs["droplets"]) {
    auto host = c.value("host_id", "");
    auto& line = droplet[host];
    ASSERT_TRUE(line.is_object()) << "no droplet line for " << host << ": " << lines_doc;
    EXPECT_EQ(line.value("unit", ""), "hour");
    EXPECT_DOUBLE_EQ(line.value("unit_price_usd", 0.0), 0.00893) << line;
    EXPECT_NEAR(line.value("amount_usd", 0.0),
                line.value("quantity", 0.0) * line.value("unit_price_usd", 0.0), 1e-12) << line;
    EXPECT_LE(idle[host].value("amount_usd", 1.0), line.value("amount_usd", 0.0) + 1e-15) << lines_doc;
    EXPECT_GE(idle[host].value("amount_usd", -1.0), 0.0) << lines_doc;
    if (c.value("ended", false)) { // final: the closed ledger line, to the cent and beyond
      EXPECT_NEAR(line.value("amount_usd", 0.0), c.value("usd", -1.0), 1e-15) << line << c;
      EXPECT_NEAR(line.value("quantity", 0.0), c.value("hours", -1.0), 1e-12) << line << c;
      std::printf("destroyed droplet %s: droplet %.6f h x $%.5f = $%.9f, idle $%.9f (%.6f h)\n",
                  host.c_str(), line.value("quantity", 0.0), line.value("unit_price_usd", 0.0),
                  line.value("amount_usd", 0.0), idle[host].value("amount_usd", 0.0),
                  idle[host].value("quantity", 0.0));
    }
    if (line.value("sessions", 0) > 0) {
      ++carried;
      EXPECT_EQ(line.value("sessions", 0), 1) << line;
      EXPECT_GT(line.value("sessions_billed_usd", 0.0), 0.0) << line;
      EXPECT_GT(c.value("sessions_usd", 0.0), 0.0) << "its compute line names a droplet that ran no session: " << c;
    }
  }
  EXPECT_EQ(carried, 1) << "the session's compute line does not name its droplet: " << lines_doc;
  std::this_thread::sleep_for(1200ms); // the live droplet's lines grow, the destroyed one's stay
  auto again = d().call("GET", "/admin/v1/costs/hosts?node=" + d().node_id() + "&kind=droplet", {},
                        {{"Authorization", std::string{"Bearer "} + admin_token}});
  ASSERT_TRUE(again && again->status == 200);
  for (auto& l : parse_or_null(again->body)["lines"]) {
    auto before = droplet[l.value("host_id", "")].value("amount_usd", 0.0);
    bool ended = false;
    for (auto& c : costs["droplets"])
      if (c.value("host_id", "") == l.value("host_id", ""))
        ended = c.value("ended", false);
    if (ended)
      EXPECT_DOUBLE_EQ(l.value("amount_usd", 0.0), before) << "a destroyed droplet's line grew: " << l;
    else
      EXPECT_GT(l.value("amount_usd", 0.0), before) << "a live droplet's line did not grow: " << l;
  }
}

TEST_F(droplets_functest, ErroredCreatesLeaveNoDropletAndAGoneHost) {
  api_->action_errors = true;
  start_pool("dropletsbad");
  ASSERT_TRUE(wait_until([&] { return droplet_states()["gone"] >= 1; }, 30s))
    << json(droplet_states()).dump();
  ASSERT_TRUE(wait_until([&] { return api_->live() == 0; }, 10s));
  EXPECT_GE(api_->created(), 1);
  EXPECT_EQ(droplet_states()["ready"], 0);
  // No session can run anywhere: a clear 503 or a failed session, never a hang.
  auto res = d().call("POST", "/api/v1/sessions", json{{"prompt", "nowhere to run"}, {"app_type", "webapp"}}.dump());
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->status == 201 || res->status == 503) << res->status << " " << res->body;
  EXPECT_TRUE(d().running());
  auto log = d().log_tail(400);
  EXPECT_EQ(log.find(do_token), std::string::npos) << "the API token is in spawnd's log";
}

} // namespace
} // namespace spawn::test::functest
