#include "actors/host_registry.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "core/error.hpp"

namespace spawn {

namespace {

using json = nlohmann::json;

json iso_time(epoch_ms t) {
  return t > 0 ? json(iso8601(t)) : json(nullptr);
}
using registry_self = host_registry_actor::stateful_pointer<host_registry_state>;

constexpr auto io_timeout = std::chrono::minutes{6}; // an image copy included

/// Blocking: saves `hosts` (their state and usage) for this node.
void save_hosts(host_db& db, const std::string& node, const std::vector<host_record>& hosts) {
  std::lock_guard<std::mutex> guard{db.mtx};
  if (!db.db)
    db.db = db.make();
  for (auto& h : hosts)
    if (auto err = db.db->save_host(node, h))
      spdlog::warn("hosts: cannot save host {}: {}", h.id, message_of(err));
}

/// Blocking: makes sure `engine` holds `image`, loading it from the local
/// engine's copy (read once into `tar`) when it does not.
caf::error ensure_image(docker_engine& engine, const spawn_config& cfg, std::string& tar,
                        std::mutex& mtx) {
  auto has = engine.image_exists(cfg.runtime_image);
  if (!has)
    return has.error();
  if (*has)
    return {};
  std::lock_guard<std::mutex> guard{mtx};
  if (tar.empty()) {
    docker_engine local{cfg.docker_socket};
    auto saved = local.save_image(cfg.runtime_image);
    if (!saved)
      return make_error(errc::unavailable, "cannot read " + cfg.runtime_image
                                             + " from the local engine: " + message_of(saved.error()));
    tar = std::move(*saved);
  }
  auto t0 = now_ms();
  if (auto err = engine.load_image(tar))
    return err;
  spdlog::info("hosts: loaded {} ({} MB) on {} in {} ms", cfg.runtime_image, tar.size() >> 20,
               engine.where(), now_ms() - t0);
  return {};
}

void arm(registry_self self) {
  self->delayed_send(self, std::chrono::milliseconds{self->state.ctx.cfg->hosts_check_interval_ms},
                     atoms::hostcheck::value);
}

/// Answers `h` as JSON, or the error.
caf::result<std::string> answer(const std::optional<host_record>& h, const std::string& id) {
  if (!h)
    return make_error(errc::not_found, "no host '" + id + "'");
  return host_json(*h);
}

} // namespace

std::shared_ptr<docker_engine> remote_engine(const spawn_config& cfg, const host_record& h) {
  docker_endpoint where;
  where.tcp = h.address;
  where.ca_file = cfg.hosts_tls_dir + "/ca.pem";
  where.cert_file = cfg.hosts_tls_dir + "/cert.pem";
  where.key_file = cfg.hosts_tls_dir + "/key.pem";
  where.publish_address = h.private_address;
  // A droplet's certificate was made before its address existed: it names
  // the droplet; the chain to the installation's CA is what is checked.
  where.verify_host = h.kind != "digitalocean";
  auto engine = std::make_shared<docker_engine>(std::move(where));
  engine->set_call_timeout(static_cast<long>(cfg.docker_timeout_ms));
  return engine;
}

namespace {

json item_json(const host_cost_row& r) {
  auto& i = r.item;
  json j{{"node_id", i.node_id},
         {"host_id", i.host_id},
         {"kind", i.kind},
         {"quantity", i.quantity},
         {"unit", i.unit},
         {"unit_price_usd", i.unit_price},
         {"amount_usd", i.amount},
         {"at", iso_time(i.at)}};
  if (i.kind == "droplet") {
    j["sessions"] = r.sessions;
    j["sessions_billed_usd"] = r.sessions_billed;
  }
  return j;
}

/// Totals of `rows` by kind, and what the sessions on those droplets were billed.
json item_totals(const std::vector<host_cost_row>& rows) {
  double all = 0, idle = 0, billed = 0;
  int sessions = 0;
  for (auto& r : rows) {
    if (r.item.kind == "droplet") {
      all += r.item.amount;
      billed += r.sessions_billed;
      sessions += r.sessions;
    } else if (r.item.kind == "droplet_idle") {
      idle += r.item.amount;
    }
  }
  return {{"droplet_usd", all},
          {"droplet_idle_usd", idle},
          {"sessions", sessions},
          {"sessions_billed_usd", billed}};
}

json cost_json(const host_cost& c) {
  return {{"hours", hours_of(c)},
          {"usd", c.amount},
          {"sessions_usd", c.sessions_usd},
          {"idle_usd", idle_usd(c)},
          {"hourly_usd", c.hourly_usd},
          {"until", iso_time(c.until)}};
}

} // namespace

std::string host_cost_items_json(const std::vector<host_cost_row>& rows, int limit, int offset) {
  json arr = json::array();
  for (auto& r : rows)
    arr.push_back(item_json(r));
  return json{{"lines", arr}, {"totals", item_totals(rows)}, {"limit", limit}, {"offset", offset}}
    .dump();
}

std::string hosts_json(const std::vector<host_record>& hosts, const std::vector<host_cost>& lines,
                       const std::vector<host_cost_row>& items, const std::string& policy) {
  std::map<std::string, json> items_of;
  for (auto& r : items) {
    auto& arr = items_of[r.item.host_id];
    if (arr.is_null())
      arr = json::array();
    arr.push_back(item_json(r));
  }
  auto with_items = [&](json j, const std::string& host) {
    auto it = items_of.find(host);
    j["cost_items"] = it != items_of.end() ? it->second : json::array();
    return j;
  };
  std::map<std::string, const host_cost*> by_host;
  json ledger = json::array();
  double usd = 0, sessions = 0;
  for (auto& c : lines) {
    by_host[c.host_id] = &c;
    auto j = with_items(cost_json(c), c.host_id);
    j["host_id"] = c.host_id;
    j["droplet_id"] = c.droplet_id;
    j["region"] = c.region;
    j["size"] = c.size;
    j["started_at"] = iso_time(c.started_at);
    j["ended"] = c.ended;
    ledger.push_back(std::move(j));
    usd += c.amount;
    sessions += c.sessions_usd;
  }
  json arr = json::array();
  for (auto& h : hosts) {
    auto j = json::parse(host_json(h));
    auto c = by_host.find(h.id);
    j["cost"] = c != by_host.end() ? with_items(cost_json(*c->second), h.id) : json(nullptr);
    arr.push_back(std::move(j));
  }
  return json{{"hosts", arr},
              {"policy", policy},
              {"droplet_costs", {{"usd", usd},
                                 {"sessions_usd", sessions},
                                 {"idle_usd", std::max(0.0, usd - sessions)},
                                 {"droplets", ledger},
                                 {"cost_items", item_totals(items)}}}}
    .dump();
}

std::string host_json(const host_record& h) {
  return json{{"id", h.id},
              {"kind", h.kind},
              {"address", h.address},
              {"private_address", h.private_address},
              {"region", h.region},
              {"size", h.size},
              {"tier", h.tier.empty() ? json(nullptr) : json(h.tier)},
              {"capacity", {{"sessions", h.capacity_sessions}, {"memory_bytes", h.capacity_memory}}},
              {"usage", {{"sessions", session_count(h)}, {"warm", h.warm},
                         {"memory_bytes", h.used_memory}}},
              {"state", h.state},
              {"hourly_cost", h.hourly_cost},
              {"droplet_id", h.droplet_id.empty() ? json(nullptr) : json(h.droplet_id)},
              {"created_at", iso_time(h.created_at)},
              {"last_seen", iso_time(h.last_seen)}}
    .dump();
}

caf::expected<host_record> parse_new_host(const spawn_config& cfg, const std::string& body) {
  auto bad = [](const std::string& msg) { return make_error(errc::invalid_input, msg); };
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return bad("expected a JSON object {\"id\", \"address\", \"private_address\", ...}");
  static const std::regex id_re{"^[a-z0-9][a-z0-9-]{0,31}$"};
  static const std::regex addr_re{"^tcp://[A-Za-z0-9.-]{1,253}:[0-9]{1,5}$"};
  static const std::regex private_re{"^[A-Za-z0-9.-]{1,253}$"};
  for (auto& [key, v] : j.items())
    if (key != "id" && key != "address" && key != "private_address" && key != "tier"
        && key != "capacity_sessions" && key != "capacity_memory_mb")
      return bad("unknown field '" + key
                 + "' (id, address, private_address, tier, capacity_sessions, capacity_memory_mb)");
  host_record h;
  h.kind = "tcp";
  if (!j.contains("id") || !j["id"].is_string()
      || !std::regex_match(h.id = j["id"].get<std::string>(), id_re) || h.id == "local")
    return bad("id must be 1-32 characters of a-z 0-9 - (not 'local')");
  if (!j.contains("address") || !j["address"].is_string()
      || !std::regex_match(h.address = j["address"].get<std::string>(), addr_re))
    return bad("address must be tcp://host:port (the engine's TLS endpoint, e.g. tcp://10.0.0.5:2376)");
  auto port = std::stoi(h.address.substr(h.address.rfind(':') + 1));
  if (port < 1 || port > 65535)
    return bad("address: port must be 1-65535");
  if (j.contains("private_address")) {
    if (!j["private_address"].is_string()
        || !std::regex_match(h.private_address = j["private_address"].get<std::string>(), private_re))
      return bad("private_address must be a host name or IPv4 address");
  } else {
    h.private_address = h.address.substr(6, h.address.rfind(':') - 6);
  }
  if (j.contains("tier")) {
    if (!j["tier"].is_string() || !cfg.tiers.count(j["tier"].get<std::string>()))
      return bad("tier must be one of the configured tiers");
    h.tier = j["tier"].get<std::string>();
  }
  if (j.contains("capacity_sessions")) {
    auto& v = j["capacity_sessions"];
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 100000)
      return bad("capacity_sessions must be an integer 1-100000");
    h.capacity_sessions = v.get<int>();
  }
  if (j.contains("capacity_memory_mb")) {
    auto& v = j["capacity_memory_mb"];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > (int64_t{1} << 24))
      return bad("capacity_memory_mb must be an integer 0-16777216 (0: no limit)");
    h.capacity_memory = v.get<int64_t>() << 20;
  }
  h.state = "provisioning";
  h.created_at = now_ms();
  return h;
}

host_registry_actor::behavior_type
host_registry(registry_self self, node_context ctx, std::shared_ptr<host_set> set,
              store_factory make_store) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.set = std::move(set);
  st.db = std::make_shared<host_db>();
  st.db->make = std::move(make_store);
  {
    // The hosts this node had: remote ones come back as they were (the next
    // check tells whether they still answer); the local one is this start's.
    auto cfg = st.ctx.cfg;
    auto hosts = st.set;
    auto db = st.db;
    blocking_call(self, st.ctx.io, std::chrono::seconds{60},
                  [cfg, hosts, db]() -> caf::expected<int> {
                    std::vector<host_record> known;
                    {
                      std::lock_guard<std::mutex> guard{db->mtx};
                      if (!db->db)
                        db->db = db->make();
                      auto listed = db->db->list_hosts(cfg->node_id);
                      if (!listed)
                        return listed.error();
                      known = std::move(*listed);
                    }
                    int n = 0;
                    for (auto& h : known)
                      if (h.kind == "tcp" && h.state != "gone") {
                        hosts->add(h, remote_engine(*cfg, h));
                        ++n;
                      }
                    save_hosts(*db, cfg->node_id, hosts->hosts());
                    return n;
                  })
      .then([](int n) { if (n > 0) spdlog::info("hosts: {} remote Docker hosts restored", n); },
            [](caf::error& err) {
              spdlog::warn("hosts: cannot load the saved hosts: {}", message_of(err));
            });
  }
  self->send(self, atoms::hostcheck::value);
  return {
    [=](atoms::hostcheck) {
      auto& st = self->state;
      arm(self);
      if (st.checking)
        return;
      st.checking = true;
      auto cfg = st.ctx.cfg;
      auto hosts = st.set;
      auto db = st.db;
      auto tar = st.image_tar;
      auto mtx = st.image_mtx;
      blocking_call(self, st.ctx.io, io_timeout, [cfg, hosts, db, tar, mtx]() -> caf::expected<int> {
        auto changed = hosts->check(static_cast<int>(cfg->hosts_fail_after), now_ms());
        for (auto& h : changed)
          if (h.state == "gone")
            spdlog::warn("hosts: host {} ({}) stopped answering: gone; its apps move to other hosts",
                         h.id, h.address);
        // A remote engine that answers again comes back empty, once it has the image.
        for (auto& h : hosts->hosts()) {
          if (h.state != "provisioning" || h.kind != "tcp" || h.last_seen == 0)
            continue;
          auto engine = hosts->engine(h.id);
          if (auto err = ensure_image(*engine, *cfg, *tar, *mtx)) {
            spdlog::warn("hosts: host {} answers again but lacks the image: {}", h.id,
                         message_of(err));
            continue;
          }
          hosts->set_state(h.id, "ready");
          spdlog::info("hosts: host {} answers again: ready", h.id);
        }
        save_hosts(*db, cfg->node_id, hosts->hosts());
        return static_cast<int>(changed.size());
      })
        .then([=](int) { self->state.checking = false; },
              [=](caf::error& err) {
                self->state.checking = false;
                spdlog::warn("hosts: check failed: {}", message_of(err));
              });
    },
    [=](atoms::hosts) -> caf::result<std::string> {
      // With the droplets' ledger (table host_costs): what each costs so far.
      auto rp = self->make_response_promise<std::string>();
      auto db = self->state.db;
      auto cfg = self->state.ctx.cfg;
      auto set = self->state.set;
      blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                    [db, cfg, set]() -> caf::expected<std::string> {
                      std::vector<host_cost> lines;
                      std::vector<host_cost_row> items;
                      {
                        std::lock_guard<std::mutex> guard{db->mtx};
                        if (!db->db)
                          db->db = db->make();
                        if (auto listed = db->db->list_host_costs(cfg->node_id))
                          lines = std::move(*listed);
                        else // the list still answers, without costs
                          spdlog::debug("hosts: cannot read the droplets' costs: {}",
                                        message_of(listed.error()));
                        host_cost_filter f;
                        f.node_id = cfg->node_id;
                        f.limit = 10000;
                        if (auto listed = db->db->list_host_cost_items(f))
                          items = std::move(*listed);
                        else
                          spdlog::debug("hosts: cannot read the droplets' cost lines: {}",
                                        message_of(listed.error()));
                      }
                      return hosts_json(set->hosts(), lines, items, cfg->hosts_policy);
                    })
        .then([=](std::string& j) mutable { rp.deliver(std::move(j)); },
              [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::hostcosts, const std::string& node, const std::string& host,
        const std::string& kind, int limit, int offset) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      auto db = self->state.db;
      host_cost_filter f{node, host, kind, limit, offset};
      blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                    [db, f]() -> caf::expected<std::string> {
                      std::lock_guard<std::mutex> guard{db->mtx};
                      if (!db->db)
                        db->db = db->make();
                      auto rows = db->db->list_host_cost_items(f);
                      if (!rows)
                        return rows.error();
                      return host_cost_items_json(*rows, f.limit, f.offset);
                    })
        .then([=](std::string& j) mutable { rp.deliver(std::move(j)); },
              [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::hostadd, const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      auto parsed = parse_new_host(*st.ctx.cfg, body);
      if (!parsed)
        return parsed.error();
      if (st.set->host(parsed->id))
        return make_error(errc::conflict, "host '" + parsed->id + "' exists already");
      for (auto& h : st.set->hosts())
        if (h.address == parsed->address && h.state != "gone")
          return make_error(errc::conflict, "host '" + h.id + "' has address " + h.address);
      auto rp = self->make_response_promise<std::string>();
      auto cfg = st.ctx.cfg;
      auto hosts = st.set;
      auto db = st.db;
      auto tar = st.image_tar;
      auto mtx = st.image_mtx;
      auto h = *parsed;
      blocking_call(self, st.ctx.io, io_timeout,
                    [cfg, hosts, db, tar, mtx, h]() mutable -> caf::expected<std::string> {
                      auto engine = remote_engine(*cfg, h);
                      if (!engine->ping())
                        return make_error(errc::invalid_input,
                                          "the engine at " + h.address
                                            + " does not answer over TLS with this installation's "
                                              "client certificate (hosts.tls_dir)");
                      if (auto err = ensure_image(*engine, *cfg, *tar, *mtx))
                        return make_error(errc::unavailable, "host " + h.id + ": " + message_of(err));
                      h.state = "ready";
                      h.last_seen = now_ms();
                      hosts->add(h, engine);
                      save_hosts(*db, cfg->node_id, {*hosts->host(h.id)});
                      spdlog::info("hosts: host {} ({}, apps on {}) is ready", h.id, h.address,
                                   h.private_address);
                      return host_json(*hosts->host(h.id));
                    })
        .then([=](std::string& j) mutable { rp.deliver(std::move(j)); },
              [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::drain, const std::string& id) -> caf::result<std::string> {
      auto& st = self->state;
      auto h = st.set->host(id);
      if (!h)
        return make_error(errc::not_found, "no host '" + id + "'");
      if (h->state == "gone")
        return make_error(errc::conflict, "host '" + id + "' is gone");
      st.set->set_state(id, "draining");
      spdlog::info("hosts: host {} drains: no new apps go there", id);
      auto now = st.set->host(id);
      auto cfg = st.ctx.cfg;
      auto db = st.db;
      blocking_call(self, st.ctx.io, std::chrono::seconds{30}, [cfg, db, now]() -> caf::expected<bool> {
        save_hosts(*db, cfg->node_id, {*now});
        return true;
      }).then([](bool) {}, [](caf::error&) {});
      return answer(now, id);
    },
    [=](atoms::hostrm, const std::string& id) -> caf::result<std::string> {
      auto& st = self->state;
      auto h = st.set->host(id);
      if (!h)
        return make_error(errc::not_found, "no host '" + id + "'");
      if (h->kind == "local")
        return make_error(errc::conflict, "the local engine cannot be removed (hosts.local)");
      if (h->kind == "digitalocean" && h->state != "gone")
        return make_error(errc::conflict, "droplet hosts are destroyed by the droplet pool: "
                                          "drain it and it goes once empty");
      if (h->state != "gone" && session_count(*h) > 0)
        return make_error(errc::conflict, "host '" + id + "' still runs "
                                            + std::to_string(session_count(*h))
                                            + " apps: drain it and wait until they end");
      auto engine = h->state != "gone" ? st.set->engine(id) : nullptr;
      st.set->erase(id);
      h->state = "gone";
      auto cfg = st.ctx.cfg;
      auto db = st.db;
      blocking_call(self, st.ctx.io, std::chrono::seconds{30}, [cfg, db, id, engine]() -> caf::expected<bool> {
        // Its unclaimed warm containers go with it (the warm pool forgets them).
        if (engine)
          if (auto mine = engine->list_labelled("spawnai.node=" + cfg->node_id))
            for (auto& c : *mine)
              if (is_warm_name(c.name))
                (void) engine->remove(c.id);
        std::lock_guard<std::mutex> guard{db->mtx};
        if (!db->db)
          db->db = db->make();
        if (auto err = db->db->delete_host(cfg->node_id, id))
          return err;
        return true;
      }).then([](bool) {}, [id](caf::error& err) {
        spdlog::warn("hosts: cannot delete host {}: {}", id, message_of(err));
      });
      spdlog::info("hosts: host {} removed", id);
      return host_json(*h);
    },
  };
}

} // namespace spawn
