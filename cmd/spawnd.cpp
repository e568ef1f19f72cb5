// spawnd: the SpawnAI node daemon. Only a composition root: configuration,
// adapters, the actor system, the HTTP front end, and an orderly stop.

#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "build_paths.hpp"
#include "actors/atoms.hpp"
#include "actors/blocking.hpp"
#include "actors/edge.hpp"
#include "actors/generation_queue.hpp"
#include "actors/node_context.hpp"
#include "actors/session_manager.hpp"
#include "actors/store_worker.hpp"
#include "actors/warm_pool.hpp"
#include "core/error.hpp"
#include "core/messages.hpp"
#include "http/server.hpp"
#include "infra/config.hpp"
#include "actors/droplet_pool.hpp"
#include "actors/host_registry.hpp"
#include "infra/digitalocean.hpp"
#include "infra/docker_engine.hpp"
#include "infra/host_set.hpp"
#include "infra/generator_factory.hpp"
#include "infra/source_builder.hpp"
#include "infra/json_log.hpp"
#include "persistence/pg_store.hpp"

namespace {

constexpr const char* usage = R"(usage: spawnd [--config FILE] [--help]

Runs a SpawnAI node: the REST/WebSocket API, the web UI and the session actors.
Configuration: FILE (JSON; configs/spawnd.json is the local default), then
environment variables SPAWN_<KEY> for any key below (dots become '_').

The admin token (guards /admin/v1) comes from SPAWN_ADMIN_TOKEN or the file
named by auth.admin_token_file; without one the admin API answers 403.

Keys:
)";

void setup_logging(const spawn::spawn_config& cfg) {
  auto logger = spdlog::stderr_color_mt("spawnd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  if (cfg.log_format == "json")
    logger->set_formatter(spawn::make_json_formatter());
}

/// Applies the migrations, waiting up to a minute for the database to come up.
caf::error migrate(const std::string& dsn) {
  spawn::pg_store db{dsn};
  caf::error err;
  for (int i = 0; i < 60; ++i) {
    err = db.migrate();
    if (!err || spawn::code_of(err) != spawn::errc::unavailable)
      return err;
    if (i == 0)
      spdlog::warn("database not reachable yet ({}); waiting", spawn::message_of(err));
    std::this_thread::sleep_for(std::chrono::seconds{1});
  }
  return err;
}

} // namespace

int main(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage << spawn::describe_config_keys();
      return 0;
    }
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else {
      std::cerr << "spawnd: unknown argument '" << arg << "' (see --help)\n";
      return 2;
    }
  }
  auto loaded = spawn::load_config(config_path);
  if (!loaded) {
    std::cerr << "spawnd: " << spawn::message_of(loaded.error()) << "\n";
    return 2;
  }
  auto cfg = std::make_shared<spawn::spawn_config>(std::move(*loaded));
  if (cfg->web_root.empty())
    cfg->web_root = SPAWN_SOURCE_DIR "/web";
  auto gen = spawn::make_generator(*cfg);
  if (!gen) {
    std::cerr << "spawnd: " << spawn::message_of(gen.error()) << "\n";
    return 2;
  }
  if (cfg->database_url.empty()) {
    std::cerr << "spawnd: no database: set database.url or SPAWN_DATABASE_URL\n";
    return 2;
  }
  setup_logging(*cfg);

  // Block the stop signals before any thread starts; main waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  if (auto err = migrate(cfg->database_url)) {
    spdlog::critical("database migration failed: {}", spawn::message_of(err));
    return 1;
  }

  caf::actor_system_config sys_cfg;
  spawn::register_message_types(sys_cfg);
  spawn::register_actor_handle_types(sys_cfg);
  sys_cfg.load<caf::io::middleman>(); // CAF's distribution: the other nodes' managers
  caf::actor_system sys{sys_cfg};
  spawn::node_context ctx;
  ctx.cfg = cfg;
  auto dsn = cfg->database_url;
  ctx.stores = spawn::store_pool{
    sys, [dsn] { return std::make_unique<spawn::pg_store>(dsn); }, cfg->store_workers, true,
    cfg->store_batch};
  ctx.io = spawn::blocking_pool{sys, cfg->io_threads};
  ctx.llm = spawn::blocking_pool{sys, cfg->generation_threads};
  ctx.edge_io = spawn::blocking_pool{sys, cfg->edge_threads};
  // Apps go to a set of Docker hosts (issue 17): the local engine and the
  // remote ones the host registry admits.
  auto hosts = std::make_shared<spawn::host_set>(*spawn::parse_placement(cfg->hosts_policy));
  if (cfg->hosts_local) {
    auto engine = std::make_shared<spawn::docker_engine>(cfg->docker_socket);
    engine->set_call_timeout(static_cast<long>(cfg->docker_timeout_ms));
    spawn::host_record local;
    local.id = "local";
    local.kind = "local";
    local.address = "unix://" + cfg->docker_socket;
    // Unset: room for every session the node admits, plus its warm pool
    // and, in a cluster, its failover reserve.
    auto tiers = static_cast<int>(std::max<size_t>(1, cfg->tiers.size()));
    auto reserve = cfg->cluster_name.empty() ? 0 : cfg->cluster_failover_reserve;
    local.capacity_sessions = cfg->hosts_local_capacity > 0
                                ? cfg->hosts_local_capacity
                                : cfg->max_sessions + (cfg->warm_pool_size + reserve) * tiers;
    local.created_at = spawn::now_ms();
    hosts->add(local, engine);
  }
  ctx.runtime = hosts;
  ctx.gen = *gen;
  ctx.builder = std::make_shared<spawn::source_builder>(cfg->source, cfg->state_dir,
                                                        cfg->docker_socket);
  auto edge = spawn::edge_settings_of(*cfg);
  if (!edge.admin_url.empty())
    ctx.edge = std::make_shared<spawn::caddy_admin>(edge);
  ctx.pool = sys.spawn(spawn::warm_pool, ctx);
  ctx.gen_queue = sys.spawn(spawn::generation_queue, cfg->max_generations);
  ctx.keys = std::make_shared<spawn::api_key_index>();
  {
    // The keys in force before the first request; the manager's sweep refreshes them.
    spawn::pg_store db{dsn};
    if (auto keys = db.list_api_keys())
      ctx.keys->replace(*keys);
    else
      spdlog::warn("cannot load the API keys yet: {}", spawn::message_of(keys.error()));
  }
  auto host_registry = sys.spawn(spawn::host_registry, ctx, hosts,
                                [dsn] { return std::make_unique<spawn::pg_store>(dsn); });
  spawn::droplet_pool_actor droplets;
  if (cfg->do_max > 0) {
    // The token stays in the client: never logged, never in the database.
    auto token = spawn::digitalocean_token(std::getenv("DIGITALOCEAN_TOKEN"), cfg->do_token_file);
    if (token.empty()) {
      spdlog::error("droplets: hosts.digitalocean.max is {} but no token ($DIGITALOCEAN_TOKEN or "
                    "hosts.digitalocean.token_file): no droplets", cfg->do_max);
    } else {
      spawn::digitalocean_settings dos;
      dos.api_base = cfg->do_api_base;
      dos.token = token;
      droplets = sys.spawn(spawn::droplet_pool, ctx, hosts,
                           spawn::store_factory{[dsn] { return std::make_unique<spawn::pg_store>(dsn); }},
                           std::make_shared<spawn::digitalocean>(dos));
      spdlog::info("droplets: {} to {} droplets of tier {} in {} ({})", cfg->do_min, cfg->do_max,
                   cfg->do_tier, cfg->do_region, cfg->do_api_base);
    }
  }
  auto manager = sys.spawn(spawn::session_manager, ctx);
  if (cfg->cluster_port > 0) {
    // Other nodes reach this node's sessions through its manager's typed interface.
    auto host = cfg->cluster_host.empty() ? cfg->http_address : cfg->cluster_host;
    auto published = sys.middleman().publish(manager, static_cast<uint16_t>(cfg->cluster_port),
                                             host.c_str(), true);
    if (!published) {
      spdlog::critical("cluster: cannot publish the session manager on {}:{}: {}", host,
                       cfg->cluster_port, sys.render(published.error()));
      caf::anon_send_exit(manager, caf::exit_reason::user_shutdown);
      return 1;
    }
    spdlog::info("cluster: node {} of cluster '{}' publishes its manager on {}:{}", cfg->node_id,
                 cfg->cluster_name, host, *published);
  }
  spawn::edge_keeper_actor keeper;
  if (ctx.edge) {
    keeper = sys.spawn(spawn::edge_keeper, ctx,
                       caf::actor_cast<spawn::session_directory_actor>(manager));
    spdlog::info("edge: Caddy at {} (server '{}' on {}); apps at {}", edge.admin_url, edge.server,
                 edge.listen, spawn::edge_app_url(edge, "<id>"));
  } else {
    spdlog::warn("edge: none configured (edge.caddy_admin is empty): apps are reached on their "
                 "direct loopback URL http://127.0.0.1:<port>/, without TLS, idle pause or wake");
  }

  {
    // Serve once this start has joined (its epoch owns what it creates); the
    // database answered the migrations a moment ago, so this is quick.
    caf::scoped_actor self{sys};
    for (int i = 0; i < 600; ++i) {
      bool joined = false;
      self->request(manager, std::chrono::seconds{5}, spawn::atoms::stats::value)
        .receive(
          [&](std::string& j) {
            joined = nlohmann::json::parse(j, nullptr, false).value("epoch", int64_t{0}) != 0;
          },
          [](caf::error&) {});
      if (joined)
        break;
      if (i == 20)
        spdlog::warn("cluster: not joined yet; waiting for the database");
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
  }
  spawn::api_server server{sys, manager, cfg, ctx.keys, host_registry};
  if (auto err = server.start()) {
    spdlog::critical("{}", spawn::message_of(err));
    caf::anon_send_exit(manager, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(ctx.pool, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(ctx.gen_queue, caf::exit_reason::user_shutdown);
    for (auto& w : ctx.stores.workers())
      caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
    for (auto* pool : {&ctx.io, &ctx.llm, &ctx.edge_io})
      for (auto& w : pool->workers())
        caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
    return 1;
  }
  spdlog::info("node {} serving; apps run from image {}; warm pool {} per tier", cfg->node_id,
               cfg->runtime_image, cfg->warm_pool_size);
  std::printf("spawnd listening on %s/\n", server.base_url().c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {}: stopping (running apps keep running)", sig);
  {
    // With cluster.drain the sessions go to the other nodes first (they adopt
    // them, then this node lets go); then the incarnation leaves the cluster.
    caf::scoped_actor self{sys};
    if (cfg->cluster_drain)
      self->request(manager, std::chrono::seconds{120}, spawn::atoms::drain::value)
        .receive([](int n) { spdlog::info("drain: {} sessions handed to other nodes", n); },
                 [](caf::error& err) { spdlog::warn("drain failed: {}", spawn::message_of(err)); });
    self->request(manager, std::chrono::seconds{10}, spawn::atoms::leave::value)
      .receive([](bool) {},
               [](caf::error& err) {
                 spdlog::warn("could not leave the cluster: {}", spawn::message_of(err));
               });
  }
  server.stop();
  if (keeper)
    caf::anon_send_exit(keeper, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(manager, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(host_registry, caf::exit_reason::user_shutdown);
  if (droplets)
    caf::anon_send_exit(droplets, caf::exit_reason::user_shutdown);
  {
    // Idle warm containers are not apps: they go; running apps stay for the next start.
    caf::scoped_actor self{sys};
    self->request(ctx.pool, std::chrono::seconds{60}, spawn::atoms::release::value)
      .receive([](int n) { spdlog::info("removed {} idle warm containers", n); },
               [](caf::error& err) {
                 spdlog::warn("could not drain the warm pool: {}", spawn::message_of(err));
               });
  }
  caf::anon_send_exit(ctx.pool, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(ctx.gen_queue, caf::exit_reason::user_shutdown);
  for (auto& w : ctx.stores.workers())
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  for (auto* pool : {&ctx.io, &ctx.llm, &ctx.edge_io})
    for (auto& w : pool->workers())
      caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  return 0;
}
