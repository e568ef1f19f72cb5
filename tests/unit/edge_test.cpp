// The pure parts of the edge: app hosts, app URLs, route JSON, host pages and
// the edge configuration keys.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/tokens.hpp"
#include "http/edge_routes.hpp"
#include "infra/caddy_admin.hpp"
#include "infra/config.hpp"

using namespace spawn;
using nlohmann::json;

namespace {

edge_settings settings(bool tls = false) {
  auto cfg = parse_config(tls ? R"({"edge": {"caddy_admin": "http://127.0.0.1:2019",
      "apps_domain": "apps.example.com", "listen": ":443", "tls": true}})"
                              : R"({"edge": {"caddy_admin": "http://127.0.0.1:2019"}})");
  EXPECT_TRUE(cfg) << message_of(cfg.error());
  return edge_settings_of(*cfg);
}

} // namespace

TEST(edge_test, app_urls) {
  auto id = new_session_id();
  EXPECT_EQ(edge_app_url(settings(), id), "http://" + id + ".localhost:8081/");
  EXPECT_EQ(edge_app_url(settings(true), id), "https://" + id + ".apps.example.com/");
  EXPECT_EQ(settings().spawnd_dial, "127.0.0.1:8080");
}

TEST(edge_test, hosts_name_sessions_or_nothing) {
  auto s = settings(true);
  auto id = new_session_id();
  EXPECT_EQ(session_of_host(s, id + ".apps.example.com"), id);
  EXPECT_EQ(session_of_host(s, id + ".APPS.example.com:8443"), id);
  for (std::string bad :
       {std::string{}, std::string{"apps.example.com"}, std::string{".apps.example.com"},
        id + ".apps.example.com:", id + ".apps.example.com:99999999", id + ".apps.example.com:x",
        id + ".evil.com", "x" + id + ".apps.example.com", "a." + id + ".apps.example.com",
        id + "apps.example.com", std::string(300, 'a') + ".apps.example.com",
        std::string{"\x01\x02.apps.example.com"}, id + ".apps.example.com.evil.com"})
    EXPECT_EQ(session_of_host(s, bad), "") << bad;
}

TEST(edge_test, route_json_goes_to_the_app_or_through_the_activator) {
  caddy_admin caddy{settings()};
  auto id = new_session_id();
  auto awake = json::parse(caddy.route_json(id, "127.0.0.1:4000", false));
  EXPECT_EQ(awake["@id"], "spawnai-" + id);
  EXPECT_EQ(awake["match"][0]["host"][0], id + ".localhost");
  ASSERT_EQ(awake["handle"].size(), 1u);
  EXPECT_EQ(awake["handle"][0]["upstreams"][0]["dial"], "127.0.0.1:4000");
  auto asleep = json::parse(caddy.route_json(id, "127.0.0.1:4000", true));
  ASSERT_EQ(asleep["handle"].size(), 2u);
  EXPECT_EQ(asleep["handle"][0]["upstreams"][0]["dial"], "127.0.0.1:8080");
  EXPECT_EQ(asleep["handle"][0]["rewrite"]["uri"], "/edge/v1/wake?session=" + id);
  EXPECT_EQ(asleep["handle"][1]["upstreams"][0]["dial"], "127.0.0.1:4000");
}

TEST(edge_test, a_route_serves_the_custom_domains_of_its_session_too) {
  caddy_admin caddy{settings(true)};
  auto id = new_session_id();
  auto r = json::parse(
    caddy.route_json(id, "127.0.0.1:4000", false, {"app.example.org", "www.example.org"}));
  EXPECT_EQ(r["match"][0]["host"],
            json::array({id + ".apps.example.com", "app.example.org", "www.example.org"}));
  EXPECT_EQ(r["@id"], "spawnai-" + id);
}

TEST(edge_test, tls_issues_on_demand_for_app_hosts_and_for_any_domain_ask_approves) {
  caddy_admin caddy{settings(true)};
  auto tls = json::parse(caddy.tls_json());
  auto& policies = tls["automation"]["policies"];
  ASSERT_EQ(policies.size(), 2u);
  EXPECT_EQ(policies[0]["subjects"], json::array({"*.apps.example.com"}));
  // The custom domains' policy has no subjects (catch-all), on demand, so a
  // name is only ever issued once spawnd's ask approved it.
  EXPECT_FALSE(policies[1].contains("subjects"));
  EXPECT_EQ(policies[1]["on_demand"], true);
  EXPECT_EQ(tls["automation"]["on_demand"]["ask"], "http://127.0.0.1:8080/edge/v1/ask");
}

TEST(edge_test, pages_by_state) {
  session_record rec;
  rec.id = new_session_id();
  auto now = now_ms();
  auto unknown = host_page(nullptr, false, now, 3600, "http://x");
  EXPECT_EQ(unknown.status, 404);
  for (auto p : {phase::requested, phase::provisioning, phase::generating, phase::deploying}) {
    rec.state = p;
    auto page = host_page(&rec, false, now, 3600, "http://x");
    EXPECT_EQ(page.status, 503);
    EXPECT_EQ(page.title, "Starting…");
    EXPECT_GT(page.refresh_seconds, 0);
    EXPECT_NE(render_page(page).find("http-equiv=\"refresh\""), std::string::npos);
  }
  rec.state = phase::running;
  auto crashed = host_page(&rec, true, now, 3600, "http://x");
  EXPECT_EQ(crashed.status, 503);
  EXPECT_EQ(crashed.title, "This app is not answering");
  EXPECT_EQ(crashed.link, "http://x/#s=" + rec.id);
  rec.state = phase::failed;
  rec.failure_reason = "deploying failed <script>";
  auto failed = host_page(&rec, false, now, 3600, "http://x");
  EXPECT_EQ(failed.status, 503);
  auto html = render_page(failed);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("http://x/#s=" + rec.id), std::string::npos);
  rec.state = phase::destroyed;
  rec.destroyed_at = now - 1000;
  EXPECT_EQ(host_page(&rec, false, now, 3600, "http://x").status, 410);
  EXPECT_EQ(host_page(&rec, false, now, 3600, "http://x").title, "This app has expired");
  rec.destroyed_at = now - 3601 * 1000;
  EXPECT_EQ(host_page(&rec, false, now, 3600, "http://x").status, 404);
}

TEST(edge_test, edge_config_keys_are_checked) {
  auto ok = parse_config(R"({"edge": {"idle_timeout_seconds": 300, "tls": true}})");
  ASSERT_TRUE(ok) << message_of(ok.error());
  EXPECT_EQ(ok->edge_idle_timeout_seconds, 300);
  EXPECT_TRUE(ok->edge_tls);
  EXPECT_TRUE(ok->edge_caddy_admin.empty()); // no edge by default
  for (auto bad : {R"({"edge": {"caddy_admin": "ftp://x"}})",
                   R"({"edge": {"server": "a b"}})",
                   R"({"edge": {"server": "x\"}, \"y"}})",
                   R"({"edge": {"apps_domain": ""}})",
                   R"({"edge": {"apps_domain": "a..b"}})",
                   R"({"edge": {"apps_domain": "*.evil"}})",
                   R"({"edge": {"listen": "nowhere"}})",
                   R"({"edge": {"listen": "1.2.3.4:"}})",
                   R"({"edge": {"acme_ca": "http://plain"}})",
                   R"({"edge": {"spawnd_upstream": "x/y"}})",
                   R"({"edge": {"idle_timeout_seconds": -1}})",
                   R"({"edge": {"public_port": 70000}})",
                   R"({"edge": {"check_interval_ms": 0}})",
                   R"({"edge": {"tls": "yes"}})",
                   R"({"edge": {"nope": 1}})"}) {
    auto cfg = parse_config(bad);
    ASSERT_FALSE(cfg) << bad;
    EXPECT_NE(message_of(cfg.error()).find("edge."), std::string::npos)
      << bad << " → " << message_of(cfg.error());
  }
}
