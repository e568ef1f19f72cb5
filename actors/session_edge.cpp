// The session's edge (issue 4): its route in Caddy through the edge child
// (actors/edge.hpp), the URL users get, idle and wake.
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/edge.hpp"
#include "actors/session_steps.hpp"
#include "core/domain_name.hpp"
#include "core/error.hpp"

namespace spawn::session_steps {

namespace {

edge_actor_type spawn_edge(session_self self) {
  auto& st = self->state;
  if (!st.edge && st.ctx.edge && st.lease)
    st.edge = self->spawn<caf::monitored>(
      edge_actor, st.ctx, caf::actor_cast<sleep_listener_actor>(self), st.record.id,
      st.lease->container.id, st.lease->container.host_port,
      st.record.state == phase::sleeping, domains_of(st.record));
  return st.edge;
}

void drop_edge(session_self self) {
  auto& st = self->state;
  if (st.edge) {
    self->demonitor(st.edge.address());
    self->send_exit(st.edge, caf::exit_reason::user_shutdown);
    st.edge = edge_actor_type{};
  }
}

} // namespace

std::string edge_url(session_self self) {
  auto& st = self->state;
  return st.ctx.edge ? edge_app_url(st.ctx.edge->settings(), st.record.id) : std::string{};
}

void route_then_run(session_self self) {
  if (winding_down(self))
    return;
  auto edge = spawn_edge(self);
  call_child<bool>(
    self, session_step::edge, edge, std::chrono::seconds{30},
    [=](bool) { running_at(self, edge_url(self)); },
    [=](const caf::error& err) { child_failed(self, session_step::edge, err); },
    atoms::route::value);
}

void edge_follow(session_self self) {
  auto& st = self->state;
  if (!st.ctx.edge || !st.lease || winding_down(self))
    return;
  drop_edge(self); // its container or port changed: a fresh child routes there
  self->send(spawn_edge(self), atoms::reroute::value);
}

void switch_edge(session_self self, std::function<void()> ok,
                 std::function<void(const caf::error&)> failed) {
  drop_edge(self); // the route goes to the new container through a fresh child
  auto edge = spawn_edge(self);
  call_child<bool>(
    self, session_step::turn, edge, std::chrono::seconds{30}, [=](bool) { ok(); },
    [=](const caf::error& err) { failed(err); }, atoms::route::value);
}

void unroute(session_self self) {
  auto& st = self->state;
  if (st.edge) {
    auto edge = st.edge;
    self->demonitor(edge.address());
    st.edge = edge_actor_type{};
    self->request(edge, std::chrono::seconds{20}, atoms::destroy::value)
      .then([](bool) {}, [=](caf::error&) { self->send_exit(edge, caf::exit_reason::kill); });
  } else if (st.ctx.edge) {
    auto caddy = st.ctx.edge;
    auto id = st.record.id;
    blocking_call(self, edge_pool(self->state.ctx), std::chrono::seconds{20},
                  [caddy, id]() -> caf::expected<bool> { return !caddy->remove_route(id); })
      .then([](bool) {}, [](caf::error&) {});
  }
}

void edge_down(session_self self, bool crashed) {
  auto& st = self->state;
  auto gone = st.edge.address();
  st.edge = edge_actor_type{};
  if (crashed)
    fail_calls_of(self, gone, caf::make_error(caf::sec::runtime_error, "the edge child crashed"));
  if (crashed && !winding_down(self)
      && (st.record.state == phase::running || st.record.state == phase::sleeping))
    edge_follow(self);
}

void went_idle(session_self self, int64_t idle_seconds) {
  if (self->state.record.state == phase::running)
    advance(self, session_event::idle,
            "Idle for " + std::to_string(idle_seconds) + " s: paused; the next request wakes it");
}

caf::result<int64_t> wake(session_self self) {
  auto& s = self->state;
  if (s.record.state == phase::running)
    return int64_t{0};
  if (s.record.state != phase::sleeping || !s.edge)
    return make_error(errc::conflict, "the app is " + std::string{to_string(s.record.state)});
  auto rp = self->make_response_promise<int64_t>();
  self->request(s.edge, std::chrono::seconds{30}, atoms::wake::value)
    .then(
      [=](int64_t took) mutable {
        // Answered at once (the request waits on it); persisted right after.
        if (self->state.record.state == phase::sleeping)
          advance(self, session_event::wake,
                  "Woken by a request: resumed in " + std::to_string(took) + " ms");
        rp.deliver(took);
      },
      [=](caf::error& err) mutable {
        emit(self, "warn", "Could not wake the app: " + message_of(err));
        rp.deliver(std::move(err));
      });
  return rp;
}

void reroute(session_self self) {
  if (self->state.edge)
    self->send(self->state.edge, atoms::reroute::value);
}

} // namespace spawn::session_steps
