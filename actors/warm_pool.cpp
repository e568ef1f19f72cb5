#include "actors/warm_pool.hpp"

#include <limits>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "core/error.hpp"
#include "core/tokens.hpp"
#include "infra/app_slot.hpp"

namespace spawn {

namespace {

using self_ptr = warm_pool_actor::stateful_pointer<warm_pool_state>;

constexpr auto start_timeout = std::chrono::seconds{60};
constexpr auto retry_delay = std::chrono::seconds{2};
constexpr int64_t reserve_shrink_delay_ms = 30000;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

void refill(self_ptr self);

/// Container starts allowed in flight at once.
int max_starts(self_ptr self) {
  return std::max(1, self->state.ctx.cfg->io_threads / 2);
}

/// Counts a start as holding an I/O thread until the returned token (kept
/// by the start's job) is released: as the job ends, before its answer is
/// sent (so the answer's pump sees the thread free), or when it is dropped.
std::shared_ptr<void> start_held(self_ptr self) {
  auto count = self->state.starts_in_flight;
  ++*count;
  return std::shared_ptr<void>(nullptr, [count](void*) { --*count; });
}

/// The memory limit of a container of `tier`.
int64_t tier_memory(const spawn_config& cfg, const std::string& tier) {
  auto t = cfg.tiers.find(tier);
  return t != cfg.tiers.end() ? t->second.memory_mb << 20 : container_spec{}.memory_bytes;
}

/// The hosts the pool keeps containers on: the host set's, or one host ""
/// standing for the runtime when there is no host set.
std::vector<host_record> pool_hosts(self_ptr self) {
  if (self->state.hosts)
    return self->state.hosts->hosts();
  host_record any;
  any.id.clear();
  any.capacity_sessions = std::numeric_limits<int>::max();
  return {any};
}

bool is_local(const host_record& h) {
  return h.kind == "local" || h.id.empty();
}

/// Warm containers of `tier` host `h` keeps: the pool's size, and on the
/// local engine the failover reserve.
int target_of(self_ptr self, const host_record& h, const std::string& tier) {
  auto& cfg = *self->state.ctx.cfg;
  if (!is_local(h) && cfg.hosts_warm_per_host >= 0)
    return cfg.hosts_warm_per_host;
  auto base = cfg.warm_pool_size;
  if (!is_local(h))
    return base;
  auto r = self->state.reserve.find(tier);
  return base + (r == self->state.reserve.end() ? 0 : r->second);
}

/// Removes, in the background, the local engine's ready containers beyond
/// each tier's target (the newest go: the oldest are handed out first).
void trim(self_ptr self) {
  auto& st = self->state;
  std::vector<container_lease> extra;
  for (auto& h : pool_hosts(self)) {
    if (!is_local(h))
      continue;
    for (auto& tier : st.tiers) {
      auto& queue = st.ready[h.id][tier];
      while (static_cast<int>(queue.size()) > std::max(0, target_of(self, h, tier))) {
        extra.push_back(std::move(queue.back()));
        queue.pop_back();
      }
    }
  }
  if (extra.empty())
    return;
  spdlog::info("warm pool: removing {} warm containers beyond the target", extra.size());
  auto runtime = st.ctx.runtime;
  blocking_call(self, st.ctx.io, start_timeout, [runtime, extra]() -> caf::expected<bool> {
    for (auto& lease : extra) {
      runtime->remove(lease.container.id);
      remove_slot(lease.slot_dir);
    }
    return true;
  }).then([](bool) {}, [](caf::error& err) {
    spdlog::warn("warm pool: cannot remove extra warm containers: {}", message_of(err));
  });
}

/// Starts the cold starts that wait, oldest first, as threads allow; then
/// refills the warm containers.
void pump(self_ptr self) {
  auto& st = self->state;
  while (!st.waiting.empty() && *st.starts_in_flight < max_starts(self)) {
    auto w = std::move(st.waiting.front());
    st.waiting.pop_front();
    auto name = "spawnai-" + w.session_id;
    auto rp = w.rp;
    blocking_call(self, st.ctx.io, start_timeout,
                  [ctx = st.ctx, tier = w.tier, name, sid = w.session_id, host = w.host,
                   running = start_held(self)]() mutable {
                    auto lease = start_container(ctx, tier, name, false, sid, host);
                    running.reset(); // before the answer goes: the next start may go
                    return lease;
                  })
      .then(
        [=](container_lease& lease) mutable {
          rp.deliver(std::move(lease));
          pump(self);
        },
        [=](caf::error& err) mutable {
          rp.deliver(std::move(err));
          pump(self);
        });
  }
  if (st.waiting.empty())
    refill(self);
}

/// Answers the drain waiters once nothing is starting or being removed.
void maybe_drained(self_ptr self) {
  auto& st = self->state;
  int starting = 0;
  for (auto& [host, tiers] : st.starting)
    for (auto& [tier, n] : tiers)
      starting += n;
  if (starting > 0 || st.removing > 0)
    return;
  for (auto& rp : st.drain_waiters)
    rp.deliver(st.removed);
  st.drain_waiters.clear();
}

/// Removes containers (and their slots) in the background; `engine` null:
/// through the runtime. Counted as a drain's removals.
void remove_leases(self_ptr self, std::vector<container_lease> leases,
                   std::shared_ptr<container_runtime> engine = nullptr) {
  auto& st = self->state;
  ++st.removing;
  auto runtime = engine ? engine : st.ctx.runtime;
  auto n = static_cast<int>(leases.size());
  auto done = [=] {
    --self->state.removing;
    self->state.removed += n;
    maybe_drained(self);
  };
  blocking_call(self, self->state.ctx.io, start_timeout, [runtime, leases]() -> caf::expected<bool> {
    for (auto& lease : leases) {
      runtime->remove(lease.container.id);
      remove_slot(lease.slot_dir);
    }
    return true;
  }).then([=](bool) { done(); }, [=](caf::error&) { done(); });
}

void start_one(self_ptr self, const std::string& host, const std::string& tier) {
  auto& st = self->state;
  ++st.starting[host][tier];
  auto name = std::string{warm_name_prefix} + new_manage_token().substr(0, 10);
  blocking_call(self, self->state.ctx.io, start_timeout,
                [ctx = st.ctx, tier, name, host, running = start_held(self)]() mutable {
                  auto lease = start_container(ctx, tier, name, true, "", host);
                  running.reset();
                  return lease;
                })
    .then(
      [=](container_lease& lease) {
        --self->state.starting[host][tier];
        if (!self->state.draining) {
          self->state.ready[host][tier].push_back(std::move(lease));
          pump(self);
          return;
        }
        remove_leases(self, {std::move(lease)});
      },
      [=](caf::error& err) {
        --self->state.starting[host][tier];
        if (self->state.draining) {
          maybe_drained(self);
          return;
        }
        spdlog::warn("warm pool: cannot start a {} container on host {}: {}", tier,
                     host.empty() ? "-" : host, message_of(err));
        self->delayed_send(self, retry_delay, atoms::refill::value);
      });
}

/// Hand-outs within a second that make a burst; and that second.
constexpr size_t burst_handouts = 3;
constexpr int64_t burst_window_ms = 1000;

void refill(self_ptr self) {
  auto& st = self->state;
  if (st.draining)
    return;
  // Sessions waiting for a cold start come first.
  if (!st.waiting.empty())
    return;
  // In a burst of hand-outs the refill waits for a quiet second.
  auto now = steady_ms();
  while (!st.handouts.empty() && now - st.handouts.front() > burst_window_ms)
    st.handouts.pop_front();
  if (st.handouts.size() >= burst_handouts) {
    if (!st.refill_deferred) {
      st.refill_deferred = true;
      self->delayed_send(self, std::chrono::milliseconds{burst_window_ms}, atoms::refill::value);
    }
    return;
  }
  auto& cfg = *st.ctx.cfg;
  for (auto& h : pool_hosts(self)) {
    if (h.state != "ready" || (st.hosts && !st.clean.count(h.id)))
      continue;
    for (auto& tier : st.tiers) {
      auto target = target_of(self, h, tier);
      auto memory = tier_memory(cfg, tier);
      while (static_cast<int>(st.ready[h.id][tier].size()) + st.starting[h.id][tier] < target
             && *st.starts_in_flight < max_starts(self) && has_room(h, tier, memory)) {
        start_one(self, h.id, tier);
        ++h.used_sessions; // counted by the host set once it runs
        h.used_memory += memory;
      }
    }
  }
}

/// Drops the warm containers of hosts that are no longer ready: removed
/// where the engine still answers (draining), given up where it does not
/// (gone: the host set counts nothing there any more). A host that is (again)
/// ready is cleaned first: this node's warm containers found there are
/// leftovers (of a gone spell, of an earlier run), removed before the pool
/// starts new ones there.
void sweep(self_ptr self) {
  auto& st = self->state;
  if (!st.hosts)
    return;
  std::map<std::string, host_record> now;
  for (auto& h : st.hosts->hosts())
    now.emplace(h.id, h);
  for (auto i = st.ready.begin(); i != st.ready.end();) {
    auto h = now.find(i->first);
    if (h != now.end() && h->second.state == "ready") {
      ++i;
      continue;
    }
    std::vector<container_lease> leases;
    for (auto& [tier, queue] : i->second)
      for (auto& lease : queue)
        leases.push_back(std::move(lease));
    if (!leases.empty()) {
      auto state = h == now.end() ? std::string{"removed"} : h->second.state;
      spdlog::info("warm pool: host {} is {}: dropping its {} warm containers", i->first, state,
                   leases.size());
      if (state == "draining") {
        remove_leases(self, std::move(leases));
      } else {
        for (auto& lease : leases)
          remove_slot(lease.slot_dir); // the node's copy; the container is out of reach
      }
    }
    i = st.ready.erase(i);
  }
  for (auto i = st.clean.begin(); i != st.clean.end();) {
    auto h = now.find(*i);
    i = h == now.end() || h->second.state != "ready" ? st.clean.erase(i) : std::next(i);
  }
  for (auto& [id, h] : now) {
    if (h.state != "ready" || st.clean.count(id) || st.cleaning.count(id))
      continue;
    auto engine = st.hosts->engine(id);
    if (!engine)
      continue;
    st.cleaning.insert(id);
    auto node = st.ctx.cfg->node_id;
    blocking_call(self, st.ctx.io, start_timeout, [engine, node]() -> caf::expected<int> {
      auto mine = engine->list_labelled("spawnai.node=" + node);
      if (!mine)
        return mine.error();
      int removed = 0;
      for (auto& c : *mine)
        if (is_warm_name(c.name) && !engine->remove(c.id)) {
          auto slot = c.labels.find("spawnai.slot");
          if (slot != c.labels.end())
            remove_slot(slot->second);
          ++removed;
        }
      return removed;
    })
      .then(
        [=](int removed) {
          self->state.cleaning.erase(id);
          self->state.clean.insert(id);
          if (removed > 0)
            spdlog::info("warm pool: removed {} leftover warm containers on host {}", removed, id);
          refill(self);
        },
        [=](caf::error& err) {
          self->state.cleaning.erase(id); // the next sweep tries again
          spdlog::warn("warm pool: cannot look at host {}: {}", id, message_of(err));
        });
  }
}

/// Blocking: removes unclaimed warm containers of this node left by a previous run.
caf::expected<int> remove_stale_warm(const node_context& ctx) {
  auto all = ctx.runtime->list_labelled("spawnai.managed");
  if (!all)
    return all.error();
  int removed = 0;
  for (auto& c : *all) {
    auto node = c.labels.find("spawnai.node");
    if (c.name.rfind(warm_name_prefix, 0) != 0 || node == c.labels.end()
        || node->second != ctx.cfg->node_id)
      continue;
    if (!ctx.runtime->remove(c.id)) {
      auto slot = c.labels.find("spawnai.slot");
      if (slot != c.labels.end())
        remove_slot(slot->second);
      ++removed;
    }
  }
  return removed;
}

/// Blocking: the container the engine holds under `name` when it is the
/// session's own (its label says so), started if it is not running.
caf::expected<container_info> own_container(container_runtime& runtime, const std::string& name,
                                            const std::string& session_id) {
  auto info = runtime.inspect(name);
  if (!info)
    return info.error();
  auto label = info->labels.find("spawnai.session");
  if (label == info->labels.end() || label->second != session_id)
    return make_error(errc::conflict, "container " + name + " belongs to someone else");
  if (info->state == "running")
    return info;
  if (auto err = runtime.restart(info->id))
    return err;
  return runtime.inspect(info->id);
}

} // namespace

caf::expected<container_lease> start_container(const node_context& ctx, const std::string& tier,
                                               const std::string& name, bool warm,
                                               const std::string& session_id,
                                               const std::string& host) {
  auto slot = slots_root(*ctx.cfg) + "/" + name;
  if (auto err = make_slot(slot))
    return err;
  auto spec = app_container_spec(*ctx.cfg, tier, slot);
  spec.name = name;
  spec.host = host;
  spec.labels["spawnai.slot"] = slot;
  if (!session_id.empty())
    spec.labels["spawnai.session"] = session_id;
  auto info = ctx.runtime->run(spec);
  if (!info && !session_id.empty()) {
    auto code = code_of(info.error());
    // A create that timed out on this side may have succeeded on the engine,
    // and a retry then meets the name taken: that container is this
    // session's own (same name, same label, same slot), so it is adopted
    // rather than fought over.
    if (code == errc::conflict || code == errc::timeout) {
      if (auto own = own_container(*ctx.runtime, name, session_id)) {
        spdlog::info("adopting container {} the engine made for session {}", name, session_id);
        info = std::move(own);
      } else if (code_of(own.error()) == errc::conflict && code == errc::conflict
                 && !free_container_name(*ctx.runtime, name)) {
        info = ctx.runtime->run(spec);
      } else if (code_of(own.error()) == errc::not_found) {
        info = ctx.runtime->run(spec); // the create never reached the engine
      }
    }
  }
  if (!info) {
    // After a timeout the engine may still make the container, bound to this
    // slot: the slot stays for it (the session's cleanup removes both).
    if (session_id.empty() || code_of(info.error()) != errc::timeout)
      remove_slot(slot);
    return info.error();
  }
  return container_lease{*info, slot, warm};
}

std::string place_session(std::vector<host_record> hosts,
                          const std::map<std::string, int>& warm, const std::string& tier,
                          int64_t memory, placement_policy policy) {
  for (auto& h : hosts)
    if (auto w = warm.find(h.id); w != warm.end() && w->second > 0) {
      auto n = std::min(w->second, h.warm);
      h.used_sessions -= n;
      h.used_memory -= n * memory;
    }
  auto order = placement_order(hosts, tier, memory, policy);
  return order.empty() ? std::string{} : hosts[order.front()].id;
}

warm_pool_actor::behavior_type warm_pool(self_ptr self, node_context ctx) {
  self->state.ctx = std::move(ctx);
  self->state.hosts = std::dynamic_pointer_cast<host_set>(self->state.ctx.runtime);
  for (auto& [type, conf] : self->state.ctx.cfg->app_types) {
    auto& tiers = self->state.tiers;
    if (std::find(tiers.begin(), tiers.end(), conf.tier) == tiers.end() && type != "site")
      tiers.push_back(conf.tier);
  }
  self->send(self, atoms::start::value);
  return {
    [=](atoms::start) {
      blocking_call(self, self->state.ctx.io, start_timeout, [ctx = self->state.ctx] { return remove_stale_warm(ctx); })
        .then(
          [=](int removed) {
            if (removed > 0)
              spdlog::info("warm pool: removed {} stale warm containers", removed);
            refill(self);
            if (self->state.hosts)
              self->send(self, atoms::warmsweep::value);
          },
          [=](caf::error& err) {
            spdlog::warn("warm pool: container engine not ready ({}); retrying",
                         message_of(err));
            self->delayed_send(self, retry_delay, atoms::start::value);
          });
    },
    [=](atoms::refill) {
      self->state.refill_deferred = false;
      refill(self);
    },
    [=](atoms::reserve, std::map<std::string, int>& wanted) {
      // Rises apply at once; a fall once it has stood for the shrink delay.
      auto& st = self->state;
      auto now = steady_ms();
      auto next = st.reserve;
      for (auto& [tier, n] : wanted)
        next[tier]; // every tier named by either side
      for (auto& [tier, have] : next) {
        auto w = wanted.count(tier) ? wanted.at(tier) : 0;
        if (w >= have) {
          have = w;
          st.reserve_lower.erase(tier);
          continue;
        }
        auto& lower = st.reserve_lower[tier];
        if (lower.second == 0 || lower.first < w)
          lower = {w, now}; // the figure it would fall to, since now (a rise restarts the wait)
        else
          lower.first = w;
        if (now - lower.second >= reserve_shrink_delay_ms) {
          have = w;
          st.reserve_lower.erase(tier);
        }
      }
      for (auto i = next.begin(); i != next.end();)
        i = i->second == 0 && !st.reserve_lower.count(i->first) ? next.erase(i) : std::next(i);
      if (next == st.reserve)
        return;
      spdlog::info("warm pool: failover reserve {}", nlohmann::json(next).dump());
      st.reserve = std::move(next);
      trim(self);
      refill(self);
    },
    [=](atoms::warmsweep) {
      // Hosts come, drain and go: each check interval the pool follows them.
      if (self->state.draining)
        return;
      sweep(self);
      refill(self);
      self->delayed_send(self, std::chrono::milliseconds{self->state.ctx.cfg->hosts_check_interval_ms},
                         atoms::warmsweep::value);
    },
    [=](atoms::acquire, const std::string& tier,
        const std::string& session_id) -> caf::result<container_lease> {
      auto& st = self->state;
      // Where the session goes; then a warm container of that host, if any.
      std::string host;
      if (st.hosts) {
        std::map<std::string, int> warm;
        for (auto& [h, tiers] : st.ready)
          if (auto q = tiers.find(tier); q != tiers.end())
            warm[h] = static_cast<int>(q->second.size());
        host = place_session(st.hosts->hosts(), warm, tier, tier_memory(*st.ctx.cfg, tier),
                             st.hosts->policy());
      }
      auto& queue = st.ready[host][tier];
      if (!queue.empty()) {
        auto lease = std::move(queue.front());
        queue.pop_front();
        ++st.warm_hits;
        st.handouts.push_back(steady_ms());
        refill(self);
        return lease;
      }
      ++st.cold_starts;
      auto rp = self->make_response_promise<container_lease>();
      // No host with room: the runtime says so (and when to retry).
      st.waiting.push_back({tier, session_id, host, rp});
      pump(self);
      return rp;
    },
    [=](atoms::release) -> caf::result<int> {
      // Graceful stop: the idle containers go; sessions' containers stay.
      std::vector<container_lease> idle;
      for (auto& [host, tiers] : self->state.ready)
        for (auto& [tier, queue] : tiers)
          for (auto& lease : queue)
            idle.push_back(std::move(lease));
      self->state.ready.clear();
      self->state.draining = true;
      for (auto& w : self->state.waiting)
        w.rp.deliver(make_error(errc::unavailable, "the node is stopping"));
      self->state.waiting.clear();
      auto rp = self->make_response_promise<int>();
      self->state.drain_waiters.push_back(rp);
      if (!idle.empty())
        remove_leases(self, std::move(idle));
      maybe_drained(self);
      return rp;
    },
    [=](atoms::stats) -> caf::result<std::string> {
      auto& st = self->state;
      nlohmann::json j;
      for (auto& tier : st.tiers) {
        size_t ready = 0;
        int starting = 0;
        for (auto& [host, tiers] : st.ready)
          ready += tiers.count(tier) ? tiers.at(tier).size() : 0;
        for (auto& [host, tiers] : st.starting)
          starting += tiers.count(tier) ? tiers.at(tier) : 0;
        j["tiers"][tier] = {{"ready", ready}, {"starting", starting}};
      }
      j["hosts"] = nlohmann::json::object();
      for (auto& [host, tiers] : st.ready)
        for (auto& [tier, queue] : tiers)
          j["hosts"][host.empty() ? "-" : host][tier]["ready"] = queue.size();
      for (auto& [host, tiers] : st.starting)
        for (auto& [tier, n] : tiers)
          j["hosts"][host.empty() ? "-" : host][tier]["starting"] = n;
      j["warm_hits"] = st.warm_hits;
      j["cold_starts"] = st.cold_starts;
      j["waiting_cold_starts"] = st.waiting.size();
      j["starts_in_flight"] = st.starts_in_flight->load();
      j["target_per_tier"] = st.ctx.cfg->warm_pool_size;
      j["failover_reserve"] = st.reserve;
      j["target_per_remote_host"] = st.ctx.cfg->hosts_warm_per_host < 0
                                      ? st.ctx.cfg->warm_pool_size
                                      : st.ctx.cfg->hosts_warm_per_host;
      return j.dump();
    },
  };
}

} // namespace spawn
