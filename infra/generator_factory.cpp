#include "infra/generator_factory.hpp"

#include "core/error.hpp"
#include "infra/anthropic_generator.hpp"
#include "infra/chain_generator.hpp"
#include "infra/command_generator.hpp"
#include "infra/openai_generator.hpp"
#include "infra/secrets.hpp"
#include "infra/template_generator.hpp"

namespace spawn {

llm_settings to_llm_settings(const llm_backend_config& c, std::string api_key,
                             int64_t progress_interval_ms) {
  llm_settings s;
  s.base_url = c.base_url;
  s.model = c.model;
  s.api_key = std::move(api_key);
  s.max_tokens = c.max_tokens;
  s.temperature = c.temperature;
  s.timeouts.connect_ms = c.connect_timeout_ms;
  s.timeouts.idle_ms = c.idle_timeout_ms;
  s.timeouts.total_ms = c.timeout_ms;
  s.input_usd_per_mtok = c.input_usd_per_mtok;
  s.output_usd_per_mtok = c.output_usd_per_mtok;
  if (!c.api_version.empty())
    s.anthropic_version = c.api_version;
  s.include_usage = c.include_usage;
  s.progress_interval_ms = progress_interval_ms;
  return s;
}

caf::expected<std::shared_ptr<generator>> make_generator(const spawn_config& cfg) {
  auto& g = cfg.generation;
  auto chain = g.chain.empty() ? std::vector<std::string>{cfg.generator} : g.chain;
  std::vector<std::shared_ptr<generator>> links;
  for (auto& name : chain) {
    if (name == "template") {
      links.push_back(std::make_shared<template_generator>());
    } else if (name == "anthropic") {
      auto key = read_secret({"SPAWN_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"},
                             g.anthropic.api_key_file);
      if (!key)
        return key.error();
      if (key->empty())
        return make_error(errc::invalid_input,
                          "generation backend anthropic needs a key: set SPAWN_ANTHROPIC_API_KEY "
                          "or ANTHROPIC_API_KEY, or generation.anthropic.api_key_file");
      links.push_back(std::make_shared<anthropic_generator>(
        to_llm_settings(g.anthropic, std::move(*key), g.progress_interval_ms)));
    } else if (name == "openai") {
      auto key = read_secret({"SPAWN_OPENAI_API_KEY", "OPENAI_API_KEY"}, g.openai.api_key_file);
      if (!key)
        return key.error();
      links.push_back(std::make_shared<openai_generator>(
        to_llm_settings(g.openai, std::move(*key), g.progress_interval_ms)));
    } else if (name == "command") {
      command_settings cs;
      cs.argv = g.command.argv;
      cs.step_timeout_ms = g.command.step_timeout_ms;
      cs.sandbox = g.command.sandbox;
      cs.pass_env = g.command.pass_env;
      cs.workspace_root = (cfg.state_dir.empty() ? std::string{"/var/lib/spawnai"} : cfg.state_dir)
                          + "/workspaces";
      links.push_back(std::make_shared<command_generator>(std::move(cs),
                                                          std::make_shared<template_generator>()));
    } else {
      return make_error(errc::invalid_input, "generation backend '" + name + "' is not available");
    }
  }
  if (links.size() == 1 && links.front()->name() == "template")
    return links.front();
  chain_settings cs;
  cs.attempts_per_backend = g.attempts_per_backend;
  cs.backoff_ms = g.retry_backoff_ms;
  cs.max_wait_ms = g.max_retry_wait_ms;
  return std::shared_ptr<generator>{std::make_shared<chain_generator>(std::move(links), cs)};
}

} // namespace spawn
