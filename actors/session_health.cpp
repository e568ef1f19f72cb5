// Health of a running app (seed 002: checked every 30 s). A container that
// stopped or stopped answering is restarted; still unhealthy after the grace
// period (seed: 1 min), the session fails and its resources are freed. A
// container that vanished is redeployed from the stored artifact.
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/session_steps.hpp"
#include "core/error.hpp"
#include "infra/http_client.hpp"

namespace spawn {

namespace session_steps {

namespace {

/// Blocking: inspects the container and, when it runs, asks the app over HTTP.
/// Any HTTP answer counts as alive; a refused or timed-out connection does not.
caf::expected<health_report> probe(std::shared_ptr<container_runtime> runtime,
                                   std::string container, long timeout_ms, bool count_rx) {
  health_report r;
  auto info = runtime->inspect(container);
  if (!info) {
    if (code_of(info.error()) == errc::not_found) {
      r.state = "missing";
      r.detail = "its container is gone";
      return r;
    }
    return info.error(); // the engine itself is unreachable: no verdict
  }
  r.state = info->state;
  r.host_port = info->host_port;
  auto address = info->address;
  if (r.state == "paused") { // asleep: the edge wakes it on demand
    r.answers = true;
    return r;
  }
  if (r.state != "running") {
    r.detail = "its container is " + r.state;
    return r;
  }
  http_request req;
  req.url = "http://" + address + ":" + std::to_string(r.host_port) + "/";
  req.timeout_ms = timeout_ms;
  req.connect_timeout_ms = timeout_ms;
  // With idle pausing on, the edge tells requests by received bytes: it is
  // told what the probe sent, so that probes alone never keep an app awake.
  auto rx0 = count_rx ? runtime->net_rx_bytes(container) : caf::expected<int64_t>{int64_t{0}};
  auto resp = perform(req);
  if (count_rx && rx0) {
    if (auto rx1 = runtime->net_rx_bytes(container); rx1 && *rx1 > *rx0)
      r.probe_rx = *rx1 - *rx0;
  }
  r.answers = static_cast<bool>(resp);
  if (!resp)
    r.detail = "the app does not answer (" + message_of(resp.error()) + ")";
  return r;
}

/// Blocking: restarts the container and returns its new published port.
caf::expected<int> restart_container(std::shared_ptr<container_runtime> runtime,
                                     std::string container) {
  if (auto err = runtime->restart(container))
    return err;
  auto info = runtime->inspect(container);
  if (!info)
    return info.error();
  return info->host_port;
}

bool checkable(session_self self) {
  auto s = self->state.record.state;
  return (s == phase::running || s == phase::sleeping)
         && self->state.mode == session_mode::normal && !pending(self, session_step::deploying)
         && !pending(self, session_step::provisioning) && !pending(self, session_step::turn);
}

void on_report(session_self self, const health_report& r) {
  auto& st = self->state;
  if (!checkable(self))
    return;
  if (r.state == "missing") {
    redeploy(self, "its container vanished");
    return;
  }
  // Being removed, or left dead by a removal that failed: it cannot be
  // restarted, so it is as good as gone (a lost node's containers on a shared
  // Docker host, removed as it was taken over).
  if (r.state == "removing" || r.state == "dead") {
    redeploy(self, "its container is " + r.state);
    return;
  }
  if (r.probe_rx > 0 && st.edge)
    self->send(st.edge, atoms::probed::value, r.probe_rx);
  if (r.host_port > 0 && r.host_port != st.record.host_port)
    move_upstream(self, r.host_port, "its container's port changed to "
                                        + std::to_string(r.host_port));
  if (r.answers) {
    if (st.unhealthy_since != 0) {
      emit(self, "info",
           "Healthy again after " + std::to_string(now_ms() - st.unhealthy_since) + " ms");
      st.unhealthy_since = 0;
    }
    return;
  }
  auto now = now_ms();
  if (st.unhealthy_since == 0)
    st.unhealthy_since = now;
  else if (now - st.unhealthy_since >= st.ctx.cfg->health_grace_ms) {
    fail(self, "unhealthy for " + std::to_string((now - st.unhealthy_since) / 1000)
                 + " s: " + r.detail);
    return;
  }
  emit(self, "warn", "Health check failed: " + r.detail + "; restarting the container");
  auto runtime = st.ctx.runtime;
  auto id = st.record.container_id;
  auto call = st.health_call = ++st.last_call;
  blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                [runtime, id] { return restart_container(runtime, id); })
    .then(
      [=](int port) {
        if (self->state.health_call == call)
          self->state.health_call = 0;
        if (checkable(self) && port > 0 && port != self->state.record.host_port)
          move_upstream(self, port, "Restarted; its port is now " + std::to_string(port));
      },
      [=](caf::error& err) {
        if (self->state.health_call == call)
          self->state.health_call = 0;
        if (checkable(self))
          emit(self, "warn", "The container could not be restarted: " + message_of(err));
      });
}

} // namespace

void arm_health(session_self self) {
  auto& st = self->state;
  if (st.health_due != 0 || st.ctx.cfg->health_interval_ms <= 0)
    return;
  st.health_due = now_ms() + st.ctx.cfg->health_interval_ms;
  self->delayed_send(self, ms(st.ctx.cfg->health_interval_ms), atoms::health::value);
}

void check_health(session_self self) {
  auto& st = self->state;
  st.health_due = 0;
  if (winding_down(self))
    return;
  arm_health(self);
  if (st.health_call != 0 || !checkable(self) || st.record.container_id.empty())
    return;
  auto call = st.health_call = ++st.last_call;
  auto runtime = st.ctx.runtime;
  auto id = st.record.container_id;
  auto timeout = st.ctx.cfg->health_probe_timeout_ms;
  bool count_rx = st.edge && st.ctx.cfg->edge_idle_timeout_seconds > 0;
  blocking_call(self, self->state.ctx.io, ms(timeout + 30000),
                [runtime, id, timeout, count_rx] { return probe(runtime, id, timeout, count_rx); })
    .then(
      [=](health_report& r) {
        if (self->state.health_call == call)
          self->state.health_call = 0;
        if (id != self->state.record.container_id)
          return; // a turn switched containers meanwhile (issue 15)
        on_report(self, r);
      },
      [=](caf::error& err) {
        if (self->state.health_call == call)
          self->state.health_call = 0;
        spdlog::warn("session {}: health check without verdict ({})", self->state.record.id,
                     message_of(err));
      });
}

} // namespace session_steps

} // namespace spawn
