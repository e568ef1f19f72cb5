#include "infra/config.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/tokens.hpp"

namespace spawn {

using nlohmann::json;

namespace {

// Every key spawnd knows. Seed 002 gives the lifetimes and the tiers' prices.
constexpr const char* defaults_json = R"({
  "http": {"address": "127.0.0.1", "port": 8080, "threads": 2, "public_url": "",
           "web_root": "", "max_body_bytes": 65536, "max_pipelined_requests": 128,
           "ws_max_frame_bytes": 8192, "ws_max_per_client": 16, "ws_max_total": 1024},
  "sessions": {
    "max_prompt_chars": 2000, "min_ttl_seconds": 30, "max_ttl_seconds": 259200,
    "sweep_interval_ms": 15000, "phase_timeout_ms": 60000, "max_attempts": 3,
    "retry_backoff_ms": 500,
    "app_types": {
      "webapp": {"default_ttl_seconds": 7200, "tier": "small"},
      "script": {"default_ttl_seconds": 7200, "tier": "small"},
      "api": {"default_ttl_seconds": 86400, "tier": "medium"},
      "site": {"default_ttl_seconds": 259200, "tier": "large"}
    }
  },
  "tiers": {
    "small": {"cpus": 1, "memory_mb": 1024, "pids": 128, "hourly_usd": 0.00893,
              "runtime": "runc"},
    "medium": {"cpus": 2, "memory_mb": 2048, "pids": 256, "hourly_usd": 0.02679,
               "runtime": "runc"},
    "large": {"cpus": 2, "memory_mb": 4096, "pids": 256, "hourly_usd": 0.03571,
              "runtime": "runc"}
  },
  "node": {"id": "node-1", "state_dir": ""},
  "database": {"url": "", "workers": 3},
  "runtime": {"docker_socket": "/var/run/docker.sock",
              "image": "spawnai/runtime-node:1", "network": "",
              "warm_pool_size": 2, "app_ready_timeout_ms": 20000},
  "generation": {
    "backend": "template", "chain": [], "attempts_per_backend": 2,
    "retry_backoff_ms": 1000, "max_retry_wait_ms": 30000, "timeout_ms": 600000,
    "progress_interval_ms": 1000, "session_token_budget": 200000,
    "owner_token_budget": 2000000, "owner_budget_window_hours": 24,
    "cache_ttl_seconds": 3600,
    "anthropic": {"base_url": "https://api.anthropic.com", "model": "claude-sonnet-4-5",
                  "api_key_file": "", "max_tokens": 16000, "temperature": 0.2,
                  "api_version": "2023-06-01", "connect_timeout_ms": 10000,
                  "idle_timeout_ms": 60000, "timeout_ms": 300000,
                  "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0},
    "openai": {"base_url": "http://127.0.0.1:11434", "model": "qwen2.5-coder:7b",
               "api_key_file": "", "max_tokens": 8192, "temperature": 0.2,
               "include_usage": true, "connect_timeout_ms": 5000,
               "idle_timeout_ms": 120000, "timeout_ms": 600000,
               "input_usd_per_mtok": 0.0, "output_usd_per_mtok": 0.0},
    "command": {"argv": ["claude", "-p"], "step_timeout_ms": 300000, "sandbox": true,
                "pass_env": ["ANTHROPIC_API_KEY"]}
  },
  "health": {"interval_ms": 30000, "grace_ms": 60000, "probe_timeout_ms": 2000},
  "recovery": {"parallelism": 8, "orphan_scan_interval_ms": 60000},
  "edge": {"caddy_admin": "", "server": "spawnai", "listen": "127.0.0.1:8081",
           "apps_domain": "localhost", "public_port": 0, "tls": false, "acme_ca": "",
           "acme_ca_root": "", "spawnd_upstream": "", "idle_timeout_seconds": 0,
           "expired_retention_seconds": 86400, "check_interval_ms": 5000},
  "auth": {"api_keys_required": false, "admin_token_file": ""},
  "limits": {"creations_per_window": 5, "creation_window_seconds": 900,
             "active_per_owner": 3, "max_sessions": 100, "max_generations": 4},
  "costs": {"expected_generation_usd": 0.0, "accrual_interval_ms": 15000,
            "overrun_ratio": 1.5},
  "log": {"level": "info", "format": "text"}
})";

caf::error bad(const std::string& key, const std::string& why) {
  return make_error(errc::invalid_input, "config key '" + key + "': " + why);
}

// Overlays `src` on `dst`; keys must exist in `dst` with the same JSON kind,
// except under maps whose entries are free (app_types, tiers).
caf::error overlay(json& dst, const json& src, const std::string& prefix, bool free_keys) {
  if (!src.is_object())
    return bad(prefix.empty() ? "<root>" : prefix, "must be an object");
  for (auto& [key, value] : src.items()) {
    auto name = prefix.empty() ? key : prefix + "." + key;
    if (!dst.contains(key)) {
      if (!free_keys)
        return bad(name, "unknown key");
      dst[key] = value;
      continue;
    }
    auto& slot = dst[key];
    if (slot.is_object()) {
      bool free = name == "sessions.app_types" || name == "tiers";
      if (auto err = overlay(slot, value, name, free))
        return err;
    } else if (slot.is_number() && value.is_number()) {
      slot = value;
    } else if (slot.type() != value.type()) {
      return bad(name, std::string{"expected "} + slot.type_name() + ", got "
                         + value.type_name());
    } else {
      slot = value;
    }
  }
  return {};
}

void flatten(const json& j, const std::string& prefix,
             std::vector<std::pair<std::string, const json*>>& out) {
  for (auto& [key, value] : j.items()) {
    auto name = prefix.empty() ? key : prefix + "." + key;
    if (value.is_object())
      flatten(value, name, out);
    else
      out.emplace_back(name, &value);
  }
}

std::string env_name(const std::string& key) {
  std::string out = "SPAWN_";
  for (char c : key)
    out += (c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

caf::error apply_env(json& cfg) {
  std::vector<std::pair<std::string, const json*>> keys;
  flatten(cfg, "", keys);
  for (auto& [key, value] : keys) {
    const char* raw = std::getenv(env_name(key).c_str());
    if (!raw)
      continue;
    json parsed;
    if (value->is_string()) {
      parsed = std::string{raw};
    } else {
      parsed = json::parse(raw, nullptr, false);
      if (parsed.is_discarded() && value->is_array()) { // "anthropic,template"
        parsed = json::array();
        std::stringstream items{raw};
        for (std::string item; std::getline(items, item, ',');)
          if (!item.empty())
            parsed.push_back(item);
      }
      if (parsed.is_discarded())
        return bad(key, std::string{"environment value '"} + raw + "' is not valid");
    }
    json patch = parsed;
    // Rebuild the nested path of the key and overlay it.
    std::vector<std::string> parts;
    std::stringstream ss{key};
    for (std::string part; std::getline(ss, part, '.');)
      parts.push_back(part);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
      patch = json{{*it, patch}};
    if (auto err = overlay(cfg, patch, "", false))
      return err;
  }
  return {};
}

template <class T>
caf::error read_int(const json& j, const std::string& key, T& out, int64_t lo, int64_t hi) {
  if (!j.is_number_integer())
    return bad(key, "must be an integer");
  auto v = j.get<int64_t>();
  if (v < lo || v > hi)
    return bad(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  out = static_cast<T>(v);
  return {};
}

bool is_backend_name(const std::string& n) {
  return n == "template" || n == "anthropic" || n == "openai" || n == "command";
}

caf::error read_number(const json& j, const std::string& key, double& out, double lo, double hi) {
  if (!j.is_number())
    return bad(key, "must be a number");
  auto v = j.get<double>();
  if (!(v >= lo && v <= hi))
    return bad(key, "must be between " + json(lo).dump() + " and " + json(hi).dump());
  out = v;
  return {};
}

caf::error read_strings(const json& j, const std::string& key, std::vector<std::string>& out) {
  out.clear();
  for (auto& x : j) {
    if (!x.is_string() || x.get<std::string>().empty())
      return bad(key, "must be an array of non-empty strings");
    out.push_back(x.get<std::string>());
  }
  return {};
}

caf::error bind_llm(const json& j, const std::string& key, llm_backend_config& c) {
  caf::error err;
  auto integer = [&](const char* k, int64_t& out, int64_t lo, int64_t hi) {
    if (!err)
      err = read_int(j[k], key + "." + k, out, lo, hi);
  };
  auto number = [&](const char* k, double& out, double lo, double hi) {
    if (!err)
      err = read_number(j[k], key + "." + k, out, lo, hi);
  };
  c.base_url = j["base_url"];
  c.model = j["model"];
  c.api_key_file = j["api_key_file"];
  if (c.base_url.rfind("http://", 0) != 0 && c.base_url.rfind("https://", 0) != 0)
    return bad(key + ".base_url", "must start with http:// or https://");
  if (c.model.empty())
    return bad(key + ".model", "must not be empty");
  integer("max_tokens", c.max_tokens, 1, 1000000);
  number("temperature", c.temperature, 0, 2);
  integer("connect_timeout_ms", c.connect_timeout_ms, 100, 600000);
  integer("idle_timeout_ms", c.idle_timeout_ms, 100, 3600000);
  integer("timeout_ms", c.timeout_ms, 100, 7200000);
  number("input_usd_per_mtok", c.input_usd_per_mtok, 0, 10000);
  number("output_usd_per_mtok", c.output_usd_per_mtok, 0, 10000);
  if (j.contains("api_version"))
    c.api_version = j["api_version"];
  if (j.contains("include_usage"))
    c.include_usage = j["include_usage"];
  return err;
}

/// The generation block (issue 5): chain, retries, budgets, cache, backends.
caf::error bind_generation(const json& g, generation_config& c) {
  caf::error err;
  auto integer = [&](const char* k, auto& out, int64_t lo, int64_t hi) {
    if (!err)
      err = read_int(g[k], std::string{"generation."} + k, out, lo, hi);
  };
  if (auto e = read_strings(g["chain"], "generation.chain", c.chain))
    return e;
  for (auto& name : c.chain)
    if (!is_backend_name(name))
      return bad("generation.chain", "unknown backend '" + name
                                       + "' (template, anthropic, openai or command)");
  integer("attempts_per_backend", c.attempts_per_backend, 1, 10);
  integer("retry_backoff_ms", c.retry_backoff_ms, 1, 600000);
  integer("max_retry_wait_ms", c.max_retry_wait_ms, 0, 600000);
  integer("timeout_ms", c.timeout_ms, 1000, 7200000);
  integer("progress_interval_ms", c.progress_interval_ms, 0, 600000);
  integer("session_token_budget", c.session_token_budget, 0, 1000000000);
  integer("owner_token_budget", c.owner_token_budget, 0, 100000000000LL);
  integer("owner_budget_window_hours", c.owner_budget_window_hours, 1, 8760);
  integer("cache_ttl_seconds", c.cache_ttl_seconds, 0, 2592000);
  if (err)
    return err;
  if (auto e = bind_llm(g["anthropic"], "generation.anthropic", c.anthropic))
    return e;
  if (auto e = bind_llm(g["openai"], "generation.openai", c.openai))
    return e;
  auto& cmd = g["command"];
  if (auto e = read_strings(cmd["argv"], "generation.command.argv", c.command.argv))
    return e;
  if (c.command.argv.empty())
    return bad("generation.command.argv", "must name a program");
  if (auto e = read_int(cmd["step_timeout_ms"], "generation.command.step_timeout_ms",
                        c.command.step_timeout_ms, 100, 7200000))
    return e;
  c.command.sandbox = cmd["sandbox"];
  return read_strings(cmd["pass_env"], "generation.command.pass_env", c.command.pass_env);
}

/// The edge keys end up in Caddy's JSON config and in URLs: only plain names.
caf::error check_edge(const spawn_config& c) {
  auto plain = [](const std::string& s, const char* extra) {
    if (s.empty() || s.size() > 200)
      return false;
    for (unsigned char ch : s)
      if (!std::isalnum(ch) && !std::strchr(extra, ch))
        return false;
    return true;
  };
  if (!c.edge_caddy_admin.empty() && c.edge_caddy_admin.rfind("http://", 0) != 0)
    return bad("edge.caddy_admin", "must be an http:// URL (Caddy's admin API) or empty");
  if (!plain(c.edge_server, "-_"))
    return bad("edge.server", "letters, digits, '-' and '_' only");
  if (!plain(c.edge_apps_domain, "-.") || c.edge_apps_domain.front() == '.'
      || c.edge_apps_domain.back() == '.' || c.edge_apps_domain.find("..") != std::string::npos)
    return bad("edge.apps_domain", "must be a domain name such as apps.example.com");
  auto port_sep = c.edge_listen.rfind(':');
  if (!plain(c.edge_listen, ".:[]") || port_sep == std::string::npos
      || port_sep + 1 == c.edge_listen.size())
    return bad("edge.listen", "must be host:port, e.g. 127.0.0.1:8081 or :443");
  if (!c.edge_spawnd_upstream.empty() && !plain(c.edge_spawnd_upstream, ".:[]"))
    return bad("edge.spawnd_upstream", "must be host:port or empty");
  if (!c.edge_acme_ca.empty() && c.edge_acme_ca.rfind("https://", 0) != 0)
    return bad("edge.acme_ca", "must be an https:// ACME directory URL or empty");
  return {};
}

caf::expected<spawn_config> bind_config(const json& j) {
  spawn_config c;
  caf::error err;
  auto integer = [&](const json& v, const char* key, auto& out, int64_t lo, int64_t hi) {
    if (!err)
      err = read_int(v, key, out, lo, hi);
  };
  auto& http = j["http"];
  c.http_address = http["address"];
  integer(http["port"], "http.port", c.http_port, 0, 65535);
  integer(http["threads"], "http.threads", c.http_threads, 1, 64);
  c.public_url = http["public_url"];
  c.web_root = http["web_root"];
  integer(http["max_body_bytes"], "http.max_body_bytes", c.max_body_bytes, 1024, 16 << 20);
  integer(http["max_pipelined_requests"], "http.max_pipelined_requests",
          c.max_pipelined_requests, 1, 1024);
  integer(http["ws_max_frame_bytes"], "http.ws_max_frame_bytes", c.ws_max_frame_bytes, 125,
          1 << 20);
  integer(http["ws_max_per_client"], "http.ws_max_per_client", c.ws_max_per_client, 1, 100000);
  integer(http["ws_max_total"], "http.ws_max_total", c.ws_max_total, 1, 1000000);
  auto& s = j["sessions"];
  integer(s["max_prompt_chars"], "sessions.max_prompt_chars", c.max_prompt_chars, 1, 100000);
  integer(s["min_ttl_seconds"], "sessions.min_ttl_seconds", c.min_ttl_seconds, 1, 86400);
  integer(s["max_ttl_seconds"], "sessions.max_ttl_seconds", c.max_ttl_seconds, 1, 31536000);
  integer(s["sweep_interval_ms"], "sessions.sweep_interval_ms", c.sweep_interval_ms, 100, 3600000);
  integer(s["phase_timeout_ms"], "sessions.phase_timeout_ms", c.phase_timeout_ms, 100, 3600000);
  integer(s["max_attempts"], "sessions.max_attempts", c.max_attempts, 1, 20);
  integer(s["retry_backoff_ms"], "sessions.retry_backoff_ms", c.retry_backoff_ms, 1, 600000);
  for (auto& [name, t] : j["tiers"].items()) {
    tier_config tc;
    auto key = "tiers." + name;
    if (!t.is_object() || !t.value("cpus", json{}).is_number()
        || !t.value("hourly_usd", json{}).is_number())
      return bad(key, "needs numbers cpus, memory_mb, pids, hourly_usd");
    tc.cpus = t["cpus"];
    tc.hourly_usd = t["hourly_usd"];
    integer(t.value("memory_mb", json{}), (key + ".memory_mb").c_str(), tc.memory_mb, 16, 1 << 20);
    integer(t.value("pids", json{}), (key + ".pids").c_str(), tc.pids, 8, 1 << 16);
    if (tc.cpus <= 0 || tc.hourly_usd < 0)
      return bad(key, "cpus must be > 0 and hourly_usd >= 0");
    auto rt = t.value("runtime", json{"runc"});
    if (!rt.is_string() || (rt != "runc" && rt != "runsc"))
      return bad(key + ".runtime", "must be runc or runsc (gVisor, deploy/scripts/gvisor.sh)");
    tc.runtime = rt == "runc" ? "" : rt.get<std::string>();
    c.tiers[name] = tc;
  }
  for (auto& [name, a] : s["app_types"].items()) {
    auto key = "sessions.app_types." + name;
    if (!parse_app_type(name))
      return bad(key, "unknown app type");
    if (!a.is_object() || !a.value("tier", json{}).is_string())
      return bad(key, "needs default_ttl_seconds and tier");
    app_type_config ac;
    integer(a.value("default_ttl_seconds", json{}), (key + ".default_ttl_seconds").c_str(),
            ac.default_ttl_seconds, 1, 31536000);
    ac.tier = a["tier"];
    if (!c.tiers.count(ac.tier))
      return bad(key + ".tier", "no tier named '" + ac.tier + "'");
    c.app_types[name] = ac;
  }
  auto& node = j["node"];
  c.node_id = node["id"];
  c.state_dir = node["state_dir"];
  c.database_url = j["database"]["url"];
  integer(j["database"]["workers"], "database.workers", c.store_workers, 1, 32);
  auto& rt = j["runtime"];
  c.docker_socket = rt["docker_socket"];
  c.runtime_image = rt["image"];
  c.docker_network = rt["network"];
  integer(rt["warm_pool_size"], "runtime.warm_pool_size", c.warm_pool_size, 0, 64);
  integer(rt["app_ready_timeout_ms"], "runtime.app_ready_timeout_ms", c.app_ready_timeout_ms,
          100, 600000);
  auto& health = j["health"];
  integer(health["interval_ms"], "health.interval_ms", c.health_interval_ms, 0, 3600000);
  integer(health["grace_ms"], "health.grace_ms", c.health_grace_ms, 0, 3600000);
  integer(health["probe_timeout_ms"], "health.probe_timeout_ms", c.health_probe_timeout_ms, 50,
          60000);
  auto& recovery = j["recovery"];
  integer(recovery["parallelism"], "recovery.parallelism", c.recovery_parallelism, 1, 256);
  integer(recovery["orphan_scan_interval_ms"], "recovery.orphan_scan_interval_ms",
          c.orphan_scan_interval_ms, 0, 86400000);
  c.generator = j["generation"]["backend"];
  if (auto gerr = bind_generation(j["generation"], c.generation); gerr && !err)
    err = gerr;
  auto& edge = j["edge"];
  c.edge_caddy_admin = edge["caddy_admin"];
  c.edge_server = edge["server"];
  c.edge_listen = edge["listen"];
  c.edge_apps_domain = edge["apps_domain"];
  integer(edge["public_port"], "edge.public_port", c.edge_public_port, 0, 65535);
  c.edge_tls = edge["tls"];
  c.edge_acme_ca = edge["acme_ca"];
  c.edge_acme_ca_root = edge["acme_ca_root"];
  c.edge_spawnd_upstream = edge["spawnd_upstream"];
  integer(edge["idle_timeout_seconds"], "edge.idle_timeout_seconds",
          c.edge_idle_timeout_seconds, 0, 31536000);
  integer(edge["expired_retention_seconds"], "edge.expired_retention_seconds",
          c.edge_expired_retention_seconds, 0, 31536000);
  integer(edge["check_interval_ms"], "edge.check_interval_ms", c.edge_check_interval_ms, 100,
          3600000);
  auto& auth = j["auth"];
  c.api_keys_required = auth["api_keys_required"];
  c.admin_token_file = auth["admin_token_file"];
  auto& lim = j["limits"];
  integer(lim["creations_per_window"], "limits.creations_per_window", c.creations_per_window,
          1, 1000000);
  integer(lim["creation_window_seconds"], "limits.creation_window_seconds",
          c.creation_window_seconds, 1, 86400);
  integer(lim["active_per_owner"], "limits.active_per_owner", c.active_per_owner, 1, 1000000);
  integer(lim["max_sessions"], "limits.max_sessions", c.max_sessions, 1, 1000000);
  integer(lim["max_generations"], "limits.max_generations", c.max_generations, 1, 10000);
  auto& costs = j["costs"];
  c.expected_generation_usd = costs["expected_generation_usd"];
  integer(costs["accrual_interval_ms"], "costs.accrual_interval_ms", c.cost_interval_ms, 100,
          3600000);
  c.cost_overrun_ratio = costs["overrun_ratio"];
  if (!err && (c.expected_generation_usd < 0 || c.expected_generation_usd > 1000))
    return bad("costs.expected_generation_usd", "must be between 0 and 1000");
  if (!err && (c.cost_overrun_ratio < 1 || c.cost_overrun_ratio > 100))
    return bad("costs.overrun_ratio", "must be between 1 and 100");
  c.log_level = j["log"]["level"];
  c.log_format = j["log"]["format"];
  if (err)
    return err;
  if (c.min_ttl_seconds > c.max_ttl_seconds)
    return bad("sessions.min_ttl_seconds", "must not exceed sessions.max_ttl_seconds");
  if (c.log_format != "text" && c.log_format != "json")
    return bad("log.format", "must be 'text' or 'json'");
  if (!is_backend_name(c.generator))
    return bad("generation.backend", "unknown backend '" + c.generator
                                       + "' (template, anthropic, openai or command)");
  if (c.generation.chain.empty())
    c.generation.chain = {c.generator};
  if (auto e = check_edge(c))
    return e;
  if (c.node_id.empty())
    return bad("node.id", "must not be empty");
  return c;
}

/// The admin token from SPAWN_ADMIN_TOKEN or `auth.admin_token_file`; only its
/// hash is kept. Secrets never come from the JSON file itself.
caf::error load_admin_token(spawn_config& c) {
  std::string token;
  if (const char* env = std::getenv("SPAWN_ADMIN_TOKEN"))
    token = env;
  if (token.empty() && !c.admin_token_file.empty()) {
    std::ifstream in{c.admin_token_file};
    if (!in)
      return bad("auth.admin_token_file", "cannot read " + c.admin_token_file);
    std::getline(in, token);
  }
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
    token.pop_back();
  if (token.empty()) {
    if (!c.admin_token_file.empty())
      return bad("auth.admin_token_file", "the file is empty");
    return {};
  }
  if (token.size() < 16)
    return bad("auth.admin_token_file",
               "the admin token (SPAWN_ADMIN_TOKEN or the file) needs 16+ characters");
  c.admin_token_hash = sha256_hex(token);
  return {};
}

caf::expected<json> parse_overlay(const std::string& text) {
  auto user = json::parse(text, nullptr, false);
  if (user.is_discarded())
    return make_error(errc::invalid_input, "configuration is not valid JSON");
  auto cfg = json::parse(defaults_json);
  if (auto err = overlay(cfg, user, "", false))
    return err;
  return cfg;
}

} // namespace

std::string config_defaults() {
  return json::parse(defaults_json).dump(2);
}

caf::expected<spawn_config> parse_config(const std::string& json_text) {
  auto cfg = parse_overlay(json_text);
  if (!cfg)
    return cfg.error();
  return bind_config(*cfg);
}

caf::expected<spawn_config> load_config(const std::string& path) {
  std::string text = "{}";
  if (!path.empty()) {
    std::ifstream in{path};
    if (!in)
      return make_error(errc::invalid_input, "cannot read config file " + path);
    std::stringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  }
  auto cfg = parse_overlay(text);
  if (!cfg)
    return make_error(errc::invalid_input, path + ": " + message_of(cfg.error()));
  if (auto err = apply_env(*cfg))
    return err;
  auto c = bind_config(*cfg);
  if (!c)
    return c;
  if (auto err = load_admin_token(*c))
    return err;
  return c;
}

std::string describe_config_keys() {
  auto cfg = json::parse(defaults_json);
  std::vector<std::pair<std::string, const json*>> keys;
  flatten(cfg, "", keys);
  std::string out;
  for (auto& [key, value] : keys)
    out += "  " + key + std::string(key.size() < 44 ? 44 - key.size() : 1, ' ')
           + env_name(key) + " (default " + value->dump() + ")\n";
  return out;
}

int64_t default_ttl(const spawn_config& cfg, app_type t) {
  auto i = cfg.app_types.find(std::string{to_string(t)});
  return i != cfg.app_types.end() ? i->second.default_ttl_seconds : 7200;
}

const tier_config& tier_of(const spawn_config& cfg, app_type t) {
  static const tier_config fallback;
  auto i = cfg.app_types.find(std::string{to_string(t)});
  if (i != cfg.app_types.end()) {
    auto j = cfg.tiers.find(i->second.tier);
    if (j != cfg.tiers.end())
      return j->second;
  }
  return cfg.tiers.empty() ? fallback : cfg.tiers.begin()->second;
}

} // namespace spawn
