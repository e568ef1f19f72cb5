// Continuing a session found in the store (after a restart of spawnd, a crash
// of its actor, or by the expiry sweep), and repairing a running session whose
// container vanished: both redeploy from the stored artifact.
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/session_steps.hpp"
#include "core/error.hpp"
#include "infra/app_slot.hpp"

namespace spawn::session_steps {

namespace {

/// Blocking: what the engine says of the session's container.
caf::expected<container_lease> find_container(std::shared_ptr<container_runtime> runtime,
                                              std::string id) {
  auto info = runtime->inspect(id);
  if (!info)
    return info.error();
  container_lease lease;
  lease.container = *info;
  auto slot = info->labels.find("spawnai.slot");
  if (slot != info->labels.end())
    lease.slot_dir = slot->second;
  return lease;
}

/// Blocking: removes what is left of the session's container (by id, else by
/// its name) and its slot; a missing container is fine.
caf::expected<bool> discard_container(std::shared_ptr<container_runtime> runtime,
                                      std::string id, std::string name) {
  for (auto& ref : {id, name}) {
    if (ref.empty())
      continue;
    if (auto info = runtime->inspect(ref))
      if (auto err = remove_container(*runtime, *info))
        return err;
  }
  return true;
}

void settle(session_self self) {
  auto& st = self->state;
  st.settled = true;
  for (auto& rp : st.settle_waiters)
    rp.deliver(true);
  st.settle_waiters.clear();
}

/// Acquires a fresh container for the stored app (generating it again when no
/// artifact was stored); the pipeline then deploys it. What is left of the old
/// container goes first: the new one takes its name.
void rebuild(session_self self, std::string why) {
  auto& st = self->state;
  auto runtime = st.ctx.runtime;
  auto old_id = st.lease ? st.lease->container.id : st.record.container_id;
  st.lease.reset();
  st.record.container_id.clear();
  st.pipeline_started = now_ms();
  auto with_app = [=] {
    if (winding_down(self))
      return;
    request_acquire(self);
    if (!self->state.app)
      request_generate(self);
  };
  auto load_then_acquire = [=] {
    if (winding_down(self))
      return;
    if (self->state.app) {
      emit(self, "info", why + "; redeploying it into a new container");
      with_app();
      return;
    }
    auto worker = self->state.ctx.stores.for_key(self->state.record.id);
    self->request(worker, std::chrono::seconds{30}, atoms::artload::value, self->state.record.id)
      .then(
        [=](generated_app& app) {
          self->state.app = std::move(app);
          emit(self, "info", why + "; redeploying its stored files into a new container");
          with_app();
        },
        [=](caf::error& err) {
          if (self->state.mode == session_mode::repairing) { // running: its code is what the user saw
            self->state.mode = session_mode::normal;
            fail(self, why + " and its files cannot be loaded (" + message_of(err) + ")");
            return;
          }
          emit(self, "info", why + "; generating the app again");
          with_app();
        });
  };
  blocking_call(self, self->state.ctx.io, std::chrono::seconds{60},
                [runtime, old_id, name = "spawnai-" + st.record.id] {
                  return discard_container(runtime, old_id, name);
                })
    .then([=](bool) { load_then_acquire(); },
          [=](caf::error& err) {
            spdlog::warn("session {}: leftover container not removed ({})",
                         self->state.record.id, message_of(err));
            load_then_acquire(); // acquisition fails and retries if the name is taken
          });
}

} // namespace

void redeploy(session_self self, std::string why) {
  auto& st = self->state;
  if (st.mode == session_mode::repairing || winding_down(self))
    return;
  st.mode = session_mode::repairing;
  st.unhealthy_since = 0;
  spdlog::warn("session {}: {}; redeploying", st.record.id, why);
  rebuild(self, "Its container is gone: " + why);
}

void repaired(session_self self, std::string url) {
  auto& st = self->state;
  st.mode = session_mode::normal;
  st.record.app_url = st.ctx.edge ? edge_url(self) : std::move(url);
  edge_follow(self);
  auto took = now_ms() - st.pipeline_started;
  auto msg = "Redeployed; running again at " + st.record.app_url + " (" + std::to_string(took)
             + " ms)";
  if (st.record.state == phase::sleeping)
    advance(self, session_event::wake, msg);
  else {
    event_record ev;
    ev.message = msg;
    persist(self, ev, true, {});
  }
}

void move_upstream(session_self self, int host_port, std::string why) {
  auto& st = self->state;
  auto address = st.ctx.runtime->address_of(st.record.container_id);
  auto old = address + ":" + std::to_string(st.record.host_port);
  auto pos = st.record.app_url.find(old);
  if (pos != std::string::npos)
    st.record.app_url.replace(pos, old.size(), address + ":" + std::to_string(host_port));
  st.record.host_port = host_port;
  if (st.lease)
    st.lease->container.host_port = host_port;
  edge_follow(self);
  event_record ev;
  ev.level = "warn";
  ev.message = std::move(why);
  persist(self, ev, true, {});
}

void resume(session_self self) {
  auto& st = self->state;
  auto& rec = st.record;
  if (rec.state == phase::destroying) {
    unroute(self);
    clean_up(self);
    settle(self);
    return;
  }
  if (rec.state == phase::failed) {
    begin_destroy(self, "Cleaning up after the failure");
    settle(self);
    return;
  }
  if (rec.expires_at > 0 && rec.expires_at <= now_ms()) {
    begin_destroy(self, "Expired: its time is up");
    settle(self);
    return;
  }
  switch (rec.state) {
    case phase::requested:
      begin(self);
      settle(self);
      return;
    case phase::provisioning:
    case phase::generating:
    case phase::deploying:
      // Whatever the interrupted phase left behind is discarded; the phase
      // restarts from the stored artifact when there is one.
      rebuild(self, "Resumed by node " + st.ctx.cfg->node_id + " after an interruption in "
                      + std::string{to_string(rec.state)});
      settle(self);
      return;
    default:
      break;
  }
  auto runtime = st.ctx.runtime;
  blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                [runtime, id = rec.container_id] { return find_container(runtime, id); })
    .then(
      [=](container_lease& lease) {
        auto state = lease.container.state;
        auto port = lease.container.host_port;
        self->state.lease = std::move(lease);
        accounting::on_container(self, true);
        arm_timer(self);
        arm_health(self);
        if (state == "running" || state == "paused") {
          emit(self, "info", "Re-adopted by node " + self->state.ctx.cfg->node_id);
          edge_follow(self);
          if (port > 0 && port != self->state.record.host_port)
            move_upstream(self, port, "Its port changed to " + std::to_string(port));
        } else {
          // Stopped (the Docker engine restarted, say): the health check
          // restarts it now rather than after its interval.
          emit(self, "warn", "Re-adopted by node " + self->state.ctx.cfg->node_id
                               + "; its container is " + state + ", restarting it");
          check_health(self);
        }
        settle(self);
        resume_turns(self); // issue 15: a turn the restart interrupted
      },
      [=](caf::error& err) {
        if (code_of(err) == errc::not_found) {
          arm_timer(self);
          arm_health(self);
          redeploy(self, "its container vanished while spawnd was away");
        } else { // the engine is away: the health check looks again later
          arm_timer(self);
          arm_health(self);
          emit(self, "warn", "Re-adopted by node " + self->state.ctx.cfg->node_id
                               + "; its container cannot be checked yet (" + message_of(err)
                               + ")");
        }
        settle(self);
        resume_turns(self); // issue 15: a turn the restart interrupted
      });
}

void await_settled(session_self self, caf::typed_response_promise<bool> rp) {
  if (self->state.settled)
    rp.deliver(true);
  else
    self->state.settle_waiters.push_back(std::move(rp));
}

} // namespace spawn::session_steps
