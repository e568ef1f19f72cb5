// The table of every configuration key (infra/config_table.hpp): name,
// default, bounds, help and how a JSON value is checked and stored.
#include "infra/config_table.hpp"

#include "core/app_type.hpp"

namespace spawn {

using nlohmann::json;

namespace {

caf::error bad(const std::string& key, const std::string& why) {
  return config_error(key, why);
}

// --- the table: every key spawnd knows, written once -----------------------------

template <class Field>
key_spec integer(std::string name, int64_t def, int64_t lo, int64_t hi, std::string help,
                 Field field) {
  auto key = name;
  return {std::move(name), def, std::move(help),
          std::to_string(lo) + ".." + std::to_string(hi),
          [=](const json& v, spawn_config& c) -> caf::error {
            if (!v.is_number_integer())
              return bad(key, "must be an integer");
            auto x = v.get<int64_t>();
            if (x < lo || x > hi)
              return bad(key, "must be between " + std::to_string(lo) + " and "
                                + std::to_string(hi));
            auto& out = field(c);
            out = static_cast<std::decay_t<decltype(out)>>(x);
            return {};
          }};
}

template <class Field>
key_spec number(std::string name, double def, double lo, double hi, std::string help,
                Field field) {
  auto key = name;
  return {std::move(name), def, std::move(help), json(lo).dump() + ".." + json(hi).dump(),
          [=](const json& v, spawn_config& c) -> caf::error {
            if (!v.is_number())
              return bad(key, "must be a number");
            auto x = v.get<double>();
            if (!(x >= lo && x <= hi))
              return bad(key, "must be between " + json(lo).dump() + " and " + json(hi).dump());
            field(c) = x;
            return {};
          }};
}

template <class Field>
key_spec text(std::string name, std::string def, std::string help, Field field) {
  auto key = name;
  return {std::move(name), def, std::move(help), "text",
          [=](const json& v, spawn_config& c) -> caf::error {
            if (!v.is_string())
              return bad(key, std::string{"expected string, got "} + v.type_name());
            field(c) = v.get<std::string>();
            return {};
          }};
}

template <class Field>
key_spec flag(std::string name, bool def, std::string help, Field field) {
  auto key = name;
  return {std::move(name), def, std::move(help), "true|false",
          [=](const json& v, spawn_config& c) -> caf::error {
            if (!v.is_boolean())
              return bad(key, std::string{"expected boolean, got "} + v.type_name());
            field(c) = v.get<bool>();
            return {};
          }};
}

template <class Field>
key_spec strings(std::string name, json def, bool non_empty, std::string help, Field field) {
  auto key = name;
  return {std::move(name), std::move(def), std::move(help), "list of text",
          [=](const json& v, spawn_config& c) -> caf::error {
            if (!v.is_array())
              return bad(key, "must be an array of non-empty strings");
            std::vector<std::string> out;
            for (auto& x : v) {
              if (!x.is_string() || x.get<std::string>().empty())
                return bad(key, "must be an array of non-empty strings");
              out.push_back(x.get<std::string>());
            }
            if (non_empty && out.empty())
              return bad(key, "must name a program");
            field(c) = std::move(out);
            return {};
          }};
}

/// The keys of one LLM server block (generation.anthropic, generation.openai).
template <class Block>
void llm_keys(std::vector<key_spec>& t, const std::string& p, const json& d, Block block) {
  t.push_back(text(p + ".base_url", d["base_url"], "the server's base URL (http:// or https://)",
                   [=](spawn_config& c) -> auto& { return block(c).base_url; }));
  t.push_back(text(p + ".model", d["model"], "model name",
                   [=](spawn_config& c) -> auto& { return block(c).model; }));
  t.push_back(text(p + ".api_key_file", "", "file holding the API key (else the environment)",
                   [=](spawn_config& c) -> auto& { return block(c).api_key_file; }));
  t.push_back(integer(p + ".max_tokens", d["max_tokens"], 1, 1000000, "output tokens per call",
                      [=](spawn_config& c) -> auto& { return block(c).max_tokens; }));
  t.push_back(number(p + ".temperature", 0.2, 0, 2, "sampling temperature",
                     [=](spawn_config& c) -> auto& { return block(c).temperature; }));
  t.push_back(integer(p + ".connect_timeout_ms", d["connect_timeout_ms"], 100, 600000,
                      "connection timeout",
                      [=](spawn_config& c) -> auto& { return block(c).connect_timeout_ms; }));
  t.push_back(integer(p + ".idle_timeout_ms", d["idle_timeout_ms"], 100, 3600000,
                      "longest silence of a stream",
                      [=](spawn_config& c) -> auto& { return block(c).idle_timeout_ms; }));
  t.push_back(integer(p + ".timeout_ms", d["timeout_ms"], 100, 7200000, "one whole call",
                      [=](spawn_config& c) -> auto& { return block(c).timeout_ms; }));
  t.push_back(number(p + ".input_usd_per_mtok", d["input_usd"], 0, 10000,
                     "price of a million input tokens",
                     [=](spawn_config& c) -> auto& { return block(c).input_usd_per_mtok; }));
  t.push_back(number(p + ".output_usd_per_mtok", d["output_usd"], 0, 10000,
                     "price of a million output tokens",
                     [=](spawn_config& c) -> auto& { return block(c).output_usd_per_mtok; }));
}

/// `runtime.egress_allow`: what the firewall opens besides the policy. spawnd
/// only checks it (deploy/scripts/firewall.sh reads the same file and applies it).
caf::error check_egress_entries(const std::string& key, const json& v) {
  if (!v.is_array())
    return bad(key, "must be an array of \"host:port\", \"ip[/bits]:port\" or \":port\"");
  for (auto& x : v) {
    if (!x.is_string())
      return bad(key, "entries must be strings");
    auto e = x.get<std::string>();
    auto colon = e.rfind(':');
    auto host = colon == std::string::npos ? e : e.substr(0, colon);
    auto port = colon == std::string::npos ? std::string{} : e.substr(colon + 1);
    bool port_ok = !port.empty() && port.size() <= 5
                   && port.find_first_not_of("0123456789") == std::string::npos
                   && std::stoi(port) >= 1 && std::stoi(port) <= 65535;
    bool host_ok = host.size() <= 253
                   && host.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:/")
                        == std::string::npos;
    if (!port_ok || !host_ok)
      return bad(key, "bad entry '" + e + "' (want host:port, ip[/bits]:port or :port, port 1..65535)");
  }
  return {};
}

caf::error check_egress_allow(const json& v, spawn_config&) {
  return check_egress_entries("runtime.egress_allow", v);
}

/// `runtime.egress_permit`: what a session may ask for (spawnd applies it per
/// app container, actors/egress_keeper.hpp): host:port entries only.
caf::error bind_egress_permit(const json& v, spawn_config& c) {
  const std::string key = "runtime.egress_permit";
  if (auto err = check_egress_entries(key, v))
    return err;
  c.egress_permit.clear();
  for (auto& x : v) {
    auto e = x.get<std::string>();
    auto colon = e.rfind(':');
    if (colon == std::string::npos || colon == 0 || e.find('/') != std::string::npos)
      return bad(key, "bad entry '" + e + "' (want host:port: a name or an address, and a port)");
    c.egress_permit.push_back(e);
  }
  return {};
}

/// `tiers` and `sessions.app_types`: maps whose entries are free.
caf::error bind_tiers(const json& v, spawn_config& c) {
  if (!v.is_object())
    return bad("tiers", "must be an object");
  c.tiers.clear();
  for (auto& [name, t] : v.items()) {
    auto key = "tiers." + name;
    if (!t.is_object() || !t.value("cpus", json{}).is_number()
        || !t.value("hourly_usd", json{}).is_number() || !t.value("memory_mb", json{}).is_number_integer()
        || !t.value("pids", json{}).is_number_integer())
      return bad(key, "needs numbers cpus, memory_mb, pids, hourly_usd");
    tier_config tc;
    tc.cpus = t["cpus"];
    tc.hourly_usd = t["hourly_usd"];
    tc.memory_mb = t["memory_mb"];
    tc.pids = t["pids"];
    auto rt = t.value("runtime", json("runc"));
    if (!rt.is_string() || (rt != "runc" && rt != "runsc"))
      return bad(key + ".runtime", "must be runc or runsc (gVisor, deploy/scripts/gvisor.sh)");
    tc.runtime = rt == "runc" ? "" : rt.get<std::string>();
    if (tc.cpus <= 0 || tc.hourly_usd < 0 || tc.memory_mb < 16 || tc.memory_mb > (1 << 20)
        || tc.pids < 8 || tc.pids > (1 << 16))
      return bad(key, "cpus must be > 0, hourly_usd >= 0, memory_mb 16..1048576, pids 8..65536");
    c.tiers[name] = tc;
  }
  return {};
}

caf::error bind_app_types(const json& v, spawn_config& c) {
  if (!v.is_object())
    return bad("sessions.app_types", "must be an object");
  c.app_types.clear();
  for (auto& [name, a] : v.items()) {
    auto key = "sessions.app_types." + name;
    if (!parse_app_type(name))
      return bad(key, "unknown app type");
    if (!a.is_object() || !a.value("tier", json{}).is_string()
        || !a.value("default_ttl_seconds", json{}).is_number_integer())
      return bad(key, "needs default_ttl_seconds and tier");
    app_type_config ac;
    ac.default_ttl_seconds = a["default_ttl_seconds"];
    if (ac.default_ttl_seconds < 1 || ac.default_ttl_seconds > 31536000)
      return bad(key + ".default_ttl_seconds", "must be between 1 and 31536000");
    ac.tier = a["tier"];
    c.app_types[name] = ac;
  }
  return {};
}

} // namespace

const std::vector<key_spec>& config_table() {
  static const std::vector<key_spec> t = [] {
    std::vector<key_spec> t;
    auto add = [&](key_spec k) { t.push_back(std::move(k)); };
#define SPAWN_FIELD(member) [](spawn_config & c) -> auto& { return c.member; }
    // http
    add(text("http.address", "127.0.0.1", "address the API listens on", SPAWN_FIELD(http_address)));
    add(integer("http.port", 8080, 0, 65535, "port of the API and web UI", SPAWN_FIELD(http_port)));
    add(integer("http.threads", 2, 1, 64, "RESTinio threads", SPAWN_FIELD(http_threads)));
    add(text("http.public_url", "", "how users reach spawnd; derived when empty",
             SPAWN_FIELD(public_url)));
    add(text("http.web_root", "", "folder of the web UI; empty: the source tree's web/",
             SPAWN_FIELD(web_root)));
    add(integer("http.max_body_bytes", 65536, 1024, 16 << 20, "largest request body",
                SPAWN_FIELD(max_body_bytes)));
    add(integer("http.max_pipelined_requests", 128, 1, 1024,
                "requests answered in order on one connection", SPAWN_FIELD(max_pipelined_requests)));
    add(integer("http.ws_max_frame_bytes", 8192, 125, 1 << 20,
                "a larger client WebSocket frame closes the socket with 1009",
                SPAWN_FIELD(ws_max_frame_bytes)));
    add(integer("http.ws_max_per_client", 16, 1, 100000, "open WebSockets per client address",
                SPAWN_FIELD(ws_max_per_client)));
    add(integer("http.ws_max_total", 1024, 1, 1000000, "open WebSockets on this node",
                SPAWN_FIELD(ws_max_total)));
    // sessions
    add(integer("sessions.max_prompt_chars", 2000, 1, 100000, "longest prompt",
                SPAWN_FIELD(max_prompt_chars)));
    add(integer("sessions.min_ttl_seconds", 30, 1, 86400, "shortest lifetime a request may ask",
                SPAWN_FIELD(min_ttl_seconds)));
    add(integer("sessions.max_ttl_seconds", 259200, 1, 31536000, "longest lifetime, extensions included",
                SPAWN_FIELD(max_ttl_seconds)));
    add(integer("sessions.sweep_interval_ms", 15000, 100, 3600000,
                "expiry sweep, node heartbeat, key reload", SPAWN_FIELD(sweep_interval_ms)));
    add(integer("sessions.phase_timeout_ms", 60000, 100, 3600000,
                "longest provisioning; how long a missing dependency is waited for",
                SPAWN_FIELD(phase_timeout_ms)));
    add(integer("sessions.max_attempts", 3, 1, 20, "tries of a failing step",
                SPAWN_FIELD(max_attempts)));
    add(integer("sessions.retry_backoff_ms", 500, 1, 600000, "first retry delay (doubles)",
                SPAWN_FIELD(retry_backoff_ms)));
    add(integer("sessions.max_versions", 20, 1, 1000,
                "versions of an app kept (the current one is never pruned)",
                SPAWN_FIELD(max_versions)));
    add(integer("sessions.drain_ms", 2000, 0, 600000,
                "how long a replaced container keeps serving in-flight requests",
                SPAWN_FIELD(drain_ms)));
    add({"sessions.app_types",
         json::parse(R"({"webapp": {"default_ttl_seconds": 7200, "tier": "small"},
                         "script": {"default_ttl_seconds": 7200, "tier": "small"},
                         "api": {"default_ttl_seconds": 86400, "tier": "medium"},
                         "site": {"default_ttl_seconds": 259200, "tier": "large"}})"),
         "per app type: default lifetime and tier", "object", bind_app_types});
    add({"tiers",
         json::parse(R"({"small": {"cpus": 1, "memory_mb": 1024, "pids": 128, "hourly_usd": 0.00893,
                                   "runtime": "runc"},
                         "medium": {"cpus": 2, "memory_mb": 2048, "pids": 256, "hourly_usd": 0.02679,
                                    "runtime": "runc"},
                         "large": {"cpus": 2, "memory_mb": 4096, "pids": 256, "hourly_usd": 0.03571,
                                   "runtime": "runc"}})"),
         "resource tiers (seed 002): limits, hourly price, OCI runtime (runc, or runsc: gVisor)",
         "object", bind_tiers});
    // node, database, pools
    add(text("node.id", "node-1", "this node's id", SPAWN_FIELD(node_id)));
    add(text("node.state_dir", "", "slots live under <state_dir>/slots (empty: /var/lib/spawnai)",
             SPAWN_FIELD(state_dir)));
    add(text("database.url", "", "PostgreSQL connection string", SPAWN_FIELD(database_url)));
    add(integer("database.workers", 3, 1, 32, "store worker threads (one connection each)",
                SPAWN_FIELD(store_workers)));
    add(integer("database.batch", 256, 1, 4096,
                "session writes a store worker commits at once (group commit; 1: one each)",
                SPAWN_FIELD(store_batch)));
    add(integer("pools.io_threads", 8, 1, 64,
                "threads for Docker, Caddy, files and HTTP probes", SPAWN_FIELD(io_threads)));
    add(integer("pools.generation_threads", 4, 1, 64, "threads for generation backends",
                SPAWN_FIELD(generation_threads)));
    add(integer("pools.edge_threads", 2, 1, 64,
                "threads for the edge (Caddy routes, pause and wake): never behind container starts",
                SPAWN_FIELD(edge_threads)));
    // runtime
    add(text("runtime.docker_socket", "/var/run/docker.sock", "the Docker engine's API socket",
             SPAWN_FIELD(docker_socket)));
    add(text("runtime.image", "spawnai/runtime-node:1", "image of app containers",
             SPAWN_FIELD(runtime_image)));
    add(text("runtime.network", "", "bridge of app containers (empty: the engine's default)",
             SPAWN_FIELD(docker_network)));
    add({"runtime.egress", "deny",
         "apps' outside connections: deny or allow (private and link-local ranges never;"
         " applied by deploy/scripts/firewall.sh)",
         "deny|allow", [](const json& v, spawn_config&) -> caf::error {
           if (!v.is_string() || (v != "deny" && v != "allow"))
             return bad("runtime.egress", "must be deny or allow");
           return {}; // checked here, applied by deploy/scripts/firewall.sh
         }});
    add({"runtime.egress_allow", json::array(),
         "destinations opened whatever runtime.egress says: host:port, ip[/bits]:port, :port",
         "list of text", check_egress_allow});
    add({"runtime.egress_permit", json::array(),
         "destinations (host:port) a session may ask egress to, with \"egress\" at creation;"
         " applied per app container by spawnd (private and link-local addresses never)",
         "list of text", bind_egress_permit});
    // hosts (issue 17)
    add(text("hosts.policy", "local_first",
             "where a new app goes: spread, pack or local_first", SPAWN_FIELD(hosts_policy)));
    add(flag("hosts.local", true, "the local Docker engine takes apps too",
             SPAWN_FIELD(hosts_local)));
    add(integer("hosts.local_capacity", 0, 0, 100000,
                "containers the local engine takes (0: limits.max_sessions plus the warm pool)",
                SPAWN_FIELD(hosts_local_capacity)));
    add(integer("hosts.check_interval_ms", 5000, 100, 3600000, "how often every host is pinged",
                SPAWN_FIELD(hosts_check_interval_ms)));
    add(integer("hosts.warm_per_host", -1, -1, 1000,
                "warm containers per tier on each remote host (-1: runtime.warm_pool_size)",
                SPAWN_FIELD(hosts_warm_per_host)));
    add(integer("hosts.fail_after", 2, 1, 100, "failed pings in a row before a host is gone",
                SPAWN_FIELD(hosts_fail_after)));
    add(text("hosts.tls_dir", "/var/lib/spawnai-hosts/tls",
             "ca.pem, cert.pem and key.pem for remote engines (TLS client certificates)",
             SPAWN_FIELD(hosts_tls_dir)));
    add(number("hosts.idle_destroy_minutes", 10, 0, 100000,
               "an empty droplet is destroyed after this long", SPAWN_FIELD(hosts_idle_destroy_minutes)));
    add(text("hosts.digitalocean.api_base", "https://api.digitalocean.com",
             "DigitalOcean's API", SPAWN_FIELD(do_api_base)));
    add(text("hosts.digitalocean.token_file", "",
             "file holding the API token ($DIGITALOCEAN_TOKEN wins; never stored)",
             SPAWN_FIELD(do_token_file)));
    add(text("hosts.digitalocean.region", "nyc3", "region of new droplets", SPAWN_FIELD(do_region)));
    add(text("hosts.digitalocean.image", "debian-12-x64", "image of new droplets",
             SPAWN_FIELD(do_image)));
    add(text("hosts.digitalocean.tier", "small", "tier the droplets serve (size by its memory)",
             SPAWN_FIELD(do_tier)));
    add(integer("hosts.digitalocean.min", 0, 0, 1000, "droplets kept at least",
                SPAWN_FIELD(do_min)));
    add(integer("hosts.digitalocean.max", 0, 0, 1000, "droplets at most (0: no droplets)",
                SPAWN_FIELD(do_max)));
    add(integer("hosts.digitalocean.capacity", 20, 1, 10000, "containers per droplet",
                SPAWN_FIELD(do_capacity)));
    add(integer("hosts.digitalocean.scale_up_free", 2, 0, 10000,
                "a new droplet when fewer free container slots remain", SPAWN_FIELD(do_scale_up_free)));
    add(text("hosts.digitalocean.control_plane", "",
             "address or CIDR allowed to reach a droplet's engine (2376)",
             SPAWN_FIELD(do_control_plane)));
    add(integer("hosts.digitalocean.poll_ms", 2000, 10, 60000, "looks at a create action",
                SPAWN_FIELD(do_poll_ms)));
    add(integer("hosts.digitalocean.engine_timeout_ms", 600000, 100, 3600000,
                "a new droplet's engine must answer within", SPAWN_FIELD(do_engine_timeout_ms)));
    add(integer("runtime.warm_pool_size", 2, 0, 64, "started, empty containers per tier",
                SPAWN_FIELD(warm_pool_size)));
    add(integer("runtime.app_ready_timeout_ms", 20000, 100, 600000,
                "how long a deployed app may take to answer", SPAWN_FIELD(app_ready_timeout_ms)));
    add(integer("runtime.docker_timeout_ms", 30000, 100, 600000,
                "one Engine API call (a start has a minute)", SPAWN_FIELD(docker_timeout_ms)));
    // generation
    add(text("generation.backend", "template", "template, anthropic, openai or command",
             SPAWN_FIELD(generator)));
    add(strings("generation.chain", json::array(), false,
                "backends tried in order; empty: [generation.backend]",
                SPAWN_FIELD(generation.chain)));
    add(integer("generation.attempts_per_backend", 2, 1, 10, "tries per backend",
                SPAWN_FIELD(generation.attempts_per_backend)));
    add(integer("generation.retry_backoff_ms", 1000, 1, 600000, "first retry delay",
                SPAWN_FIELD(generation.retry_backoff_ms)));
    add(integer("generation.max_retry_wait_ms", 30000, 0, 600000, "longest wait a server may ask",
                SPAWN_FIELD(generation.max_retry_wait_ms)));
    add(integer("generation.timeout_ms", 600000, 1000, 7200000,
                "a whole generation, fallbacks included", SPAWN_FIELD(generation.timeout_ms)));
    add(integer("generation.progress_interval_ms", 1000, 0, 600000,
                "at most one token-count event this often",
                SPAWN_FIELD(generation.progress_interval_ms)));
    add(integer("generation.session_token_budget", 200000, 0, 1000000000,
                "tokens per session (0: no limit)", SPAWN_FIELD(generation.session_token_budget)));
    add(integer("generation.owner_token_budget", 2000000, 0, 100000000000LL,
                "tokens per owner and window (0: no limit)",
                SPAWN_FIELD(generation.owner_token_budget)));
    add(integer("generation.owner_budget_window_hours", 24, 1, 8760, "the owner budget's window",
                SPAWN_FIELD(generation.owner_budget_window_hours)));
    add(integer("generation.cache_ttl_seconds", 3600, 0, 2592000,
                "prompt cache lifetime (0: no cache)", SPAWN_FIELD(generation.cache_ttl_seconds)));
    add(integer("generation.fix_rounds", 2, 0, 5,
                "times a model-made version's errors go back to the model",
                SPAWN_FIELD(generation.fix_rounds)));
    add(text("generation.check_browser", "",
             "Chromium that loads model-made pages to check them; empty: found on PATH; none: off",
             SPAWN_FIELD(generation.check_browser)));
    add(integer("generation.check_settle_ms", 2000, 0, 30000,
                "how long a checked page runs before its errors are read",
                SPAWN_FIELD(generation.check_settle_ms)));
    add(integer("generation.check_timeout_ms", 20000, 1000, 300000, "one browser run of the check",
                SPAWN_FIELD(generation.check_timeout_ms)));
    llm_keys(t, "generation.anthropic",
             {{"base_url", "https://api.anthropic.com"}, {"model", "claude-sonnet-4-5"},
              {"max_tokens", 16000}, {"connect_timeout_ms", 10000}, {"idle_timeout_ms", 60000},
              {"timeout_ms", 300000}, {"input_usd", 3.0}, {"output_usd", 15.0}},
             [](spawn_config& c) -> auto& { return c.generation.anthropic; });
    add(text("generation.anthropic.api_version", "2023-06-01", "anthropic-version header",
             SPAWN_FIELD(generation.anthropic.api_version)));
    llm_keys(t, "generation.openai",
             {{"base_url", "http://127.0.0.1:11434"}, {"model", "qwen2.5-coder:7b"},
              {"max_tokens", 8192}, {"connect_timeout_ms", 5000}, {"idle_timeout_ms", 120000},
              {"timeout_ms", 600000}, {"input_usd", 0.0}, {"output_usd", 0.0}},
             [](spawn_config& c) -> auto& { return c.generation.openai; });
    add(flag("generation.openai.include_usage", true, "ask for usage in the stream",
             SPAWN_FIELD(generation.openai.include_usage)));
    add(strings("generation.command.argv", json::array({"claude", "-p"}), true,
                "the coding CLI; the step's instruction is appended",
                SPAWN_FIELD(generation.command.argv)));
    add(integer("generation.command.step_timeout_ms", 300000, 100, 7200000, "one CLI step",
                SPAWN_FIELD(generation.command.step_timeout_ms)));
    add(flag("generation.command.sandbox", true, "run the CLI under bubblewrap",
             SPAWN_FIELD(generation.command.sandbox)));
    add(strings("generation.command.pass_env", json::array({"ANTHROPIC_API_KEY"}), false,
                "variables handed to the CLI", SPAWN_FIELD(generation.command.pass_env)));
    // health, recovery
    add(integer("health.interval_ms", 30000, 0, 3600000, "health checks of running apps (0: off)",
                SPAWN_FIELD(health_interval_ms)));
    add(integer("health.grace_ms", 60000, 0, 3600000, "unhealthy this long: the session fails",
                SPAWN_FIELD(health_grace_ms)));
    add(integer("health.probe_timeout_ms", 2000, 50, 60000, "one HTTP probe",
                SPAWN_FIELD(health_probe_timeout_ms)));
    add(integer("recovery.parallelism", 8, 1, 256, "adoptions at once at start-up",
                SPAWN_FIELD(recovery_parallelism)));
    add(integer("recovery.orphan_scan_interval_ms", 60000, 0, 86400000,
                "orphan container scans (0: only after recovery)",
                SPAWN_FIELD(orphan_scan_interval_ms)));
    // edge
    add(text("edge.caddy_admin", "", "Caddy's admin API (http://...); empty: no edge",
             SPAWN_FIELD(edge_caddy_admin)));
    add(text("edge.server", "spawnai", "this node's server in Caddy", SPAWN_FIELD(edge_server)));
    add(text("edge.listen", "127.0.0.1:8081", "where that server listens", SPAWN_FIELD(edge_listen)));
    add(text("edge.apps_domain", "localhost", "apps at <id>.<apps_domain>",
             SPAWN_FIELD(edge_apps_domain)));
    add(integer("edge.public_port", 0, 0, 65535, "port in app URLs (0: the listen port)",
                SPAWN_FIELD(edge_public_port)));
    add(flag("edge.tls", false, "HTTPS with ACME certificates", SPAWN_FIELD(edge_tls)));
    add(text("edge.acme_ca", "", "ACME directory (https://...); empty: Caddy's default CAs",
             SPAWN_FIELD(edge_acme_ca)));
    add(text("edge.acme_ca_root", "", "PEM file trusted for the ACME server",
             SPAWN_FIELD(edge_acme_ca_root)));
    add(text("edge.spawnd_upstream", "", "how Caddy reaches spawnd (host:port); empty: http address",
             SPAWN_FIELD(edge_spawnd_upstream)));
    add(integer("edge.idle_timeout_seconds", 0, 0, 31536000, "pause apps idle this long (0: never)",
                SPAWN_FIELD(edge_idle_timeout_seconds)));
    add(integer("edge.expired_retention_seconds", 86400, 0, 31536000,
                "how long the 410 page shows", SPAWN_FIELD(edge_expired_retention_seconds)));
    // uploaded code (issue 18)
    add(integer("source.max_upload_bytes", 32 << 20, 1024, 1 << 30,
                "largest upload (archive) of POST /api/v1/sessions and /source (413 above)",
                SPAWN_FIELD(source.max_upload_bytes)));
    add(integer("source.max_entries", 20000, 1, 1000000, "entries of an uploaded archive",
                SPAWN_FIELD(source.max_entries)));
    add(integer("source.max_unpacked_bytes", 256 << 20, 1024, int64_t{16} << 30,
                "an upload's bytes once extracted", SPAWN_FIELD(source.max_unpacked_bytes)));
    add(integer("source.max_file_bytes", 64 << 20, 1024, int64_t{16} << 30,
                "one file of an upload, extracted", SPAWN_FIELD(source.max_file_bytes)));
    add(integer("source.max_ratio", 200, 2, 100000,
                "an upload's uncompressed : compressed bytes (zip bombs)",
                SPAWN_FIELD(source.max_ratio)));
    add(text("source.image", "spawnai/builder-node:1",
             "image of the builder sandbox (deploy/runtime/build-builder.sh)",
             SPAWN_FIELD(source.image)));
    add(text("source.network", "spawnai-build",
             "network of builds (deploy/scripts/build-firewall.sh: the npm registry only)",
             SPAWN_FIELD(source.network)));
    add(number("source.cpus", 2.0, 0.1, 64.0, "CPUs of a build", SPAWN_FIELD(source.cpus)));
    add(integer("source.memory_mb", 2048, 64, 65536, "memory of a build",
                SPAWN_FIELD(source.memory_mb)));
    add(integer("source.pids", 512, 16, 65536, "processes of a build", SPAWN_FIELD(source.pids)));
    add(integer("source.disk_mb", 1024, 16, 65536, "disk (tmpfs workspace) of a build",
                SPAWN_FIELD(source.disk_mb)));
    add(integer("source.timeout_ms", 600000, 1000, 3600000,
                "a whole build, install included: killed past it", SPAWN_FIELD(source.timeout_ms)));
    add(flag("source.allow_install_scripts", false,
             "npm runs packages' install scripts (off: --ignore-scripts)",
             SPAWN_FIELD(source.allow_install_scripts)));
    add(integer("edge.check_interval_ms", 5000, 100, 3600000,
                "Caddy restart check and orphan routes", SPAWN_FIELD(edge_check_interval_ms)));
    add(integer("edge.max_domains_per_session", 5, 0, 100,
                "custom domains one session may have (issue 18; 0: none)",
                SPAWN_FIELD(edge_max_domains)));
    add(text("edge.public_address", "", "the edge's public IP address: custom domains are "
             "told to make an A record to it (empty: a CNAME to the app's host)",
             SPAWN_FIELD(edge_public_address)));
    add(text("edge.advertise", "", "host:port where other nodes' edges reach this one (empty: "
             "edge.listen)", SPAWN_FIELD(edge_advertise)));
    // the cluster (issue 14)
    add(text("cluster.name", "", "nodes sharing this name form a cluster and take over each "
             "other's sessions (empty: standalone)", SPAWN_FIELD(cluster_name)));
    add(text("cluster.host", "", "address of the middleman (CAF actor traffic); empty: "
             "http.address", SPAWN_FIELD(cluster_host)));
    add(integer("cluster.port", 0, 0, 65535, "port of the middleman (0: no actor traffic "
                "between nodes)", SPAWN_FIELD(cluster_port)));
    add(integer("cluster.heartbeat_ms", 1000, 50, 600000, "how often a node renews its lease",
                SPAWN_FIELD(cluster_heartbeat_ms)));
    add(integer("cluster.lease_ms", 4000, 200, 3600000,
                "a node whose lease ran out this long ago is dead", SPAWN_FIELD(cluster_lease_ms)));
    add(text("cluster.placement", "most_free", "where a creation goes: most_free (the node with "
             "the most free capacity) or local", SPAWN_FIELD(cluster_placement)));
    add(flag("cluster.drain", false, "a graceful stop hands every session to the other nodes "
             "first", SPAWN_FIELD(cluster_drain)));
    add(integer("cluster.claim_batch", 16, 1, 10000, "sessions of a dead node claimed at once",
                SPAWN_FIELD(cluster_claim_batch)));
    add(integer("cluster.failover_reserve", 32, 0, 10000, "most warm containers per tier a node "
                "keeps, beyond runtime.warm_pool_size, to take its share of a lost peer's sessions "
                "(0: none)", SPAWN_FIELD(cluster_failover_reserve)));
    // auth, limits, costs, log
    add(flag("auth.api_keys_required", false, "refuse anonymous callers",
             SPAWN_FIELD(api_keys_required)));
    add(text("auth.admin_token_file", "", "file holding the admin token (or SPAWN_ADMIN_TOKEN)",
             SPAWN_FIELD(admin_token_file)));
    add(integer("limits.creations_per_window", 5, 1, 1000000, "creations per client and window",
                SPAWN_FIELD(creations_per_window)));
    add(integer("limits.creation_window_seconds", 900, 1, 86400, "the creation window",
                SPAWN_FIELD(creation_window_seconds)));
    add(integer("limits.active_per_owner", 3, 1, 1000000, "live sessions per owner",
                SPAWN_FIELD(active_per_owner)));
    add(integer("limits.max_sessions", 100, 1, 1000000, "live sessions on this node",
                SPAWN_FIELD(max_sessions)));
    add(integer("limits.max_generations", 4, 1, 10000, "generations at once; more wait",
                SPAWN_FIELD(max_generations)));
    add(number("costs.expected_generation_usd", 0.0, 0, 1000,
               "expected generation cost per session", SPAWN_FIELD(expected_generation_usd)));
    add(integer("costs.accrual_interval_ms", 15000, 100, 3600000,
                "how often live sessions accrue their cost", SPAWN_FIELD(cost_interval_ms)));
    add(number("costs.overrun_ratio", 1.5, 1, 100, "warn when actual > ratio x estimate",
               SPAWN_FIELD(cost_overrun_ratio)));
    add(text("log.level", "info", "trace, debug, info, warn, error", SPAWN_FIELD(log_level)));
    add(text("log.format", "text", "text or json", SPAWN_FIELD(log_format)));
#undef SPAWN_FIELD
    return t;
  }();
  return t;
}


} // namespace spawn
