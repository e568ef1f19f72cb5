#include "actors/edge.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "core/error.hpp"

namespace spawn {

namespace {

using edge_ptr = edge_actor_type::stateful_pointer<edge_state>;

/// Received bytes below this per check are not a request: TCP keep-alive
/// probes (66 bytes), ARP and neighbour discovery. The smallest request through
/// Caddy (handshake, GET with its X-Forwarded headers) is well above it.
constexpr int64_t min_request_bytes = 256;

constexpr auto call_timeout = std::chrono::seconds{30};

caf::timespan tick_interval(const spawn_config& cfg) {
  auto ms = std::clamp<int64_t>(cfg.edge_idle_timeout_seconds * 1000 / 4, 250, 5000);
  return std::chrono::milliseconds{ms};
}

/// Puts the route as the state says (to the app, or to the activator).
auto put(edge_ptr self) {
  auto& st = self->state;
  return blocking_call(self, edge_pool(st.ctx), call_timeout,
                       [caddy = st.ctx.edge, id = st.session_id, upstream = st.upstream,
                        sleeping = st.sleeping, domains = st.domains]() -> caf::expected<bool> {
                         if (auto err = caddy->put_route(id, upstream, sleeping, domains))
                           return err;
                         return true;
                       });
}

/// Blocking: routes to the activator, then pauses; on a failed pause the
/// route goes back to the app. A request in between waits at the activator
/// instead of hanging on a frozen app.
caf::expected<bool> put_to_sleep(std::shared_ptr<caddy_admin> caddy,
                                 std::shared_ptr<container_runtime> runtime, std::string id,
                                 std::string upstream, std::string container,
                                 std::vector<std::string> domains) {
  if (auto err = caddy->put_route(id, upstream, true, domains))
    return make_error(errc::unavailable, "cannot route to the activator: " + message_of(err));
  if (auto err = runtime->pause(container)) {
    (void) caddy->put_route(id, upstream, false, domains);
    return make_error(code_of(err), "cannot pause its container: " + message_of(err));
  }
  return true;
}

/// Blocking: unpause and route back to the app; milliseconds it took.
caf::expected<int64_t> wake_up(std::shared_ptr<caddy_admin> caddy,
                               std::shared_ptr<container_runtime> runtime, std::string id,
                               std::string upstream, std::string container,
                               std::vector<std::string> domains) {
  auto t0 = std::chrono::steady_clock::now();
  if (auto err = runtime->unpause(container)) {
    // Not paused (conflict) is fine; anything else is a failed wake.
    if (code_of(err) != errc::conflict)
      return err;
  }
  if (auto err = caddy->put_route(id, upstream, false, domains))
    spdlog::warn("session {}: woken, but its route still goes through the activator ({})", id,
                 message_of(err)); // the activator passes requests on
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now() - t0)
    .count();
}

/// The idle check of one tick, on the container's received bytes.
void check_idle(edge_ptr self) {
  auto& st = self->state;
  auto timeout_ms = st.ctx.cfg->edge_idle_timeout_seconds * 1000;
  if (timeout_ms <= 0 || st.sleeping)
    return;
  blocking_call(self, edge_pool(st.ctx), call_timeout,
                [runtime = st.ctx.runtime, c = st.container_id] { return runtime->net_rx_bytes(c); })
    .await(
      [=](int64_t rx) {
        auto& s = self->state;
        auto now = now_ms();
        auto delta = s.last_rx < 0 || rx < s.last_rx ? min_request_bytes : rx - s.last_rx;
        s.last_rx = rx;
        auto probes = std::min(s.probe_rx, std::max<int64_t>(delta, 0));
        s.probe_rx -= probes;
        delta -= probes;
        if (delta >= min_request_bytes) {
          s.last_active = now;
          return;
        }
        if (now - s.last_active < timeout_ms)
          return;
        blocking_call(self, edge_pool(s.ctx), call_timeout,
                      [caddy = s.ctx.edge, runtime = s.ctx.runtime, id = s.session_id,
                       up = s.upstream, c = s.container_id, d = s.domains] {
                        return put_to_sleep(caddy, runtime, id, up, c, d);
                      })
          .await(
            [=](bool) {
              self->state.sleeping = true;
              self->send(self->state.session, atoms::asleep::value,
                         (now_ms() - self->state.last_active) / 1000);
            },
            [=](caf::error& err) {
              spdlog::warn("session {}: staying awake ({})", self->state.session_id,
                           message_of(err));
            });
      },
      [](caf::error&) {}); // no counters (paused by hand, engine busy): next tick
}

} // namespace

edge_actor_type::behavior_type edge_actor(edge_ptr self, node_context ctx,
                                          sleep_listener_actor session, std::string session_id,
                                          std::string container_id, int host_port,
                                          bool sleeping, std::vector<std::string> domains) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.session = std::move(session);
  st.session_id = std::move(session_id);
  st.container_id = std::move(container_id);
  st.upstream = st.ctx.runtime->address_of(st.container_id) + ":" + std::to_string(host_port);
  st.sleeping = sleeping;
  st.domains = std::move(domains);
  st.last_active = now_ms();
  if (st.ctx.cfg->edge_idle_timeout_seconds > 0)
    self->send(self, atoms::edgetick::value);
  return {
    [=](atoms::route) -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      put(self).await([=](bool) mutable { rp.deliver(true); },
                      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::reroute) {
      put(self).await([=](bool) { self->state.reroute_failures = 0; },
                      [=](caf::error& err) {
                        // Nobody waits for this answer: the edge tries again
                        // (0.5 s, doubling up to 10 s) until the route is back.
                        auto& s = self->state;
                        auto wait = std::chrono::milliseconds{
                          std::min(10000, 500 << std::min(s.reroute_failures, 5))};
                        ++s.reroute_failures;
                        spdlog::warn("session {}: cannot restore its route ({}); again in {} ms",
                                     s.session_id, message_of(err), wait.count());
                        self->delayed_send(self, wait, atoms::reroute::value);
                      });
    },
    [=](atoms::wake) -> caf::result<int64_t> {
      auto& s = self->state;
      if (!s.sleeping)
        return int64_t{0};
      auto rp = self->make_response_promise<int64_t>();
      blocking_call(self, edge_pool(s.ctx), call_timeout,
                    [caddy = s.ctx.edge, runtime = s.ctx.runtime, id = s.session_id,
                     up = s.upstream, c = s.container_id, d = s.domains] {
                      return wake_up(caddy, runtime, id, up, c, d);
                    })
        .await(
          [=](int64_t took) mutable {
            auto& e = self->state;
            e.sleeping = false;
            e.last_rx = -1;
            e.last_active = now_ms();
            rp.deliver(took);
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::domains, std::vector<std::string> hosts) -> caf::result<bool> {
      self->state.domains = std::move(hosts);
      auto rp = self->make_response_promise<bool>();
      put(self).await([=](bool) mutable { rp.deliver(true); },
                      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::probed, int64_t probe_bytes) { self->state.probe_rx += probe_bytes; },
    [=](atoms::edgetick) {
      check_idle(self);
      self->delayed_send(self, tick_interval(*self->state.ctx.cfg), atoms::edgetick::value);
    },
    [=](atoms::destroy) -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      blocking_call(self, edge_pool(self->state.ctx), call_timeout,
                    [caddy = self->state.ctx.edge, id = self->state.session_id] {
                      return caf::expected<bool>{!caddy->remove_route(id)};
                    })
        .await(
          [=](bool removed) mutable {
            self->quit();
            rp.deliver(removed);
          },
          [=](caf::error& err) mutable {
            self->quit();
            rp.deliver(std::move(err));
          });
      return rp;
    },
  };
}

namespace {

/// Blocking: this node's Caddy routes the sessions live here (their edge
/// children put those) and, in a cluster, every session live on another node
/// to that node's edge (`remote`); any other route is an orphan and goes.
/// `put` are the remote routes put before (session → edge); returns them now.
caf::expected<std::map<std::string, std::string>>
sync_routes(std::shared_ptr<caddy_admin> caddy, std::set<std::string> local,
            std::vector<remote_route> remote, std::map<std::string, std::string> put) {
  auto routed = caddy->routed_sessions();
  if (!routed)
    return routed.error();
  // What each remote route must be: its node's edge and the session's custom
  // domains, as one text so that a change of either puts the route again.
  std::map<std::string, std::string> want;
  std::map<std::string, const remote_route*> by_id;
  for (auto& r : remote)
    if (!local.count(r.session_id)) {
      auto key = r.edge_address;
      for (auto& d : r.domains)
        key += " " + d;
      want[r.session_id] = key;
      by_id[r.session_id] = &r;
    }
  std::set<std::string> present(routed->begin(), routed->end());
  for (auto& id : *routed)
    if (!local.count(id) && !want.count(id) && !caddy->remove_route(id)) {
      spdlog::info("edge: removed the orphan route of {}", id);
      put.erase(id);
    }
  for (auto& [id, edge] : want) {
    auto i = put.find(id);
    if (present.count(id) && i != put.end() && i->second == edge)
      continue;
    auto& r = *by_id[id];
    if (auto err = caddy->put_route(id, r.edge_address, false, r.domains)) {
      spdlog::warn("edge: cannot route {} to node edge {}: {}", id, r.edge_address,
                   message_of(err));
      continue;
    }
    put[id] = edge;
  }
  for (auto i = put.begin(); i != put.end();)
    i = want.count(i->first) ? std::next(i) : put.erase(i);
  return put;
}

} // namespace

edge_keeper_actor::behavior_type edge_keeper(edge_keeper_actor::pointer self, node_context ctx,
                                             session_directory_actor manager) {
  auto interval = std::chrono::milliseconds{ctx.cfg->edge_check_interval_ms};
  auto caddy = ctx.edge;
  auto put = std::make_shared<std::map<std::string, std::string>>(); // remote routes in Caddy
  auto sync = [=](std::set<std::string> local, std::vector<remote_route> remote) {
    blocking_call(self, edge_pool(ctx), std::chrono::seconds{60},
                  [caddy, local, remote, before = *put] {
                    return sync_routes(caddy, local, remote, before);
                  })
      .then([=](std::map<std::string, std::string>& now) { *put = std::move(now); },
            [](caf::error&) {});
  };
  self->send(self, atoms::edgetick::value);
  return {
    [=](atoms::edgetick) {
      self->delayed_send(self, interval, atoms::edgetick::value);
      blocking_call(self, edge_pool(ctx), call_timeout, [caddy] { return caddy->ensure_server(); })
        .then(
          [=](bool created) {
            if (created) {
              spdlog::warn("edge: server '{}' was missing in Caddy (new or restarted Caddy); "
                           "created it, routing every live session again",
                           caddy->settings().server);
              put->clear();
              self->send(manager, atoms::reroute::value);
            }
            // The sessions of other nodes first, then the live ones here: a
            // session adopted meanwhile counts as local, never as remote.
            auto& cfg = *ctx.cfg;
            auto with_remote = [=](std::vector<remote_route> remote) {
              self->request(manager, std::chrono::seconds{10}, atoms::liveids::value)
                .then(
                  [=](std::vector<std::string>& live) {
                    sync(std::set<std::string>(live.begin(), live.end()), remote);
                  },
                  [](caf::error&) {}); // not recovered yet: next time
            };
            if (cfg.cluster_name.empty()) {
              with_remote({});
              return;
            }
            self->request(ctx.stores.any(), std::chrono::seconds{10}, atoms::rroutes::value,
                          cfg.node_id, cfg.cluster_name)
              .then([=](std::vector<remote_route>& remote) { with_remote(std::move(remote)); },
                    [](caf::error&) {}); // the store is away: leave the routes as they are
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
