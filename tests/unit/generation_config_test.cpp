#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "infra/config.hpp"
#include "infra/generator_factory.hpp"
#include "infra/secrets.hpp"

using namespace spawn;

TEST(generation_config_test, defaults_keep_the_offline_template) {
  auto cfg = parse_config("{}");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->generation.chain, (std::vector<std::string>{"template"}));
  EXPECT_EQ(cfg->generation.cache_ttl_seconds, 3600);
  EXPECT_EQ(cfg->generation.anthropic.base_url, "https://api.anthropic.com");
  EXPECT_EQ(cfg->generation.openai.include_usage, true);
  auto gen = make_generator(*cfg);
  ASSERT_TRUE(gen);
  EXPECT_EQ((*gen)->name(), "template");
  EXPECT_NE(describe_config_keys().find("SPAWN_GENERATION_CHAIN"), std::string::npos);
  EXPECT_NE(describe_config_keys().find("SPAWN_GENERATION_ANTHROPIC_MODEL"), std::string::npos);
}

TEST(generation_config_test, chain_and_backends_from_json) {
  auto cfg = parse_config(R"({"generation": {"chain": ["openai", "template"],
    "openai": {"base_url": "http://127.0.0.1:11434", "model": "llama3", "temperature": 0}}})");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->generation.chain.size(), 2u);
  EXPECT_EQ(cfg->generation.openai.model, "llama3");
  EXPECT_DOUBLE_EQ(cfg->generation.openai.temperature, 0);
  auto gen = make_generator(*cfg);
  ASSERT_TRUE(gen) << message_of(gen.error());
  EXPECT_EQ((*gen)->name(), "openai>template");
}

TEST(generation_config_test, bad_values_name_the_key) {
  struct bad_case {
    const char* json;
    const char* key;
  };
  for (auto& c : std::initializer_list<bad_case>{
         {R"({"generation": {"chain": ["gpt5"]}})", "generation.chain"},
         {R"({"generation": {"chain": "anthropic"}})", "generation.chain"},
         {R"({"generation": {"chain": [1]}})", "generation.chain"},
         {R"({"generation": {"attempts_per_backend": 0}})", "generation.attempts_per_backend"},
         {R"({"generation": {"session_token_budget": -5}})", "generation.session_token_budget"},
         {R"({"generation": {"cache_ttl_seconds": "1h"}})", "generation.cache_ttl_seconds"},
         {R"({"generation": {"anthropic": {"base_url": "ftp://x"}}})", "generation.anthropic.base_url"},
         {R"({"generation": {"anthropic": {"api_key": "sk-in-config"}}})", "generation.anthropic.api_key"},
         {R"({"generation": {"openai": {"temperature": 3}}})", "generation.openai.temperature"},
         {R"({"generation": {"openai": {"model": ""}}})", "generation.openai.model"},
         {R"({"generation": {"openai": {"max_tokens": 0}}})", "generation.openai.max_tokens"},
         {R"({"generation": {"command": {"argv": []}}})", "generation.command.argv"},
         {R"({"generation": {"command": {"step_timeout_ms": 1}}})", "generation.command.step_timeout_ms"},
       }) {
    auto cfg = parse_config(c.json);
    ASSERT_FALSE(cfg) << c.json;
    EXPECT_NE(message_of(cfg.error()).find(c.key), std::string::npos)
      << c.json << " -> " << message_of(cfg.error());
  }
}

TEST(generation_config_test, env_overrides_and_comma_lists) {
  ::setenv("SPAWN_GENERATION_CHAIN", "openai,template", 1);
  ::setenv("SPAWN_GENERATION_OPENAI_BASE_URL", "http://127.0.0.1:9/", 1);
  auto cfg = load_config("");
  ::unsetenv("SPAWN_GENERATION_CHAIN");
  ::unsetenv("SPAWN_GENERATION_OPENAI_BASE_URL");
  ASSERT_TRUE(cfg) << message_of(cfg.error());
  EXPECT_EQ(cfg->generation.chain, (std::vector<std::string>{"openai", "template"}));
  EXPECT_EQ(cfg->generation.openai.base_url, "http://127.0.0.1:9/");
}

TEST(generation_config_test, keys_come_from_env_or_file_only) {
  auto cfg = parse_config(R"({"generation": {"chain": ["anthropic"]}})");
  ASSERT_TRUE(cfg);
  ::unsetenv("SPAWN_ANTHROPIC_API_KEY");
  ::unsetenv("ANTHROPIC_API_KEY");
  auto none = make_generator(*cfg);
  ASSERT_FALSE(none);
  EXPECT_NE(message_of(none.error()).find("SPAWN_ANTHROPIC_API_KEY"), std::string::npos);
  auto path = ::testing::TempDir() + "/anthropic.key";
  std::ofstream{path} << "  sk-ant-from-file-123 \n";
  cfg->generation.anthropic.api_key_file = path;
  auto from_file = read_secret({"SPAWN_ANTHROPIC_API_KEY"}, path);
  ASSERT_TRUE(from_file);
  EXPECT_EQ(*from_file, "sk-ant-from-file-123");
  EXPECT_TRUE(make_generator(*cfg));
  ::setenv("SPAWN_ANTHROPIC_API_KEY", "sk-ant-env", 1);
  EXPECT_EQ(*read_secret({"SPAWN_ANTHROPIC_API_KEY"}, path), "sk-ant-env"); // env wins
  ::unsetenv("SPAWN_ANTHROPIC_API_KEY");
  auto missing = read_secret({}, "/nonexistent/key");
  ASSERT_FALSE(missing);
  EXPECT_EQ(code_of(missing.error()), errc::invalid_input);
  std::ofstream{path} << "";
  EXPECT_FALSE(read_secret({}, path));
}
