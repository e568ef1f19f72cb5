#include "actors/droplet_pool.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <set>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "build_paths.hpp"
#include "core/error.hpp"
#include "infra/droplet_host.hpp"
#include "infra/process_runner.hpp"

namespace spawn {

namespace {

using pool_self = droplet_pool_actor::stateful_pointer<droplet_pool_state>;

constexpr const char* droplet_tag = "spawnai-host";

void save(host_db& db, const std::string& node, const host_record& h) {
  std::lock_guard<std::mutex> guard{db.mtx};
  if (!db.db)
    db.db = db.make();
  if (auto err = db.db->save_host(node, h))
    spdlog::warn("droplets: cannot save host {}: {}", h.id, message_of(err));
}

void forget(host_db& db, const std::string& node, const std::string& id) {
  std::lock_guard<std::mutex> guard{db.mtx};
  if (!db.db)
    db.db = db.make();
  (void) db.db->delete_host(node, id);
}

/// Saves ledger lines (blocking); a failure is retried with the next save.
void save_costs(host_db& db, const std::string& node, const std::vector<host_cost>& lines) {
  std::lock_guard<std::mutex> guard{db.mtx};
  if (!db.db)
    db.db = db.make();
  for (auto& c : lines)
    if (auto err = db.db->save_host_cost(node, c))
      spdlog::warn("droplets: cannot save the cost of {}: {}", c.host_id, message_of(err));
}

/// Accrues every droplet's line to now; saves them each cost interval, and
/// at once those that `force` names (a droplet just destroyed).
void account(pool_self self, const std::vector<std::string>& force = {}) {
  auto& st = self->state;
  auto now = now_ms();
  for (auto& h : st.set->hosts()) {
    if (h.kind != "digitalocean")
      continue;
    auto it = st.costs.emplace(h.id, cost_line(h)).first;
    auto& c = it->second;
    if (c.droplet_id.empty())
      c.droplet_id = h.droplet_id;
    accrue(c, now, session_count(h), h.capacity_sessions);
    if (h.state == "gone" && h.droplet_id.empty())
      c.ended = true; // never made (or destroyed as it failed): billed no more
  }
  bool due = now - st.costs_saved >= st.ctx.cfg->cost_interval_ms;
  std::vector<host_cost> lines;
  for (auto& [id, c] : st.costs) {
    if (st.costs_closed.count(id))
      continue;
    if (due || c.ended || std::find(force.begin(), force.end(), id) != force.end())
      lines.push_back(c);
    if (c.ended)
      st.costs_closed.insert(id);
  }
  if (due)
    st.costs_saved = now;
  if (lines.empty())
    return;
  auto db = st.db;
  auto node = st.ctx.cfg->node_id;
  blocking_call(self, st.ctx.io, std::chrono::seconds{30}, [db, node, lines]() -> caf::expected<bool> {
    save_costs(*db, node, lines);
    return true;
  }).then([](bool) {}, [](caf::error&) {});
}

/// A destroyed droplet's line: accrued to now, ended, saved.
void close_cost(pool_self self, const host_record& h) {
  auto& st = self->state;
  auto it = st.costs.emplace(h.id, cost_line(h)).first;
  accrue(it->second, now_ms(), 0, h.capacity_sessions);
  it->second.ended = true;
  account(self, {h.id});
}

/// Blocking: the PEM text of the installation's CA and a server certificate
/// and key for droplet `name`.
caf::expected<std::pair<std::string, std::string>> tls_for(const spawn_config& cfg,
                                                           const std::string& name) {
  process_spec p;
  p.argv = {"bash", std::string{SPAWN_SOURCE_DIR} + "/deploy/scripts/host-cert.sh", name};
  p.env = {"SPAWN_HOSTS_TLS=" + cfg.hosts_tls_dir, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  p.timeout_ms = 30000;
  auto r = run_process(p);
  if (!r)
    return r.error();
  if (r->exit_code != 0)
    return make_error(errc::runtime_failed, "host-cert.sh: " + r->err);
  std::ifstream in{cfg.hosts_tls_dir + "/ca.pem"};
  std::string ca{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  return std::make_pair(ca, r->out);
}

/// The certificate and the key of host-cert.sh's output.
std::string cert_of(const std::string& pems) {
  return pems.substr(0, pems.find("-----BEGIN PRIVATE KEY-----"));
}

std::string key_of(const std::string& pems) {
  auto at = pems.find("-----BEGIN PRIVATE KEY-----");
  return at == std::string::npos ? std::string{} : pems.substr(at);
}

std::string tier_size(const spawn_config& cfg) {
  auto t = cfg.tiers.find(cfg.do_tier);
  return droplet_size_for(t == cfg.tiers.end() ? 1024 : t->second.memory_mb);
}

double tier_price(const spawn_config& cfg) {
  auto t = cfg.tiers.find(cfg.do_tier);
  return t == cfg.tiers.end() ? 0.0 : t->second.hourly_usd;
}

/// Requests one droplet and follows it to ready (or gone).
void grow(pool_self self) {
  auto& st = self->state;
  auto cfg = st.ctx.cfg;
  host_record h;
  h.id = "do-" + cfg->node_id + "-" + std::to_string(now_ms() % 100000000) + "-"
         + std::to_string(++st.made);
  for (auto& c : h.id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
      c = '-';
  std::transform(h.id.begin(), h.id.end(), h.id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  h.kind = "digitalocean";
  h.region = cfg->do_region;
  h.size = tier_size(*cfg);
  h.tier = cfg->do_tier;
  h.capacity_sessions = cfg->do_capacity;
  h.hourly_cost = tier_price(*cfg);
  h.state = "provisioning";
  h.created_at = now_ms();
  st.set->add(h, nullptr);
  ++st.creating;
  spdlog::info("droplets: requesting {} ({} in {})", h.id, h.size, h.region);
  auto set = st.set;
  auto db = st.db;
  auto api = st.api;
  blocking_call(self, st.ctx.io, std::chrono::milliseconds{cfg->do_engine_timeout_ms + 600000},
                [cfg, set, db, api, h]() mutable -> caf::expected<std::string> {
                  save(*db, cfg->node_id, h);
                  auto t0 = now_ms();
                  auto tls = tls_for(*cfg, h.id);
                  if (!tls)
                    return tls.error();
                  droplet_plan plan;
                  plan.request = {h.id, h.region, h.size, cfg->do_image,
                                  {droplet_tag, "spawnai-node-" + cfg->node_id},
                                  droplet_user_data(tls->first, cert_of(tls->second), key_of(tls->second),
                                                    cfg->do_control_plane.empty()
                                                      ? "0.0.0.0/0" : cfg->do_control_plane)};
                  plan.poll_ms = cfg->do_poll_ms;
                  plan.engine_timeout_ms = cfg->do_engine_timeout_ms;
                  auto engine_for = [&](const droplet& d) {
                    host_record r = h;
                    r.address = "tcp://" + (d.public_ip.empty() ? d.private_ip : d.public_ip) + ":2376";
                    r.private_address = d.private_ip.empty() ? d.public_ip : d.private_ip;
                    auto e = remote_engine(*cfg, r);
                    return std::make_pair(r, e);
                  };
                  auto d = provision_droplet(
                    *api, plan,
                    [&](const droplet& x) { return engine_for(x).second->ping(); },
                    [&](const std::string& s) { spdlog::info("droplets: {}: {}", h.id, s); });
                  if (!d)
                    return d.error();
                  auto [rec, eng] = engine_for(*d);
                  rec.droplet_id = std::to_string(d->id);
                  rec.last_seen = now_ms();
                  auto has = eng->image_exists(cfg->runtime_image);
                  if (!has || !*has) {
                    docker_engine local{cfg->docker_socket};
                    auto tar = local.save_image(cfg->runtime_image);
                    caf::error err = tar ? eng->load_image(*tar) : tar.error();
                    if (err) {
                      (void) api->destroy(d->id);
                      return make_error(errc::runtime_failed, "droplet " + rec.droplet_id
                                                                + " cannot get the runtime image: "
                                                                + message_of(err));
                    }
                  }
                  rec.state = "ready";
                  set->add(rec, eng);
                  save(*db, cfg->node_id, *set->host(rec.id));
                  return "droplet " + rec.droplet_id + " ready at " + rec.address + " after "
                         + std::to_string(now_ms() - t0) + " ms";
                })
    .then(
      [=](std::string& msg) {
        --self->state.creating;
        self->state.failures = 0;
        spdlog::info("droplets: {}: {}", h.id, msg);
      },
      [=](caf::error& err) {
        auto& s = self->state;
        --s.creating;
        ++s.failures; // the next try waits 2, 4, 8 ... 120 s
        s.next_try = now_ms() + std::min<int64_t>(120000, int64_t{1000} << std::min(s.failures, 7));
        spdlog::error("droplets: {} could not be made: {}", h.id, message_of(err));
        self->state.set->set_state(h.id, "gone");
        if (auto now = self->state.set->host(h.id)) {
          auto db = self->state.db;
          auto node = self->state.ctx.cfg->node_id;
          auto rec = *now;
          blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                        [db, node, rec]() -> caf::expected<bool> {
                          save(*db, node, rec);
                          return true;
                        })
            .then([](bool) {}, [](caf::error&) {});
        }
      });
}

/// Destroys droplet host `h` once it is drained and still empty (`drain`),
/// or at once (a gone host runs nothing any more).
void shrink(pool_self self, const host_record& h, bool drain) {
  auto& st = self->state;
  if (drain)
    st.set->set_state(h.id, "draining"); // no new container from here on
  st.destroying[h.id] = true;
  auto set = st.set;
  auto db = st.db;
  auto api = st.api;
  auto cfg = st.ctx.cfg;
  blocking_call(self, st.ctx.io, std::chrono::minutes{2},
                [set, db, api, cfg, h]() -> caf::expected<bool> {
                  auto now = set->host(h.id);
                  if (!now)
                    return false;
                  if (now->state != "gone" && session_count(*now) > 0) { // one arrived: keep it
                    set->set_state(h.id, "ready");
                    return false;
                  }
                  if (auto err = api->destroy(std::stoll(h.droplet_id)))
                    return err;
                  set->erase(h.id);
                  forget(*db, cfg->node_id, h.id);
                  return true;
                })
    .then(
      [=](bool destroyed) {
        self->state.destroying.erase(h.id);
        self->state.empty_since.erase(h.id);
        if (destroyed)
          close_cost(self, h);
        if (destroyed)
          spdlog::info("droplets: destroyed {} (droplet {}), empty for {} min", h.id,
                       h.droplet_id, self->state.ctx.cfg->hosts_idle_destroy_minutes);
      },
      [=](caf::error& err) {
        self->state.destroying.erase(h.id);
        if (drain)
          self->state.set->set_state(h.id, "ready");
        spdlog::warn("droplets: cannot destroy {}: {}", h.id, message_of(err));
      });
}

void tick(pool_self self) {
  account(self);
  auto& st = self->state;
  auto& cfg = *st.ctx.cfg;
  int alive = 0, free = 0;
  auto now = now_ms();
  std::vector<host_record> idle, gone, drained;
  for (auto& h : st.set->hosts()) {
    if (h.state == "ready")
      free += std::max(0, h.capacity_sessions - session_count(h)); // warm ones are room
    if (h.kind == "digitalocean" && h.state == "provisioning")
      free += h.capacity_sessions; // coming
    if (h.kind == "digitalocean" && h.state == "gone" && !h.droplet_id.empty()
        && !st.destroying.count(h.id)) {
      gone.push_back(h); // its engine died: the droplet only costs now
      continue;
    }
    if (h.kind != "digitalocean" || h.state == "gone")
      continue;
    if (h.state != "provisioning")
      ++alive;
    if (h.state == "draining" && session_count(h) == 0 && !st.destroying.count(h.id)) {
      drained.push_back(h); // an admin drained it: it goes once empty, whatever .min says
      continue;
    }
    if (h.state == "ready" && session_count(h) == 0 && !st.destroying.count(h.id)) {
      auto [it, fresh] = st.empty_since.emplace(h.id, now);
      if (now - it->second >= static_cast<epoch_ms>(cfg.hosts_idle_destroy_minutes * 60000))
        idle.push_back(h);
    } else {
      st.empty_since.erase(h.id);
    }
  }
  for (auto& h : gone)
    shrink(self, h, false);
  for (auto& h : drained)
    shrink(self, h, true);
  int total = alive + st.creating;
  if (total < cfg.do_max && (total < cfg.do_min || free < cfg.do_scale_up_free)
      && now >= st.next_try) {
    grow(self);
    return; // one at a time: the next tick sees it
  }
  // Surplus empty droplets go, as long as the minimum and the free slots
  // the scale-up rule wants remain (else the next tick would make one again).
  for (auto& h : idle) {
    if (alive <= cfg.do_min || free - h.capacity_sessions < cfg.do_scale_up_free)
      break;
    --alive;
    free -= h.capacity_sessions;
    shrink(self, h, true);
  }
}

} // namespace

droplet_pool_actor::behavior_type
droplet_pool(pool_self self, node_context ctx, std::shared_ptr<host_set> set,
             store_factory make_store, std::shared_ptr<digitalocean> api) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.set = std::move(set);
  st.db = std::make_shared<host_db>();
  st.db->make = std::move(make_store);
  st.api = std::move(api);
  {
    // The droplets of an earlier start come back as hosts; a droplet tagged
    // with this node that no saved host knows (a crash while it was being
    // made) is destroyed: none is left behind. Then the ticks begin.
    auto cfg = st.ctx.cfg;
    auto hosts = st.set;
    auto db = st.db;
    auto api_ = st.api;
    blocking_call(self, st.ctx.io, std::chrono::minutes{2},
                  [cfg, hosts, db, api_]() -> caf::expected<int> {
                    std::vector<host_record> saved;
                    {
                      std::lock_guard<std::mutex> guard{db->mtx};
                      if (!db->db)
                        db->db = db->make();
                      auto listed = db->db->list_hosts(cfg->node_id);
                      if (!listed)
                        return listed.error();
                      saved = std::move(*listed);
                    }
                    std::set<std::string> known;
                    for (auto& h : saved) {
                      if (h.kind != "digitalocean")
                        continue;
                      if (!h.droplet_id.empty() && h.state != "gone") {
                        hosts->add(h, remote_engine(*cfg, h));
                        known.insert(h.droplet_id);
                      } else {
                        forget(*db, cfg->node_id, h.id);
                      }
                    }
                    auto tagged = api_->list_tagged("spawnai-node-" + cfg->node_id);
                    if (!tagged)
                      return tagged.error();
                    int destroyed = 0;
                    for (auto& d : *tagged)
                      if (!known.count(std::to_string(d.id)) && !api_->destroy(d.id)) {
                        spdlog::warn("droplets: destroyed droplet {} ({}) that no host knew", d.id,
                                     d.name);
                        ++destroyed;
                      }
                    return static_cast<int>(known.size());
                  })
      .then(
        [=](int n) {
          if (n > 0)
            spdlog::info("droplets: {} droplets of an earlier start restored", n);
          // The ledger goes on where the earlier start left it.
          auto db = self->state.db;
          auto node = self->state.ctx.cfg->node_id;
          blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                        [db, node]() -> caf::expected<std::vector<host_cost>> {
                          std::lock_guard<std::mutex> guard{db->mtx};
                          if (!db->db)
                            db->db = db->make();
                          return db->db->list_host_costs(node);
                        })
            .then(
              [=](std::vector<host_cost>& lines) {
                for (auto& c : lines) {
                  bool alive = static_cast<bool>(self->state.set->host(c.host_id));
                  if (c.ended || !alive) {
                    c.ended = true;
                    self->state.costs_closed.insert(c.host_id);
                  }
                  self->state.costs[c.host_id] = c;
                }
                self->send(self, atoms::hostcheck::value);
              },
              [=](caf::error& err) {
                spdlog::warn("droplets: cannot read the droplets' costs: {}", message_of(err));
                self->send(self, atoms::hostcheck::value);
              });
        },
        [=](caf::error& err) {
          spdlog::error("droplets: cannot read the earlier droplets: {}", message_of(err));
          self->send(self, atoms::hostcheck::value);
        });
  }
  return {
    [=](atoms::hostcheck) {
      self->delayed_send(self, std::chrono::milliseconds{self->state.ctx.cfg->hosts_check_interval_ms},
                         atoms::hostcheck::value);
      tick(self);
    },
  };
}

} // namespace spawn
