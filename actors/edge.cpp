#include "actors/edge.hpp"

#include <algorithm>
#include <set>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.hpp"
#include "actors/blocking.hpp"
#include "core/error.hpp"

namespace spawn {

namespace {

using edge_ptr = caf::stateful_actor<edge_state>*;

/// Received bytes below this per check are not a request: TCP keep-alive
/// probes (66 bytes), ARP and neighbour discovery. The smallest request through
/// Caddy (handshake, GET with its X-Forwarded headers) is well above it.
constexpr int64_t min_request_bytes = 256;

caf::timespan tick_interval(const spawn_config& cfg) {
  auto ms = std::clamp<int64_t>(cfg.edge_idle_timeout_seconds * 1000 / 4, 250, 5000);
  return std::chrono::milliseconds{ms};
}

caf::error put(edge_ptr self) {
  auto& st = self->state;
  return st.ctx.edge->put_route(st.session_id, st.upstream, st.sleeping);
}

/// Blocking: the idle check of one tick.
void check_idle(edge_ptr self) {
  auto& st = self->state;
  auto timeout_ms = st.ctx.cfg->edge_idle_timeout_seconds * 1000;
  if (timeout_ms <= 0 || st.sleeping)
    return;
  auto rx = st.ctx.runtime->net_rx_bytes(st.container_id);
  if (!rx)
    return; // no counters (paused by hand, engine busy): try again next tick
  auto now = now_ms();
  auto delta = st.last_rx < 0 || *rx < st.last_rx ? min_request_bytes : *rx - st.last_rx;
  st.last_rx = *rx;
  auto probes = std::min(st.probe_rx, std::max<int64_t>(delta, 0));
  st.probe_rx -= probes;
  delta -= probes;
  if (delta >= min_request_bytes) {
    st.last_active = now;
    return;
  }
  if (now - st.last_active < timeout_ms)
    return;
  // Route first, then pause: a request in between waits at the activator
  // instead of hanging on a frozen app.
  st.sleeping = true;
  if (auto err = put(self)) {
    st.sleeping = false;
    spdlog::warn("session {}: cannot route to the activator ({}); staying awake", st.session_id,
                 message_of(err));
    return;
  }
  if (auto err = st.ctx.runtime->pause(st.container_id)) {
    st.sleeping = false;
    (void) put(self);
    spdlog::warn("session {}: cannot pause its container ({})", st.session_id, message_of(err));
    return;
  }
  self->send(st.session, atoms::idle::value, (now - st.last_active) / 1000);
}

/// Blocking: unpause and route back to the app; milliseconds it took.
caf::expected<int64_t> wake_up(edge_ptr self) {
  auto& st = self->state;
  if (!st.sleeping)
    return int64_t{0};
  auto t0 = std::chrono::steady_clock::now();
  if (auto err = st.ctx.runtime->unpause(st.container_id)) {
    // Not paused (conflict) is fine; anything else is a failed wake.
    if (code_of(err) != errc::conflict)
      return err;
  }
  st.sleeping = false;
  if (auto err = put(self))
    spdlog::warn("session {}: woken, but its route still goes through the activator ({})",
                 st.session_id, message_of(err)); // the activator passes requests on
  st.last_rx = -1;
  st.last_active = now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now() - t0)
    .count();
}

} // namespace

caf::behavior edge_actor(caf::stateful_actor<edge_state>* self, node_context ctx,
                         caf::actor session, std::string session_id,
                         std::string container_id, int host_port, bool sleeping) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.session = std::move(session);
  st.session_id = std::move(session_id);
  st.container_id = std::move(container_id);
  st.upstream = "127.0.0.1:" + std::to_string(host_port);
  st.sleeping = sleeping;
  st.last_active = now_ms();
  if (st.ctx.cfg->edge_idle_timeout_seconds > 0)
    self->send(self, atoms::edgetick::value);
  return {
    [=](atoms::route) -> caf::result<bool> {
      if (auto err = put(self))
        return err;
      return true;
    },
    [=](atoms::reroute) {
      if (auto err = put(self))
        spdlog::warn("session {}: cannot restore its route ({})", self->state.session_id,
                     message_of(err));
    },
    [=](atoms::wake) -> caf::result<int64_t> {
      auto took = wake_up(self);
      if (!took)
        return took.error();
      return *took;
    },
    [=](atoms::idle, int64_t probe_bytes) { self->state.probe_rx += probe_bytes; },
    [=](atoms::edgetick) {
      check_idle(self);
      self->delayed_send(self, tick_interval(*self->state.ctx.cfg), atoms::edgetick::value);
    },
    [=](atoms::destroy) -> caf::result<bool> {
      auto err = self->state.ctx.edge->remove_route(self->state.session_id);
      self->quit();
      if (err)
        return err;
      return true;
    },
  };
}

caf::behavior edge_keeper(caf::event_based_actor* self, node_context ctx, caf::actor manager) {
  auto interval = std::chrono::milliseconds{ctx.cfg->edge_check_interval_ms};
  auto caddy = ctx.edge;
  self->send(self, atoms::edgetick::value);
  return {
    [=](atoms::edgetick) {
      self->delayed_send(self, interval, atoms::edgetick::value);
      blocking_call(self, std::chrono::seconds{30}, [caddy] { return caddy->ensure_server(); })
        .then(
          [=](bool created) {
            if (created) {
              spdlog::warn("edge: server '{}' was missing in Caddy (new or restarted Caddy); "
                           "created it, routing every live session again",
                           caddy->settings().server);
              self->send(manager, atoms::reroute::value);
            }
            // Orphan routes: in Caddy, but no live session of this node.
            self->request(manager, std::chrono::seconds{10}, atoms::liveids::value)
              .then(
                [=](std::vector<std::string>& live) {
                  std::set<std::string> keep(live.begin(), live.end());
                  blocking_call(self, std::chrono::seconds{60},
                                [caddy, keep]() -> caf::expected<int> {
                                  auto routed = caddy->routed_sessions();
                                  if (!routed)
                                    return routed.error();
                                  int n = 0;
                                  for (auto& id : *routed)
                                    if (!keep.count(id) && !caddy->remove_route(id)) {
                                      spdlog::info("edge: removed the orphan route of {}", id);
                                      ++n;
                                    }
                                  return n;
                                })
                    .then([](int) {}, [](caf::error&) {});
                },
                [](caf::error&) {}); // not recovered yet: next time
          },
          [=](caf::error& err) {
            spdlog::warn("edge: Caddy's admin API at {} does not answer ({}); apps are not "
                         "reachable through the edge until it does",
                         caddy->settings().admin_url, message_of(err));
          });
    },
  };
}

} // namespace spawn
