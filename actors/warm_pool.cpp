#include "actors/warm_pool.hpp"

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

/// Starts the cold starts that wait, oldest first, as threads allow; then
/// refills the warm containers.
void pump(self_ptr self) {
  auto& st = self->state;
  while (!st.waiting.empty() && st.starts_in_flight < max_starts(self)) {
    auto w = std::move(st.waiting.front());
    st.waiting.pop_front();
    ++st.starts_in_flight;
    auto name = "spawnai-" + w.session_id;
    auto rp = w.rp;
    blocking_call(self, st.ctx.io, start_timeout,
                  [ctx = st.ctx, tier = w.tier, name, sid = w.session_id] {
                    return start_container(ctx, tier, name, false, sid);
                  })
      .then(
        [=](container_lease& lease) mutable {
          --self->state.starts_in_flight;
          rp.deliver(std::move(lease));
          pump(self);
        },
        [=](caf::error& err) mutable {
          --self->state.starts_in_flight;
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
  for (auto& [tier, n] : st.starting)
    starting += n;
  if (starting > 0 || st.removing > 0)
    return;
  for (auto& rp : st.drain_waiters)
    rp.deliver(st.removed);
  st.drain_waiters.clear();
}

/// Removes containers in the background during a drain.
void remove_during_drain(self_ptr self, std::vector<container_lease> leases) {
  auto& st = self->state;
  ++st.removing;
  auto runtime = st.ctx.runtime;
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

void start_one(self_ptr self, const std::string& tier) {
  auto& st = self->state;
  ++st.starting[tier];
  ++st.starts_in_flight;
  auto name = std::string{warm_name_prefix} + new_manage_token().substr(0, 10);
  blocking_call(self, self->state.ctx.io, start_timeout,
                [ctx = st.ctx, tier, name] { return start_container(ctx, tier, name, true, ""); })
    .then(
      [=](container_lease& lease) {
        --self->state.starting[tier];
        --self->state.starts_in_flight;
        if (!self->state.draining) {
          self->state.ready[tier].push_back(std::move(lease));
          pump(self);
          return;
        }
        remove_during_drain(self, {std::move(lease)});
      },
      [=](caf::error& err) {
        --self->state.starting[tier];
        --self->state.starts_in_flight;
        if (self->state.draining) {
          maybe_drained(self);
          return;
        }
        spdlog::warn("warm pool: cannot start a {} container: {}", tier, message_of(err));
        self->delayed_send(self, retry_delay, atoms::refill::value);
      });
}

/// Ready containers wanted for `tier`: the pool's size and the failover reserve.
int target_of(self_ptr self, const std::string& tier) {
  auto r = self->state.reserve.find(tier);
  return self->state.ctx.cfg->warm_pool_size + (r == self->state.reserve.end() ? 0 : r->second);
}

void refill(self_ptr self) {
  auto& st = self->state;
  if (st.draining)
    return;
  // Sessions waiting for a cold start come first.
  if (!st.waiting.empty())
    return;
  for (auto& tier : st.tiers)
    while (static_cast<int>(st.ready[tier].size()) + st.starting[tier] < target_of(self, tier)
           && st.starts_in_flight < max_starts(self))
      start_one(self, tier);
}

/// Removes, in the background, the ready containers beyond each tier's target
/// (the newest go: the oldest are handed out first).
void trim(self_ptr self) {
  auto& st = self->state;
  std::vector<container_lease> extra;
  for (auto& tier : st.tiers) {
    auto& queue = st.ready[tier];
    while (static_cast<int>(queue.size()) > std::max(0, target_of(self, tier))) {
      extra.push_back(std::move(queue.back()));
      queue.pop_back();
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
                                               const std::string& session_id) {
  auto slot = slots_root(*ctx.cfg) + "/" + name;
  if (auto err = make_slot(slot))
    return err;
  auto spec = app_container_spec(*ctx.cfg, tier, slot);
  spec.name = name;
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

warm_pool_actor::behavior_type warm_pool(self_ptr self, node_context ctx) {
  self->state.ctx = std::move(ctx);
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
          },
          [=](caf::error& err) {
            spdlog::warn("warm pool: container engine not ready ({}); retrying",
                         message_of(err));
            self->delayed_send(self, retry_delay, atoms::start::value);
          });
    },
    [=](atoms::refill) { refill(self); },
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
    [=](atoms::acquire, const std::string& tier,
        const std::string& session_id) -> caf::result<container_lease> {
      auto& queue = self->state.ready[tier];
      if (!queue.empty()) {
        auto lease = std::move(queue.front());
        queue.pop_front();
        ++self->state.warm_hits;
        refill(self);
        return lease;
      }
      ++self->state.cold_starts;
      auto rp = self->make_response_promise<container_lease>();
      self->state.waiting.push_back({tier, session_id, rp});
      pump(self);
      return rp;
    },
    [=](atoms::release) -> caf::result<int> {
      // Graceful stop: the idle containers go; sessions' containers stay.
      std::vector<container_lease> idle;
      for (auto& [tier, queue] : self->state.ready)
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
        remove_during_drain(self, std::move(idle));
      maybe_drained(self);
      return rp;
    },
    [=](atoms::stats) -> caf::result<std::string> {
      nlohmann::json j;
      for (auto& tier : self->state.tiers)
        j["tiers"][tier] = {{"ready", self->state.ready[tier].size()},
                            {"starting", self->state.starting[tier]}};
      j["warm_hits"] = self->state.warm_hits;
      j["cold_starts"] = self->state.cold_starts;
      j["waiting_cold_starts"] = self->state.waiting.size();
      j["starts_in_flight"] = self->state.starts_in_flight;
      j["target_per_tier"] = self->state.ctx.cfg->warm_pool_size;
      j["failover_reserve"] = self->state.reserve;
      return j.dump();
    },
  };
}

} // namespace spawn
