#include "build_paths.hpp"
#include "infra/config.hpp"

#include "actors/node_context.hpp"
#include "infra/docker_engine.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/error.hpp"

using namespace spawn;

TEST(config_test, defaults_are_complete_and_valid) {
  auto cfg = parse_config("{}");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->http_port, 8080);
  EXPECT_EQ(cfg->max_prompt_chars, 2000u);
  EXPECT_EQ(default_ttl(*cfg, app_type::webapp), 7200);
  EXPECT_EQ(default_ttl(*cfg, app_type::api), 86400);
  EXPECT_EQ(default_ttl(*cfg, app_type::site), 259200);
  EXPECT_DOUBLE_EQ(tier_of(*cfg, app_type::webapp).hourly_usd, 0.00893);
  EXPECT_EQ(tier_of(*cfg, app_type::api).memory_mb, 2048);
}

TEST(config_test, the_shipped_config_loads) {
  auto cfg = load_config(SPAWN_SOURCE_DIR "/configs/spawnd.json");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->docker_network, "") << "apps run on the engine's default bridge (no embedded DNS)";
}

TEST(config_test, warm_containers_per_remote_host_follow_the_pool_unless_set) {
  auto cfg = parse_config("{}");
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->hosts_warm_per_host, -1); // runtime.warm_pool_size
  auto set = parse_config(R"({"hosts": {"warm_per_host": 3}})");
  ASSERT_TRUE(set) << message_of(set.error());
  EXPECT_EQ(set->hosts_warm_per_host, 3);
}

TEST(config_test, file_values_override_defaults) {
  auto cfg = parse_config(R"({"http": {"port": 9090}, "runtime": {"warm_pool_size": 0},
    "sessions": {"app_types": {"webapp": {"default_ttl_seconds": 60, "tier": "medium"}}}})");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->http_port, 9090);
  EXPECT_EQ(cfg->warm_pool_size, 0);
  EXPECT_EQ(default_ttl(*cfg, app_type::webapp), 60);
  EXPECT_EQ(tier_of(*cfg, app_type::webapp).memory_mb, 2048);
}

TEST(config_test, bad_values_name_the_key) {
  struct bad_case {
    const char* json;
    const char* key;
  };
  for (auto& c : std::initializer_list<bad_case>{
         {R"({"http": {"prot": 1}})", "http.prot"},
         {R"({"http": {"port": "eighty"}})", "http.port"},
         {R"({"http": {"port": 70000}})", "http.port"},
         {R"({"http": {"port": 1.5}})", "http.port"},
         {R"({"log": {"format": "xml"}})", "log.format"},
         {R"({"sessions": {"app_types": {"game": {"default_ttl_seconds": 1, "tier": "small"}}}})",
          "sessions.app_types.game"},
         {R"({"sessions": {"app_types": {"webapp": {"default_ttl_seconds": 1, "tier": "huge"}}}})",
          "tier"},
         {R"({"sessions": {"min_ttl_seconds": 500, "max_ttl_seconds": 100}})", "min_ttl"},
         {R"({"tiers": {"small": {"cpus": -1, "memory_mb": 1, "pids": 1, "hourly_usd": 1}}})",
          "tiers.small"},
         {R"({"generation": {"backend": "magic"}})", "generation.backend"},
         {R"({"hosts": {"warm_per_host": -2}})", "hosts.warm_per_host"},
         {R"({"hosts": {"warm_per_host": "two"}})", "hosts.warm_per_host"},
         {R"({"hosts": {"warm_per_host": 1001}})", "hosts.warm_per_host"},
         {R"([1, 2])", "<root>"},
       }) {
    auto cfg = parse_config(c.json);
    ASSERT_FALSE(cfg) << c.json;
    EXPECT_EQ(code_of(cfg.error()), errc::invalid_input);
    EXPECT_NE(message_of(cfg.error()).find(c.key), std::string::npos)
      << message_of(cfg.error());
  }
}

TEST(config_test, malformed_json_is_an_error_not_a_crash) {
  for (auto text : {"", "{", "{\"http\":", "nul", "\xff\xfe", "{\"http\": {\"port\": }}"}) {
    auto cfg = parse_config(text);
    EXPECT_FALSE(cfg) << text;
  }
}

TEST(config_test, environment_overrides_file) {
  auto path = std::string{::testing::TempDir()} + "/spawn_cfg_test.json";
  std::ofstream{path} << R"({"http": {"port": 9000}, "node": {"id": "from-file"}})";
  setenv("SPAWN_HTTP_PORT", "9100", 1);
  setenv("SPAWN_NODE_ID", "from-env", 1);
  setenv("SPAWN_RUNTIME_WARM_POOL_SIZE", "5", 1);
  auto cfg = load_config(path);
  unsetenv("SPAWN_HTTP_PORT");
  unsetenv("SPAWN_NODE_ID");
  unsetenv("SPAWN_RUNTIME_WARM_POOL_SIZE");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->http_port, 9100);
  EXPECT_EQ(cfg->node_id, "from-env");
  EXPECT_EQ(cfg->warm_pool_size, 5);
}

TEST(config_test, bad_environment_value_is_reported) {
  setenv("SPAWN_HTTP_PORT", "not-a-number", 1);
  auto cfg = load_config("");
  unsetenv("SPAWN_HTTP_PORT");
  ASSERT_FALSE(cfg);
  EXPECT_NE(message_of(cfg.error()).find("http.port"), std::string::npos);
}

TEST(config_test, missing_file_is_reported) {
  auto cfg = load_config("/nonexistent/spawnd.json");
  ASSERT_FALSE(cfg);
  EXPECT_NE(message_of(cfg.error()).find("/nonexistent/spawnd.json"), std::string::npos);
}

TEST(config_test, help_lists_every_key_with_its_variable) {
  auto text = describe_config_keys();
  EXPECT_NE(text.find("http.port"), std::string::npos);
  EXPECT_NE(text.find("SPAWN_HTTP_PORT"), std::string::npos);
  EXPECT_NE(text.find("SPAWN_RUNTIME_WARM_POOL_SIZE"), std::string::npos);
  EXPECT_NE(text.find("SPAWN_DATABASE_URL"), std::string::npos);
}

// --- auth, limits and costs (issue 6) ------------------------------------------

TEST(config_test, limits_and_costs_have_the_issue_defaults) {
  auto cfg = parse_config("{}");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->creations_per_window, 5);
  EXPECT_EQ(cfg->creation_window_seconds, 900);
  EXPECT_EQ(cfg->active_per_owner, 3);
  EXPECT_GT(cfg->max_sessions, 0);
  EXPECT_GT(cfg->max_generations, 0);
  EXPECT_FALSE(cfg->api_keys_required);
  EXPECT_TRUE(cfg->admin_token_hash.empty());
  EXPECT_DOUBLE_EQ(cfg->cost_overrun_ratio, 1.5);
  auto text = describe_config_keys();
  for (auto key : {"SPAWN_LIMITS_CREATIONS_PER_WINDOW", "SPAWN_LIMITS_ACTIVE_PER_OWNER",
                   "SPAWN_LIMITS_MAX_SESSIONS", "SPAWN_LIMITS_MAX_GENERATIONS",
                   "SPAWN_AUTH_API_KEYS_REQUIRED", "SPAWN_AUTH_ADMIN_TOKEN_FILE",
                   "SPAWN_COSTS_OVERRUN_RATIO"})
    EXPECT_NE(text.find(key), std::string::npos) << key;
}

TEST(config_test, bad_limit_and_cost_values_name_the_key) {
  struct bad_case {
    const char* json;
    const char* key;
  };
  for (auto& c : std::initializer_list<bad_case>{
         {R"({"limits": {"creations_per_window": 0}})", "limits.creations_per_window"},
         {R"({"limits": {"creations_per_window": "5"}})", "limits.creations_per_window"},
         {R"({"limits": {"creation_window_seconds": -1}})", "limits.creation_window_seconds"},
         {R"({"limits": {"active_per_owner": 0}})", "limits.active_per_owner"},
         {R"({"limits": {"max_sessions": 2.5}})", "limits.max_sessions"},
         {R"({"limits": {"max_generations": 0}})", "limits.max_generations"},
         {R"({"limits": {"per_hour": 3}})", "limits.per_hour"},
         {R"({"auth": {"api_keys_required": "yes"}})", "auth.api_keys_required"},
         {R"({"auth": {"admin_token": "secret"}})", "auth.admin_token"},
         {R"({"costs": {"overrun_ratio": 0.5}})", "costs.overrun_ratio"},
         {R"({"costs": {"expected_generation_usd": -1}})", "costs.expected_generation_usd"},
         {R"({"costs": {"accrual_interval_ms": 5}})", "costs.accrual_interval_ms"},
       }) {
    auto cfg = parse_config(c.json);
    ASSERT_FALSE(cfg) << c.json;
    EXPECT_NE(message_of(cfg.error()).find(c.key), std::string::npos)
      << c.json << ": " << message_of(cfg.error());
  }
}

TEST(config_test, admin_token_comes_from_environment_or_file_and_is_kept_hashed) {
  setenv("SPAWN_ADMIN_TOKEN", "admin-token-from-env-0123", 1);
  auto cfg = load_config("");
  unsetenv("SPAWN_ADMIN_TOKEN");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->admin_token_hash.size(), 64u);
  EXPECT_EQ(cfg->admin_token_hash.find("admin-token"), std::string::npos);

  auto dir = std::string{::testing::TempDir()};
  std::ofstream{dir + "/admin_token"} << "admin-token-from-file-456\n";
  std::ofstream{dir + "/spawn_cfg_admin.json"}
    << R"({"auth": {"admin_token_file": ")" << dir << R"(/admin_token"}})";
  auto from_file = load_config(dir + "/spawn_cfg_admin.json");
  ASSERT_TRUE(from_file) << message_of(from_file.error());
  EXPECT_EQ(from_file->admin_token_hash.size(), 64u);
  EXPECT_NE(from_file->admin_token_hash, cfg->admin_token_hash);

  std::ofstream{dir + "/short_token"} << "short\n";
  std::ofstream{dir + "/spawn_cfg_short.json"}
    << R"({"auth": {"admin_token_file": ")" << dir << R"(/short_token"}})";
  auto short_token = load_config(dir + "/spawn_cfg_short.json");
  ASSERT_FALSE(short_token);
  EXPECT_NE(message_of(short_token.error()).find("16"), std::string::npos);
  EXPECT_EQ(message_of(short_token.error()).find("short\n"), std::string::npos)
    << "the token itself is never echoed";

  std::ofstream{dir + "/spawn_cfg_missing.json"}
    << R"({"auth": {"admin_token_file": "/nonexistent/token"}})";
  EXPECT_FALSE(load_config(dir + "/spawn_cfg_missing.json"));
}

// --- hostile input and hostile apps (issue 13) ---------------------------------

TEST(config_test, hostile_input_keys_have_their_defaults) {
  auto cfg = parse_config("{}");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->max_pipelined_requests, 128);
  EXPECT_EQ(cfg->ws_max_frame_bytes, 8192);
  EXPECT_EQ(cfg->ws_max_per_client, 16);
  EXPECT_EQ(cfg->ws_max_total, 1024);
  for (auto& [name, tier] : cfg->tiers)
    EXPECT_EQ(tier.runtime, "") << name << ": runc (the engine's default) unless asked";
  auto text = describe_config_keys();
  for (auto key : {"SPAWN_HTTP_MAX_PIPELINED_REQUESTS", "SPAWN_HTTP_WS_MAX_FRAME_BYTES",
                   "SPAWN_RUNTIME_EGRESS", "SPAWN_RUNTIME_EGRESS_ALLOW"})
    EXPECT_NE(text.find(key), std::string::npos) << key;
}

TEST(config_test, bad_hostile_input_values_name_the_key) {
  struct bad_case {
    const char* json;
    const char* key;
  };
  for (auto& c : std::initializer_list<bad_case>{
         {R"({"http": {"max_pipelined_requests": 0}})", "http.max_pipelined_requests"},
         {R"({"http": {"max_pipelined_requests": 1025}})", "http.max_pipelined_requests"},
         {R"({"http": {"ws_max_frame_bytes": 100}})", "http.ws_max_frame_bytes"},
         {R"({"http": {"ws_max_per_client": 0}})", "http.ws_max_per_client"},
         {R"({"runtime": {"egress": "open"}})", "runtime.egress"},
         {R"({"runtime": {"egress": true}})", "runtime.egress"},
         {R"({"runtime": {"egress_allow": "example.org:443"}})", "runtime.egress_allow"},
         {R"({"runtime": {"egress_allow": ["example.org"]}})", "runtime.egress_allow"},
         {R"({"runtime": {"egress_allow": ["example.org:0"]}})", "runtime.egress_allow"},
         {R"({"runtime": {"egress_allow": ["example.org:99999"]}})", "runtime.egress_allow"},
         {R"({"runtime": {"egress_allow": ["a b:80"]}})", "runtime.egress_allow"},
         {R"({"runtime": {"egress_allow": ["x;rm -rf:80"]}})", "runtime.egress_allow"},
         {R"({"tiers": {"small": {"cpus": 1, "memory_mb": 64, "pids": 64, "hourly_usd": 0,
                                  "runtime": "kata"}}})", "tiers.small.runtime"},
       }) {
    auto cfg = parse_config(c.json);
    ASSERT_FALSE(cfg) << c.json;
    EXPECT_NE(message_of(cfg.error()).find(c.key), std::string::npos)
      << c.json << ": " << message_of(cfg.error());
  }
  auto ok = parse_config(
    R"({"runtime": {"egress": "allow", "egress_allow": ["example.org:443", "203.0.113.0/24:80", ":53"]}})");
  EXPECT_TRUE(ok) << message_of(ok.error());
}

// The tier's OCI runtime must reach the container spec (it was once lost in a merge).
TEST(config_test, a_tier_runtime_reaches_the_container_spec) {
  auto cfg = parse_config(R"({"tiers": {
      "small": {"cpus": 1, "memory_mb": 512, "pids": 100, "hourly_usd": 0, "runtime": "runsc"},
      "plain": {"cpus": 1, "memory_mb": 512, "pids": 100, "hourly_usd": 0}}})");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  auto gvisor = app_container_spec(*cfg, "small", "/slot");
  EXPECT_EQ(gvisor.runtime, "runsc");
  EXPECT_EQ(gvisor.pids_limit, 100);
  EXPECT_EQ(gvisor.memory_bytes, 512ll << 20);
  auto body = nlohmann::json::parse(docker_engine::create_body(gvisor))["HostConfig"];
  EXPECT_EQ(body["Runtime"], "runsc");
  EXPECT_EQ(body["PidsLimit"], 100 + docker_engine::gvisor_sandbox_pids);
  EXPECT_EQ(app_container_spec(*cfg, "plain", "/slot").runtime, "");
}
