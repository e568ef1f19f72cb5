#include "infra/config.hpp"
#include "infra/config_table.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/tokens.hpp"

namespace spawn {

using nlohmann::json;

namespace {

caf::error bad(const std::string& key, const std::string& why) {
  return config_error(key, why);
}

const std::vector<key_spec>& table() {
  return config_table();
}

/// The defaults as one nested JSON object, built from the table.
json defaults() {
  json out = json::object();
  for (auto& k : table()) {
    json* at = &out;
    std::stringstream ss{k.name};
    std::vector<std::string> parts;
    for (std::string p; std::getline(ss, p, '.');)
      parts.push_back(p);
    for (size_t i = 0; i + 1 < parts.size(); ++i)
      at = &(*at)[parts[i]];
    (*at)[parts.back()] = k.def;
  }
  return out;
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

const json* find_key(const json& j, const std::string& dotted) {
  const json* at = &j;
  std::stringstream ss{dotted};
  for (std::string p; std::getline(ss, p, '.');) {
    if (!at->is_object() || !at->contains(p))
      return nullptr;
    at = &(*at)[p];
  }
  return at;
}

std::string env_name(const std::string& key) {
  std::string out = "SPAWN_";
  for (char c : key)
    out += (c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

caf::error apply_env(json& cfg) {
  for (auto& k : table()) {
    if (k.def.is_object())
      continue; // free maps are set in the file only
    const char* raw = std::getenv(env_name(k.name).c_str());
    if (!raw)
      continue;
    json parsed;
    if (k.def.is_string()) {
      parsed = std::string{raw};
    } else {
      parsed = json::parse(raw, nullptr, false);
      if (parsed.is_discarded() && k.def.is_array()) { // "anthropic,template"
        parsed = json::array();
        std::stringstream items{raw};
        for (std::string item; std::getline(items, item, ',');)
          if (!item.empty())
            parsed.push_back(item);
      }
      if (parsed.is_discarded())
        return bad(k.name, std::string{"environment value '"} + raw + "' is not valid");
    }
    json patch = parsed;
    std::vector<std::string> parts;
    std::stringstream ss{k.name};
    for (std::string part; std::getline(ss, part, '.');)
      parts.push_back(part);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
      patch = json{{*it, patch}};
    if (auto err = overlay(cfg, patch, "", false))
      return err;
  }
  return {};
}

bool is_backend_name(const std::string& n) {
  return n == "template" || n == "anthropic" || n == "openai" || n == "command";
}

/// Non-empty, at most 200 characters, letters, digits and `extra` only.
bool plain(const std::string& s, const char* extra) {
  if (s.empty() || s.size() > 200)
    return false;
  for (unsigned char ch : s)
    if (!std::isalnum(ch) && !std::strchr(extra, ch))
      return false;
  return true;
}

/// The edge keys end up in Caddy's JSON config and in URLs: only plain names.
caf::error check_edge(const spawn_config& c) {
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

/// The rules that span keys.
caf::error check_config(spawn_config& c) {
  if (c.min_ttl_seconds > c.max_ttl_seconds)
    return bad("sessions.min_ttl_seconds", "must not exceed sessions.max_ttl_seconds");
  for (auto& [name, a] : c.app_types)
    if (!c.tiers.count(a.tier))
      return bad("sessions.app_types." + name + ".tier", "no tier named '" + a.tier + "'");
  if (c.log_format != "text" && c.log_format != "json")
    return bad("log.format", "must be 'text' or 'json'");
  if (c.cluster_placement != "most_free" && c.cluster_placement != "local")
    return bad("cluster.placement", "must be 'most_free' or 'local'");
  if (c.hosts_policy != "spread" && c.hosts_policy != "pack" && c.hosts_policy != "local_first")
    return bad("hosts.policy", "must be 'spread', 'pack' or 'local_first'");
  if (c.do_min > c.do_max)
    return bad("hosts.digitalocean.min", "must not exceed hosts.digitalocean.max");
  if (c.do_max > 0 && !c.tiers.count(c.do_tier))
    return bad("hosts.digitalocean.tier", "no tier named '" + c.do_tier + "'");
  if (c.cluster_lease_ms <= c.cluster_heartbeat_ms)
    return bad("cluster.lease_ms", "must be longer than cluster.heartbeat_ms");
  if (!c.cluster_name.empty() && !plain(c.cluster_name, "-_."))
    return bad("cluster.name", "letters, digits, '-', '_' and '.' only");
  if (!c.cluster_host.empty() && !plain(c.cluster_host, ".:[]"))
    return bad("cluster.host", "must be a host name or address");
  if (!c.edge_advertise.empty() && !plain(c.edge_advertise, ".:[]"))
    return bad("edge.advertise", "must be host:port or empty");
  if (!is_backend_name(c.generator))
    return bad("generation.backend", "unknown backend '" + c.generator
                                       + "' (template, anthropic, openai or command)");
  for (auto& name : c.generation.chain)
    if (!is_backend_name(name))
      return bad("generation.chain", "unknown backend '" + name
                                       + "' (template, anthropic, openai or command)");
  if (c.generation.chain.empty())
    c.generation.chain = {c.generator};
  for (auto* llm : {&c.generation.anthropic, &c.generation.openai}) {
    auto key = std::string{"generation."} + (llm == &c.generation.anthropic ? "anthropic" : "openai");
    if (llm->base_url.rfind("http://", 0) != 0 && llm->base_url.rfind("https://", 0) != 0)
      return bad(key + ".base_url", "must start with http:// or https://");
    if (llm->model.empty())
      return bad(key + ".model", "must not be empty");
  }
  if (auto e = check_edge(c))
    return e;
  if (c.node_id.empty())
    return bad("node.id", "must not be empty");
  return {};
}

caf::expected<spawn_config> bind_config(const json& j) {
  spawn_config c;
  for (auto& k : table()) {
    auto v = find_key(j, k.name);
    if (auto err = k.bind(v ? *v : k.def, c))
      return err;
  }
  if (auto err = check_config(c))
    return err;
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
  auto cfg = defaults();
  if (auto err = overlay(cfg, user, "", false))
    return err;
  return cfg;
}

} // namespace

caf::error config_error(const std::string& key, const std::string& why) {
  return make_error(errc::invalid_input, "config key '" + key + "': " + why);
}

std::string config_defaults() {
  return defaults().dump(2);
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
  std::string out;
  for (auto& k : table()) {
    auto pad = [](const std::string& x, size_t w) {
      return x + std::string(x.size() < w ? w - x.size() : 1, ' ');
    };
    out += "  " + pad(k.name, 40) + pad(k.def.is_object() ? "(file only)" : env_name(k.name), 44)
           + k.help + " [" + k.bounds + "; default "
           + (k.def.is_object() ? std::string{"see configs/"} : k.def.dump()) + "]\n";
  }
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
