#include "actors/session.hpp"

#include <algorithm>
#include <cmath>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.hpp"
#include "actors/blocking.hpp"
#include "actors/generation_worker.hpp"
#include "actors/lifetime_timer.hpp"
#include "actors/provisioner.hpp"
#include "core/error.hpp"
#include "infra/app_slot.hpp"

namespace spawn {

namespace {

using self_ptr = caf::stateful_actor<session_state>*;

caf::timespan ms(int64_t n) {
  return std::chrono::milliseconds{n};
}

// --- persistence and announcements -------------------------------------------

void announce(self_ptr self, const session_record& snapshot, const event_record& ev) {
  for (auto& sub : self->state.subscribers)
    self->send(sub, atoms::event::value, snapshot, ev);
}

/// Persists `ev` (with the record as it is now) and, once stored, makes it
/// visible and announces it; then runs `then`. A failed write is retried with
/// backoff: nothing is announced that is not stored.
template <class F>
void persist(self_ptr self, event_record ev, bool transition, F then, int attempt = 0) {
  auto& st = self->state;
  ev.session_id = st.record.id;
  ev.phase = std::string{to_string(st.record.state)};
  auto snapshot = st.record;
  auto worker = st.ctx.stores.for_key(st.record.id);
  auto on_saved = [=](event_record& saved) mutable {
    self->state.visible = snapshot;
    self->state.events.push_back(saved);
    announce(self, snapshot, saved);
    then();
  };
  auto on_error = [=](caf::error& err) mutable {
    auto delay = std::min<int64_t>(5000, 200LL << std::min(attempt, 5));
    spdlog::warn("session {}: cannot persist '{}' ({}); retrying in {} ms", snapshot.id,
                 ev.message, message_of(err), delay);
    self->delayed_send(self, ms(delay), atoms::save::value, ev, transition, attempt + 1);
  };
  if (transition)
    self->request(worker, std::chrono::seconds{30}, atoms::save::value, snapshot, ev)
      .then(on_saved, on_error);
  else
    self->request(worker, std::chrono::seconds{30}, atoms::append::value, ev)
      .then(on_saved, on_error);
}

void emit(self_ptr self, std::string level, std::string message) {
  event_record ev;
  ev.level = std::move(level);
  ev.message = std::move(message);
  persist(self, std::move(ev), false, [] {});
}

/// Applies `e` to the state machine; an illegal transition is logged, not applied.
template <class F>
bool advance(self_ptr self, session_event e, std::string message, F then) {
  auto& rec = self->state.record;
  auto next = transition(rec.state, e);
  if (!next) {
    spdlog::warn("session {}: illegal transition {} + {} ignored", rec.id, to_string(rec.state),
                 to_string(e));
    return false;
  }
  if (*next == rec.state)
    return false; // destroy of a destroying/destroyed session: nothing to do
  rec.state = *next;
  rec.message = message;
  event_record ev;
  ev.level = (*next == phase::failed) ? "error" : "info";
  ev.message = std::move(message);
  persist(self, std::move(ev), true, std::move(then));
  return true;
}

bool advance(self_ptr self, session_event e, std::string message) {
  return advance(self, e, std::move(message), [] {});
}

// --- the pipeline ---------------------------------------------------------------

void request_acquire(self_ptr self);
void request_generate(self_ptr self);
void request_deploy(self_ptr self);
void begin_destroy(self_ptr self, std::string why);
void child_failed(self_ptr self, const std::string& step, const caf::error& err);

bool winding_down(self_ptr self) {
  auto s = self->state.record.state;
  return s == phase::failed || s == phase::destroying || s == phase::destroyed;
}

void ensure_children(self_ptr self) {
  auto& st = self->state;
  if (!st.provisioner)
    st.provisioner = self->spawn<caf::monitored>(provisioner, st.ctx, st.record.id);
  if (!st.generator)
    st.generator = self->spawn<caf::monitored + caf::detached>(generation_worker, st.ctx.gen);
}

/// Stops the children; a provisioner still acquiring a container is kept, so
/// that container reaches this session and is removed instead of leaking.
void stop_children(self_ptr self) {
  auto& st = self->state;
  for (auto* child : {&st.provisioner, &st.generator, &st.timer}) {
    if (child == &st.provisioner && st.acquiring)
      continue;
    if (*child) {
      self->demonitor(*child);
      self->send_exit(*child, caf::exit_reason::user_shutdown);
      *child = caf::actor{};
    }
  }
}

void maybe_advance(self_ptr self) {
  auto& st = self->state;
  if (st.record.state == phase::provisioning && st.lease)
    advance(self, session_event::provisioned,
            st.app ? "Container ready; the app is already generated" : "Container ready; generating the app");
  if (st.record.state == phase::generating && st.app)
    advance(self, session_event::generated, "Deploying the app into its container");
  if (st.record.state == phase::deploying && st.app && st.lease && !st.deploying)
    request_deploy(self);
}

void finish_destroy(self_ptr self);

void on_lease(self_ptr self, container_lease lease) {
  auto& st = self->state;
  st.acquiring = false;
  if (winding_down(self)) {
    // Arrived after a destroy: remove it, then let the destruction finish.
    auto runtime = st.ctx.runtime;
    auto done = [=] {
      if (self->state.finish_pending)
        finish_destroy(self);
    };
    blocking_call(self, std::chrono::seconds{30}, [runtime, lease]() -> caf::expected<bool> {
      runtime->remove(lease.container.id);
      remove_slot(lease.slot_dir);
      return true;
    }).then([=](bool) { done(); }, [=](caf::error&) { done(); });
    return;
  }
  st.record.container_id = lease.container.id;
  st.record.host_port = lease.container.host_port;
  emit(self, "info",
       std::string{"Container "} + lease.container.name + (lease.warm ? " taken from the warm pool" : " started cold")
         + " after " + std::to_string(now_ms() - st.pipeline_started) + " ms");
  st.lease = std::move(lease);
  maybe_advance(self);
}

void request_acquire(self_ptr self) {
  auto& st = self->state;
  ensure_children(self);
  st.acquiring = true;
  auto tier = st.record.tier;
  self->request(st.provisioner, ms(st.ctx.cfg->phase_timeout_ms), atoms::acquire::value, tier)
    .then([=](container_lease& lease) { on_lease(self, std::move(lease)); },
          [=](caf::error& err) {
            self->state.acquiring = false;
            if (self->state.finish_pending)
              finish_destroy(self);
            else
              child_failed(self, "provisioning", err);
          });
}

void on_app(self_ptr self, generated_app app) {
  auto& st = self->state;
  st.generating = false;
  if (winding_down(self))
    return;
  if (auto err = validate_app(app)) {
    child_failed(self, "generation", err);
    return;
  }
  auto worker = st.ctx.stores.for_key(st.record.id);
  self->request(worker, std::chrono::seconds{30}, atoms::artifact::value, st.record.id, 1, app)
    .then([](bool) {},
          [=](caf::error& err) {
            emit(self, "warn", "The generated files could not be stored: " + message_of(err));
          });
  emit(self, "info",
       "Generated \"" + app.title + "\" from the " + app.template_name + " template ("
         + std::to_string(app.files.size()) + " files) by the " + st.ctx.gen->name() + " generator");
  st.app = std::move(app);
  maybe_advance(self);
}

void request_generate(self_ptr self) {
  auto& st = self->state;
  ensure_children(self);
  st.generating = true;
  generation_request req{st.record.prompt, st.record.type};
  self->request(st.generator, ms(st.ctx.cfg->phase_timeout_ms), atoms::run::value, req)
    .then([=](generated_app& app) { on_app(self, std::move(app)); },
          [=](caf::error& err) {
            self->state.generating = false;
            child_failed(self, "generation", err);
          });
}

void arm_timer(self_ptr self) {
  auto& st = self->state;
  if (st.timer)
    self->send_exit(st.timer, caf::exit_reason::user_shutdown);
  st.timer = self->spawn<caf::monitored>(lifetime_timer, caf::actor_cast<caf::actor>(self),
                                         st.record.expires_at);
}

void on_deployed(self_ptr self, std::string url) {
  auto& st = self->state;
  st.deploying = false;
  if (winding_down(self))
    return;
  st.record.app_url = url;
  st.record.started_at = now_ms();
  auto took = st.record.started_at - st.pipeline_started;
  advance(self, session_event::deployed,
          "Running at " + url + " (ready " + std::to_string(took) + " ms after the request)");
  arm_timer(self);
}

void request_deploy(self_ptr self) {
  auto& st = self->state;
  ensure_children(self);
  st.deploying = true;
  auto timeout = ms(st.ctx.cfg->app_ready_timeout_ms + 15000);
  self->request(st.provisioner, timeout, atoms::deploy::value, *st.app, st.record.type, *st.lease)
    .then([=](std::string& url) { on_deployed(self, std::move(url)); },
          [=](caf::error& err) {
            self->state.deploying = false;
            child_failed(self, "deploying", err);
          });
}

void fail(self_ptr self, std::string reason) {
  auto& st = self->state;
  st.record.failure_reason = reason;
  spdlog::warn("session {} failed: {}", st.record.id, reason);
  advance(self, session_event::fail, "Failed: " + reason);
  begin_destroy(self, "Cleaning up after the failure");
}

void retry(self_ptr self, const std::string& step) {
  auto& st = self->state;
  if (winding_down(self))
    return;
  if (step == "provisioning") {
    request_acquire(self);
  } else if (step == "generation") {
    request_generate(self);
  } else if (step == "deploying") {
    // The container may be the problem: deploy into a fresh one.
    if (st.lease) {
      auto runtime = st.ctx.runtime;
      auto old = *st.lease;
      blocking_call(self, std::chrono::seconds{30}, [runtime, old]() -> caf::expected<bool> {
        runtime->remove(old.container.id);
        remove_slot(old.slot_dir);
        return true;
      }).then([](bool) {}, [](caf::error&) {});
      st.lease.reset();
    }
    request_acquire(self);
  }
}

void child_failed(self_ptr self, const std::string& step, const caf::error& err) {
  auto& st = self->state;
  if (winding_down(self))
    return;
  auto n = ++st.attempts[step];
  auto max = st.ctx.cfg->max_attempts;
  if (n >= max) {
    fail(self, step + " failed after " + std::to_string(n) + " attempts: " + message_of(err));
    return;
  }
  auto delay = st.ctx.cfg->retry_backoff_ms << (n - 1);
  emit(self, "warn",
       step + " failed (" + message_of(err) + "); retry " + std::to_string(n + 1) + " of "
         + std::to_string(max) + " in " + std::to_string(delay) + " ms");
  self->delayed_send(self, ms(delay), atoms::retry::value, step);
}

// --- destruction ---------------------------------------------------------------

/// Blocking: removes the session's container and its slot directory.
caf::expected<bool> remove_resources(std::shared_ptr<container_runtime> runtime,
                                     std::string container_id, std::string slot_dir) {
  if (!container_id.empty()) {
    if (slot_dir.empty()) {
      if (auto info = runtime->inspect(container_id)) {
        auto slot = info->labels.find("spawnai.slot");
        if (slot != info->labels.end())
          slot_dir = slot->second;
      }
    }
    if (auto err = runtime->remove(container_id))
      return err;
  }
  if (auto err = remove_slot(slot_dir))
    return err;
  return true;
}

void finish_destroy(self_ptr self) {
  auto& st = self->state;
  auto& rec = st.record;
  rec.destroyed_at = now_ms();
  auto tier = st.ctx.cfg->tiers.find(rec.tier);
  if (tier != st.ctx.cfg->tiers.end())
    rec.actual_cost = tier->second.hourly_usd * double(rec.destroyed_at - rec.created_at) / 3.6e6;
  st.finish_pending = false;
  stop_children(self);
  advance(self, session_event::destroyed, "Destroyed: the container is gone", [self] {
    for (auto& sub : self->state.subscribers)
      self->demonitor(sub);
    self->quit();
  });
}

void clean_up(self_ptr self) {
  auto& st = self->state;
  auto runtime = st.ctx.runtime;
  auto id = st.lease ? st.lease->container.id : st.record.container_id;
  if (id.empty()) // never leased, or the lease was lost: go by the session's name
    id = "spawnai-" + st.record.id;
  auto slot = st.lease ? st.lease->slot_dir : std::string{};
  blocking_call(self, std::chrono::seconds{60},
                [runtime, id, slot] { return remove_resources(runtime, id, slot); })
    .then(
      [=](bool) {
        if (self->state.acquiring)
          self->state.finish_pending = true; // on_lease finishes
        else
          finish_destroy(self);
      },
          [=](caf::error& err) {
            auto n = ++self->state.attempts["destroying"];
            if (n >= self->state.ctx.cfg->max_attempts) {
              emit(self, "warn", "The container could not be removed (" + message_of(err)
                                   + "); the orphan reaper will remove it");
              finish_destroy(self);
              return;
            }
            self->delayed_send(self, ms(self->state.ctx.cfg->retry_backoff_ms << n),
                               atoms::retry::value, std::string{"destroying"});
          });
}

/// Starts destruction; `then` runs once `destroying` is persisted (at once
/// when the session is already destroying or destroyed).
template <class F>
void begin_destroy(self_ptr self, std::string why, F then) {
  auto s = self->state.record.state;
  if (s == phase::destroying || s == phase::destroyed) {
    then();
    return;
  }
  stop_children(self);
  advance(self, session_event::destroy, std::move(why), std::move(then));
  clean_up(self);
}

void begin_destroy(self_ptr self, std::string why) {
  begin_destroy(self, std::move(why), [] {});
}

} // namespace

namespace {

void begin(self_ptr self) {
  auto& st = self->state;
  st.pipeline_started = now_ms();
  advance(self, session_event::start, "Provisioning a container and generating the app");
  request_acquire(self);
  request_generate(self);
}

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

/// Continues a session found in the store (after a restart or by the sweep).
void resume(self_ptr self) {
  auto& st = self->state;
  auto& rec = st.record;
  if (rec.state == phase::destroying) {
    clean_up(self);
    return;
  }
  if (rec.state == phase::failed) {
    begin_destroy(self, "Cleaning up after the failure");
    return;
  }
  if (rec.expires_at > 0 && rec.expires_at <= now_ms()) {
    begin_destroy(self, "Expired: its time is up");
    return;
  }
  switch (rec.state) {
    case phase::requested:
      begin(self);
      return;
    case phase::running:
    case phase::sleeping:
      break;
    default:
      fail(self, "interrupted in phase " + std::string{to_string(rec.state)}
                   + " by a restart of spawnd");
      return;
  }
  auto runtime = st.ctx.runtime;
  blocking_call(self, std::chrono::seconds{30},
                [runtime, id = rec.container_id] { return find_container(runtime, id); })
    .then(
      [=](container_lease& lease) {
        if (lease.container.state != "running" && lease.container.state != "paused") {
          fail(self, "its container is " + lease.container.state);
          return;
        }
        self->state.lease = std::move(lease);
        arm_timer(self);
        emit(self, "info", "Re-adopted by node " + self->state.ctx.cfg->node_id);
      },
      [=](caf::error& err) { fail(self, "its container is gone (" + message_of(err) + ")"); });
}

void on_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  auto& subs = st.subscribers;
  auto sub = std::find_if(subs.begin(), subs.end(),
                          [&](const caf::actor& a) { return a.address() == msg.source; });
  if (sub != subs.end()) {
    subs.erase(sub);
    return;
  }
  auto crashed = msg.reason && msg.reason != caf::exit_reason::user_shutdown;
  if (st.provisioner && msg.source == st.provisioner.address()) {
    st.provisioner = caf::actor{};
    if (crashed && !winding_down(self))
      child_failed(self, st.deploying ? "deploying" : "provisioning", msg.reason);
  } else if (st.generator && msg.source == st.generator.address()) {
    st.generator = caf::actor{};
    if (crashed && !winding_down(self))
      child_failed(self, "generation", msg.reason);
  } else if (st.timer && msg.source == st.timer.address()) {
    st.timer = caf::actor{};
    if (crashed && !winding_down(self))
      arm_timer(self);
  }
}

} // namespace

caf::behavior session_actor(caf::stateful_actor<session_state>* self, node_context ctx,
                            session_record record, bool adopted) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.record = std::move(record);
  st.visible = st.record;
  self->set_down_handler([=](caf::down_msg& msg) { on_down(self, msg); });
  // Children never outlive their session: stop them on a shutdown request and
  // on a crash (the state is still alive in both handlers).
  self->set_exit_handler([=](caf::exit_msg& msg) {
    stop_children(self);
    self->quit(msg.reason);
  });
  self->set_exception_handler([=](std::exception_ptr&) -> caf::error {
    stop_children(self);
    return caf::sec::runtime_error;
  });
  if (adopted) {
    auto worker = st.ctx.stores.for_key(st.record.id);
    self->request(worker, std::chrono::seconds{30}, atoms::events::value, st.record.id,
                  int64_t{0}, 100000)
      .then(
        [=](std::vector<event_record>& evs) {
          self->state.events = std::move(evs);
          resume(self);
        },
        [=](caf::error& err) {
          spdlog::warn("session {}: cannot load its events ({})", self->state.record.id,
                       message_of(err));
          resume(self);
        });
  } else {
    self->send(self, atoms::start::value);
  }
  return {
    [=](atoms::start) { begin(self); },
    [=](atoms::get) { return self->state.visible; },
    [=](atoms::subscribe, const caf::actor& sub) {
      auto& s = self->state;
      event_record snapshot;
      snapshot.session_id = s.record.id;
      snapshot.at = now_ms();
      snapshot.phase = std::string{to_string(s.visible.state)};
      self->send(sub, atoms::event::value, s.visible, snapshot);
      for (auto& ev : s.events)
        self->send(sub, atoms::event::value, s.visible, ev);
      s.subscribers.push_back(sub);
      self->monitor(sub);
    },
    [=](atoms::destroy) -> caf::result<session_record> {
      auto rp = self->make_response_promise<session_record>();
      begin_destroy(self, "Destroyed on request",
                    [=]() mutable { rp.deliver(self->state.visible); });
      return rp;
    },
    [=](atoms::expire) { begin_destroy(self, "Expired: its time is up"); },
    [=](atoms::extend, int64_t seconds) -> caf::result<session_record> {
      auto& s = self->state;
      if (s.record.state != phase::running && s.record.state != phase::sleeping)
        return make_error(errc::conflict, "only a running session can be extended (it is "
                                            + std::string{to_string(s.record.state)} + ")");
      auto cap = now_ms() + s.ctx.cfg->max_ttl_seconds * 1000;
      s.record.expires_at = std::min(cap, s.record.expires_at + seconds * 1000);
      if (s.timer)
        self->send(s.timer, atoms::extend::value, s.record.expires_at);
      auto rp = self->make_response_promise<session_record>();
      event_record ev;
      ev.message = "Extended; now expires at " + iso8601(s.record.expires_at);
      persist(self, ev, true, [=]() mutable { rp.deliver(self->state.visible); });
      return rp;
    },
    [=](atoms::retry, const std::string& step) {
      if (step == "destroying")
        clean_up(self);
      else
        retry(self, step);
    },
    [=](atoms::save, event_record& ev, bool transition, int attempt) {
      persist(self, std::move(ev), transition, [] {}, attempt);
    },
  };
}

} // namespace spawn
