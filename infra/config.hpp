#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "core/app_type.hpp"

namespace spawn {

/// A resource tier: what a container may use and what an hour of it costs.
struct tier_config {
  double cpus = 1;
  int64_t memory_mb = 1024;
  int64_t pids = 128;
  double hourly_usd = 0.0;
  std::string runtime;  ///< OCI runtime of its containers: "" or "runc", or "runsc" (gVisor)
};

/// Per app type: default lifetime and tier.
struct app_type_config {
  int64_t default_ttl_seconds = 7200;
  std::string tier = "small";
};

/// One LLM server (generation.anthropic, generation.openai). The key is not
/// here: it comes from the environment or `api_key_file` (infra/secrets.hpp).
struct llm_backend_config {
  std::string base_url;
  std::string model;
  std::string api_key_file;
  int64_t max_tokens = 8192;
  double temperature = 0.2;
  std::string api_version;           ///< anthropic-version header (anthropic only)
  bool include_usage = true;         ///< stream_options.include_usage (openai only)
  int64_t connect_timeout_ms = 10000;
  int64_t idle_timeout_ms = 60000;
  int64_t timeout_ms = 300000;
  double input_usd_per_mtok = 0;
  double output_usd_per_mtok = 0;
};

/// The command backend: a coding CLI run in a sandboxed workspace.
struct command_backend_config {
  std::vector<std::string> argv;     ///< the CLI; the step's instruction is appended
  int64_t step_timeout_ms = 300000;
  bool sandbox = true;               ///< run under bubblewrap
  std::vector<std::string> pass_env; ///< variables handed to the CLI (its own key)
};

/// Generation backends, retries, budgets and the prompt cache (issue 5).
struct generation_config {
  std::vector<std::string> chain;    ///< backends tried in order; [backend] when empty
  int attempts_per_backend = 2;
  int64_t retry_backoff_ms = 1000;
  int64_t max_retry_wait_ms = 30000;
  int64_t timeout_ms = 600000;       ///< a whole generation, fallbacks included
  int64_t progress_interval_ms = 1000;
  int64_t session_token_budget = 200000; ///< 0: no limit
  int64_t owner_token_budget = 2000000;  ///< per owner and window; 0: no limit
  int64_t owner_budget_window_hours = 24;
  int64_t cache_ttl_seconds = 3600;  ///< 0: no prompt cache
  /// The fix loop (issue 15): a model-made version is checked once it
  /// answers (its page loaded headless for webapps and sites) and its errors
  /// go back to the model at most this many times.
  int fix_rounds = 2;
  std::string check_browser;         ///< Chromium to load pages; "": found on PATH, "none": off
  int64_t check_settle_ms = 2000;    ///< how long the page runs before its errors are read
  int64_t check_timeout_ms = 20000;  ///< one browser run
  llm_backend_config anthropic;
  llm_backend_config openai;
  command_backend_config command;
};

/// Uploaded code (issue 18): the caps of an upload and the builder sandbox.
struct source_config {
  int64_t max_upload_bytes = 32 << 20;    ///< an upload's archive (413 above)
  int64_t max_entries = 20000;            ///< entries of an upload
  int64_t max_unpacked_bytes = 256 << 20; ///< an upload's bytes once extracted
  int64_t max_file_bytes = 64 << 20;      ///< one file of an upload
  int64_t max_ratio = 200;                ///< uncompressed : compressed bytes
  std::string image = "spawnai/builder-node:1"; ///< the builder sandbox image
  std::string network = "spawnai-build";  ///< its network (firewalled: npm registry only)
  double cpus = 2;
  int64_t memory_mb = 2048;
  int64_t pids = 512;
  int64_t disk_mb = 1024;                 ///< the build's tmpfs workspace
  int64_t timeout_ms = 600000;            ///< a whole build (install included)
  bool allow_install_scripts = false;     ///< npm runs packages' install scripts
};

/// Everything spawnd can be told (DESIGN §9). Defaults live in `config_defaults()`.
struct spawn_config {
  // http
  std::string http_address = "127.0.0.1";
  int http_port = 8080;
  int http_threads = 2;
  std::string public_url;            ///< how users reach spawnd; derived when empty
  std::string web_root;              ///< folder of the web UI
  int64_t max_body_bytes = 65536;
  int max_pipelined_requests = 128;  ///< in flight on one connection, answered in order
  int64_t ws_max_frame_bytes = 8192; ///< a larger client frame closes with 1009
  int ws_max_per_client = 16;        ///< open WebSockets per client address
  int ws_max_total = 1024;           ///< open WebSockets on this node
  // sessions
  size_t max_prompt_chars = 2000;
  int64_t min_ttl_seconds = 30;
  int64_t max_ttl_seconds = 259200;
  std::map<std::string, app_type_config> app_types;
  std::map<std::string, tier_config> tiers;
  int64_t sweep_interval_ms = 15000;
  int64_t phase_timeout_ms = 60000;
  int max_attempts = 3;
  int64_t retry_backoff_ms = 500;
  /// Turns and versions (issue 15): versions kept per session (the current
  /// one always), and how long an old container drains after a switch.
  int max_versions = 20;
  int64_t drain_ms = 2000;
  // node
  std::string node_id = "node-1";
  std::string state_dir;             ///< slots live under <state_dir>/slots
  // database
  std::string database_url;
  int store_workers = 3;
  /// Session writes a store worker commits in one transaction (group commit).
  int store_batch = 256;
  /// Fixed thread pools for blocking adapter calls (actors/blocking.hpp).
  int io_threads = 8;
  int generation_threads = 4;
  int edge_threads = 2;
  // runtime
  std::string docker_socket = "/var/run/docker.sock";
  std::string runtime_image = "spawnai/runtime-node:1";
  std::string docker_network;        ///< empty: the engine's default bridge
  /// Destinations ("host:port") a session may ask egress to (issue 13).
  std::vector<std::string> egress_permit;
  int warm_pool_size = 2;
  int64_t docker_timeout_ms = 30000; ///< one Engine API call (a start has a minute)
  int64_t app_ready_timeout_ms = 20000;
  // health checks of running apps (0: off) and the grace before failing one
  int64_t health_interval_ms = 30000;
  // Docker hosts (issue 17): placement over the local engine and remote ones
  std::string hosts_policy = "local_first"; ///< spread, pack or local_first
  bool hosts_local = true;           ///< the local engine takes apps too
  int hosts_local_capacity = 0;      ///< containers the local engine takes (0: max sessions + warm)
  int64_t hosts_check_interval_ms = 5000; ///< how often every engine is pinged
  /// Warm containers per tier kept on each remote host (-1: runtime.warm_pool_size).
  int hosts_warm_per_host = -1;
  int hosts_fail_after = 2;          ///< failed pings in a row before a host is gone
  std::string hosts_tls_dir = "/var/lib/spawnai-hosts/tls"; ///< ca.pem, cert.pem, key.pem
  /// An empty droplet is destroyed after this long (never one with a container).
  double hosts_idle_destroy_minutes = 10;
  /// DigitalOcean droplets on demand (actors/droplet_pool.hpp); off while do_max is 0.
  std::string do_api_base = "https://api.digitalocean.com";
  std::string do_token_file;         ///< the token's file; $DIGITALOCEAN_TOKEN wins
  std::string do_region = "nyc3";
  std::string do_image = "debian-12-x64";
  std::string do_tier = "small";     ///< the tier its droplets serve (size from its memory)
  int do_min = 0;                    ///< ready or coming droplets kept at least
  int do_max = 0;                    ///< at most
  int do_capacity = 20;              ///< containers per droplet
  int do_scale_up_free = 2;          ///< a new droplet when fewer free slots remain
  std::string do_control_plane;      ///< who may reach a droplet's 2376 (address or CIDR)
  int64_t do_poll_ms = 2000;         ///< looks at a create action
  int64_t do_engine_timeout_ms = 600000; ///< a droplet's engine must answer within
  int64_t health_grace_ms = 60000;
  int64_t health_probe_timeout_ms = 2000;
  // recovery: adoptions at once at start-up; orphan scans (0: only at start-up)
  int recovery_parallelism = 8;
  int64_t orphan_scan_interval_ms = 60000;
  // generation
  std::string generator = "template";
  generation_config generation;
  source_config source;
  // edge (Caddy in front of the apps; actors/edge.hpp). Empty caddy_admin: no
  // edge, apps are reached on their direct loopback URL.
  std::string edge_caddy_admin;      ///< e.g. http://127.0.0.1:2019
  std::string edge_server = "spawnai"; ///< name of this node's server in Caddy
  std::string edge_listen = "127.0.0.1:8081"; ///< where that server listens
  std::string edge_apps_domain = "localhost"; ///< apps at <id>.<apps_domain>
  int edge_public_port = 0;          ///< port in app URLs; 0: the listen port
  bool edge_tls = false;             ///< HTTPS with ACME certificates
  std::string edge_acme_ca;          ///< ACME directory; empty: Caddy's default CAs
  std::string edge_acme_ca_root;     ///< PEM file trusted for the ACME server
  std::string edge_spawnd_upstream;  ///< how Caddy reaches spawnd; empty: http address
  int64_t edge_idle_timeout_seconds = 0; ///< pause apps idle this long; 0: never
  int64_t edge_expired_retention_seconds = 86400; ///< 410 page for this long
  int64_t edge_check_interval_ms = 5000; ///< Caddy restart check and orphan reaping
  int edge_max_domains = 5;          ///< custom domains per session (issue 18)
  std::string edge_public_address;   ///< the edge's public IP for A records; "" : CNAME advice
  // the cluster (issue 14; actors/cluster_member.hpp)
  std::string cluster_name;          ///< nodes of one name take over each other; "" : standalone
  std::string cluster_host;          ///< where the middleman listens and is reached; "" : http address
  int cluster_port = 0;              ///< the middleman's port; 0: no actor traffic between nodes
  int64_t cluster_heartbeat_ms = 1000;
  int64_t cluster_lease_ms = 4000;
  std::string cluster_placement = "most_free"; ///< most_free or local
  bool cluster_drain = false;        ///< a graceful stop hands the sessions to the others first
  int cluster_claim_batch = 16;      ///< sessions claimed at once from a dead node
  int cluster_failover_reserve = 32; ///< most warm containers per tier kept for a peer's loss; 0: none
  std::string edge_advertise;        ///< how other nodes' Caddy reach this edge; "" : edge.listen
  // auth, limits and costs (issue 6)
  bool api_keys_required = false;    ///< anonymous callers (keyed by address) refused
  std::string admin_token_file;      ///< file holding the admin token (or SPAWN_ADMIN_TOKEN)
  std::string admin_token_hash;      ///< hex SHA-256 of the admin token; empty: admin API off
  int creations_per_window = 5;      ///< per client (owner) in `creation_window_seconds`
  int64_t creation_window_seconds = 900;
  int active_per_owner = 3;          ///< sessions not yet destroyed per owner
  int max_sessions = 100;            ///< live sessions on this node
  int max_generations = 4;           ///< concurrent generations on this node; more wait
  double expected_generation_usd = 0; ///< expected generation cost per session
  int64_t cost_interval_ms = 15000;  ///< how often live sessions accrue their cost
  double cost_overrun_ratio = 1.5;   ///< warn when actual > ratio × estimate
  // logs
  std::string log_level = "info";
  std::string log_format = "text";   ///< text or json
};

/// The default configuration as JSON: every key spawnd knows, with its value.
std::string config_defaults();

/// Loads `path` (may be empty: defaults only), then applies `SPAWN_<KEY>`
/// environment overrides (nested keys joined by '_', upper-cased, e.g.
/// SPAWN_HTTP_PORT for http.port). Unknown keys, wrong types and out-of-range
/// values are `errc::invalid_input` errors naming the key.
caf::expected<spawn_config> load_config(const std::string& path);

/// Parses a configuration from JSON text (no environment); same checks.
caf::expected<spawn_config> parse_config(const std::string& json_text);

/// One line per key: name, environment variable, default value.
std::string describe_config_keys();

/// Lifetime of `t` when the request gives none.
int64_t default_ttl(const spawn_config& cfg, app_type t);

/// Tier of `t` (falls back to the first tier).
const tier_config& tier_of(const spawn_config& cfg, app_type t);

} // namespace spawn
