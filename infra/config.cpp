#include "infra/config.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace spawn {

using nlohmann::json;

namespace {

// Every key spawnd knows. Seed 002 gives the lifetimes and the tiers' prices.
constexpr const char* defaults_json = R"({
  "http": {"address": "127.0.0.1", "port": 8080, "threads": 2, "public_url": "",
           "web_root": "", "max_body_bytes": 65536},
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
    "small": {"cpus": 1, "memory_mb": 1024, "pids": 128, "hourly_usd": 0.00893},
    "medium": {"cpus": 2, "memory_mb": 2048, "pids": 256, "hourly_usd": 0.02679},
    "large": {"cpus": 2, "memory_mb": 4096, "pids": 256, "hourly_usd": 0.03571}
  },
  "node": {"id": "node-1", "state_dir": ""},
  "database": {"url": "", "workers": 3},
  "runtime": {"docker_socket": "/var/run/docker.sock",
              "image": "spawnai/runtime-node:1", "network": "",
              "warm_pool_size": 2, "app_ready_timeout_ms": 20000},
  "generation": {"backend": "template"},
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
  c.generator = j["generation"]["backend"];
  c.log_level = j["log"]["level"];
  c.log_format = j["log"]["format"];
  if (err)
    return err;
  if (c.min_ttl_seconds > c.max_ttl_seconds)
    return bad("sessions.min_ttl_seconds", "must not exceed sessions.max_ttl_seconds");
  if (c.log_format != "text" && c.log_format != "json")
    return bad("log.format", "must be 'text' or 'json'");
  if (c.generator != "template")
    return bad("generation.backend", "unknown backend '" + c.generator + "'");
  if (c.node_id.empty())
    return bad("node.id", "must not be empty");
  return c;
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
  return bind_config(*cfg);
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
