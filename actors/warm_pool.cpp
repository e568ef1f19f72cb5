#include "actors/warm_pool.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.hpp"
#include "actors/blocking.hpp"
#include "core/error.hpp"
#include "core/tokens.hpp"
#include "infra/app_slot.hpp"

namespace spawn {

namespace {

using self_ptr = caf::stateful_actor<warm_pool_state>*;

constexpr auto start_timeout = std::chrono::seconds{60};
constexpr auto retry_delay = std::chrono::seconds{2};

/// Blocking: creates a slot and starts one runtime container on it.
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
  if (!info && !session_id.empty() && code_of(info.error()) == errc::conflict
      && !free_container_name(*ctx.runtime, name))
    info = ctx.runtime->run(spec);
  if (!info) {
    remove_slot(slot);
    return info.error();
  }
  return container_lease{*info, slot, warm};
}

void refill(self_ptr self);

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
  blocking_call(self, start_timeout, [runtime, leases]() -> caf::expected<bool> {
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
  auto name = std::string{warm_name_prefix} + new_manage_token().substr(0, 10);
  blocking_call(self, start_timeout,
                [ctx = st.ctx, tier, name] { return start_container(ctx, tier, name, true, ""); })
    .then(
      [=](container_lease& lease) {
        --self->state.starting[tier];
        if (!self->state.draining) {
          self->state.ready[tier].push_back(std::move(lease));
          return;
        }
        remove_during_drain(self, {std::move(lease)});
      },
      [=](caf::error& err) {
        --self->state.starting[tier];
        if (self->state.draining) {
          maybe_drained(self);
          return;
        }
        spdlog::warn("warm pool: cannot start a {} container: {}", tier, message_of(err));
        self->delayed_send(self, retry_delay, atoms::refill::value);
      });
}

void refill(self_ptr self) {
  auto& st = self->state;
  if (st.draining)
    return;
  auto target = st.ctx.cfg->warm_pool_size;
  for (auto& tier : st.tiers)
    while (static_cast<int>(st.ready[tier].size()) + st.starting[tier] < target)
      start_one(self, tier);
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

} // namespace

caf::behavior warm_pool(caf::stateful_actor<warm_pool_state>* self, node_context ctx) {
  self->state.ctx = std::move(ctx);
  for (auto& [type, conf] : self->state.ctx.cfg->app_types) {
    auto& tiers = self->state.tiers;
    if (std::find(tiers.begin(), tiers.end(), conf.tier) == tiers.end() && type != "site")
      tiers.push_back(conf.tier);
  }
  self->send(self, atoms::start::value);
  return {
    [=](atoms::start) {
      blocking_call(self, start_timeout, [ctx = self->state.ctx] { return remove_stale_warm(ctx); })
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
      auto name = "spawnai-" + session_id;
      blocking_call(self, start_timeout,
                    [ctx = self->state.ctx, tier, name, session_id] {
                      return start_container(ctx, tier, name, false, session_id);
                    })
        .then([=](container_lease& lease) mutable { rp.deliver(std::move(lease)); },
              [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      refill(self);
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
      auto rp = self->make_response_promise<int>();
      self->state.drain_waiters.push_back(rp);
      if (!idle.empty())
        remove_during_drain(self, std::move(idle));
      maybe_drained(self);
      return rp;
    },
    [=](atoms::stats) {
      nlohmann::json j;
      for (auto& tier : self->state.tiers)
        j["tiers"][tier] = {{"ready", self->state.ready[tier].size()},
                            {"starting", self->state.starting[tier]}};
      j["warm_hits"] = self->state.warm_hits;
      j["cold_starts"] = self->state.cold_starts;
      j["target_per_tier"] = self->state.ctx.cfg->warm_pool_size;
      return j.dump();
    },
  };
}

} // namespace spawn
