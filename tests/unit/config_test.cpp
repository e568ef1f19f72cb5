#include "infra/config.hpp"

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
  EXPECT_EQ(cfg->docker_network, "spawnai-apps");
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
