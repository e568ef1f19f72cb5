// The pipeline of a session: acquire a container and generate the app in
// parallel, deploy, run; failed steps are retried with backoff, then fail.
#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/generation_worker.hpp"
#include "actors/lifetime_timer.hpp"
#include "actors/provisioner.hpp"
#include "actors/session_generation.hpp"
#include "actors/session_steps.hpp"
#include "core/error.hpp"
#include "infra/app_slot.hpp"
#include "infra/source_builder.hpp"

namespace spawn::session_steps {

bool winding_down(session_self self) {
  auto s = self->state.record.state;
  return s == phase::failed || s == phase::destroying || s == phase::destroyed;
}

void ensure_children(session_self self) {
  auto& st = self->state;
  if (!st.provisioner)
    st.provisioner = self->spawn<caf::monitored>(provisioner, st.ctx, st.record.id);
  if (!st.generator) {
    // Uploaded code is built, not generated (issue 18).
    std::shared_ptr<generator> backend = st.ctx.gen;
    if (st.ctx.builder && !upload_source_of(st.record).empty())
      backend = st.ctx.builder;
    st.generator = self->spawn<caf::monitored>(generation_worker, backend, st.ctx.llm);
  }
}

/// Stops the children; a provisioner still acquiring a container is kept, so
/// that container reaches this session and is removed instead of leaking.
/// Stops `child` (no down message follows) and forgets its handle.
template <class Handle>
static void stop_child(session_self self, Handle& child) {
  if (child) {
    self->demonitor(child.address());
    self->send_exit(child, caf::exit_reason::user_shutdown);
    child = Handle{};
  }
}

void stop_children(session_self self) {
  auto& st = self->state;
  auto stop = [&](auto& child) { stop_child(self, child); };
  if (!pending(self, session_step::provisioning))
    stop(st.provisioner);
  stop(st.generator);
  stop(st.timer);
  stop(st.edge);
}

/// Running: the provisioner and the generation worker have nothing to do
/// until a redeploy or a turn, which spawn them again (ensure_children). A
/// live session keeps two actors fewer.
static void release_idle_children(session_self self) {
  auto& st = self->state;
  if (!pending(self, session_step::provisioning) && !pending(self, session_step::deploying)
      && !pending(self, session_step::turn))
    stop_child(self, st.provisioner);
  if (!pending(self, session_step::generation))
    stop_child(self, st.generator);
}

void maybe_advance(session_self self) {
  auto& st = self->state;
  if (st.record.state == phase::provisioning && st.lease)
    advance(self, session_event::provisioned,
            st.app ? "Container ready; the app is already generated" : "Container ready; generating the app");
  if (st.record.state == phase::generating && st.app)
    advance(self, session_event::generated, "Deploying the app into its container");
  auto deploying = pending(self, session_step::deploying);
  if (st.record.state == phase::deploying && st.app && st.lease && !deploying)
    request_deploy(self);
  if ((st.record.state == phase::running || st.record.state == phase::sleeping)
      && st.mode == session_mode::repairing && st.app && st.lease && !deploying)
    request_deploy(self);
}


/// The acquisition ended while the session is being destroyed: the
/// destruction finishes once its own removal is done.
static void acquisition_ended(session_self self) {
  if (self->state.teardown == teardown_phase::awaiting_lease)
    finish_destroy(self);
}

static void on_lease(session_self self, container_lease lease) {
  auto& st = self->state;
  if (winding_down(self)) {
    // Arrived after a destroy: remove it, then let the destruction finish.
    auto runtime = st.ctx.runtime;
    auto done = [=] { acquisition_ended(self); };
    blocking_call(self, self->state.ctx.io, std::chrono::seconds{30}, [runtime, lease]() -> caf::expected<bool> {
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
  accounting::on_container(self, true);
  maybe_advance(self);
}

void request_acquire(session_self self) {
  auto& st = self->state;
  ensure_children(self);
  call_child<container_lease>(
    self, session_step::provisioning, st.provisioner, ms(st.ctx.cfg->phase_timeout_ms),
    [=](container_lease& lease) { on_lease(self, std::move(lease)); },
    [=](const caf::error& err) {
      if (self->state.teardown == teardown_phase::awaiting_lease)
        finish_destroy(self);
      else
        child_failed(self, session_step::provisioning, err);
    },
    atoms::acquire::value, st.record.tier);
}

static void on_app(session_self self, generated_app app) {
  auto& st = self->state;
  accounting::generation_done(self, winding_down(self) ? "" : "ok");
  if (winding_down(self))
    return;
  if (auto err = validate_app(app)) {
    child_failed(self, session_step::generation, err);
    return;
  }
  auto worker = st.ctx.stores.for_key(st.record.id);
  self->request(worker, std::chrono::seconds{30}, atoms::artifact::value, st.record.id, 1, app,
                generation_cache_key(self, app))
    .then([](bool) {},
          [=](caf::error& err) {
            emit(self, "warn", "The generated files could not be stored: " + message_of(err));
          });
  auto by = app.backend.empty() ? st.ctx.gen->name() : app.backend;
  emit(self, "info",
       "Generated \"" + app.title + "\" "
         + (by == "template" ? "from the " + app.template_name + " template " : std::string{})
         + "(" + std::to_string(app.files.size()) + " files) by the " + by + " backend"
         + (app.model.empty() ? std::string{} : " (" + app.model + ")"));
  st.app = std::move(app);
  maybe_advance(self);
}

generation_hooks generation_hooks_of(session_self self) {
  generation_hooks h;
  h.emit = [self](std::string level, std::string msg) { emit(self, std::move(level), std::move(msg)); };
  h.fail = [self](std::string reason) { fail(self, std::move(reason)); };
  h.failed = [self](const caf::error& err) {
    accounting::generation_done(self, "failed");
    child_failed(self, session_step::generation, err);
  };
  h.done = [self](generated_app app) { on_app(self, std::move(app)); };
  h.ensure_children = [self] { ensure_children(self); };
  return h;
}

/// Budgets, the prompt cache and the worker: actors/session_generation.cpp.
void request_generate(session_self self) {
  if (!accounting::may_generate(self, [self] { request_generate(self); }))
    return; // waits in the node's generation queue
  start_generation(self, generation_hooks_of(self));
}

void arm_timer(session_self self) {
  auto& st = self->state;
  if (st.timer)
    self->send_exit(st.timer, caf::exit_reason::user_shutdown);
  st.timer = self->spawn<caf::monitored>(lifetime_timer,
                                         caf::actor_cast<expiry_listener_actor>(self),
                                         st.record.expires_at);
}

static void on_deployed(session_self self, std::string url) {
  auto& st = self->state;
  if (winding_down(self))
    return;
  if (st.mode == session_mode::repairing) {
    repaired(self, std::move(url));
    return;
  }
  if (st.ctx.edge) {
    route_then_run(self);
    return;
  }
  running_at(self, std::move(url));
}

void running_at(session_self self, std::string url) {
  auto& st = self->state;
  if (winding_down(self) || st.record.state != phase::deploying)
    return;
  st.record.app_url = url;
  st.record.started_at = now_ms();
  auto took = st.record.started_at - st.pipeline_started;
  accounting::on_running(self, took);
  advance(self, session_event::deployed,
          "Running at " + url + " (ready " + std::to_string(took) + " ms after the request)");
  release_idle_children(self);
  arm_timer(self);
  arm_health(self);
  check_first_version(self);
}

void request_deploy(session_self self) {
  auto& st = self->state;
  ensure_children(self);
  auto timeout = ms(st.ctx.cfg->app_ready_timeout_ms + 15000);
  call_child<std::string>(
    self, session_step::deploying, st.provisioner, timeout,
    [=](std::string& url) { on_deployed(self, std::move(url)); },
    [=](const caf::error& err) { child_failed(self, session_step::deploying, err); },
    atoms::deploy::value, *st.app, st.record.type, *st.lease);
}

void fail(session_self self, std::string reason) {
  auto& st = self->state;
  st.record.failure_reason = reason;
  accounting::on_failure(self, std::string{to_string(st.record.state)});
  spdlog::warn("session {} failed: {}", st.record.id, reason);
  advance(self, session_event::fail, "Failed: " + reason);
  begin_destroy(self, "Cleaning up after the failure");
}

void retry(session_self self, session_step step) {
  auto& st = self->state;
  if (winding_down(self))
    return;
  if (step == session_step::provisioning) {
    request_acquire(self);
  } else if (step == session_step::generation) {
    request_generate(self);
  } else if (step == session_step::edge) {
    route_then_run(self);
  } else if (step == session_step::deploying) {
    // The container may be the problem: deploy into a fresh one.
    if (st.lease) {
      auto runtime = st.ctx.runtime;
      auto old = *st.lease;
      blocking_call(self, self->state.ctx.io, std::chrono::seconds{30}, [runtime, old]() -> caf::expected<bool> {
        runtime->remove(old.container.id);
        remove_slot(old.slot_dir);
        return true;
      }).then([](bool) {}, [](caf::error&) {});
      st.lease.reset();
    }
    request_acquire(self);
  }
}

void child_failed(session_self self, session_step step, const caf::error& err) {
  auto& st = self->state;
  if (winding_down(self))
    return;
  auto name = std::string{to_string(step)};
  // A dependency that is away (the Docker engine restarting, say) is waited
  // for longer than a step that failed on its own: up to a phase timeout.
  if (code_of(err) == errc::unavailable) {
    auto waited = ++st.waits[step];
    auto delay = std::min<int64_t>(5000, st.ctx.cfg->retry_backoff_ms << std::min(waited, 4));
    if (int64_t{waited} * delay < st.ctx.cfg->phase_timeout_ms) {
      emit(self, "warn", name + " is waiting: " + message_of(err) + "; trying again in "
                           + std::to_string(delay) + " ms");
      self->delayed_send(self, ms(delay), atoms::retry::value, step);
      return;
    }
  }
  auto n = ++st.attempts[step];
  auto max = st.ctx.cfg->max_attempts;
  if (n >= max) {
    fail(self, name + " failed after " + std::to_string(n) + " attempts: " + message_of(err));
    return;
  }
  auto delay = st.ctx.cfg->retry_backoff_ms << (n - 1);
  emit(self, "warn",
       name + " failed (" + message_of(err) + "); retry " + std::to_string(n + 1) + " of "
         + std::to_string(max) + " in " + std::to_string(delay) + " ms");
  self->delayed_send(self, ms(delay), atoms::retry::value, step);
}

void begin(session_self self) {
  auto& st = self->state;
  st.pipeline_started = now_ms();
  advance(self, session_event::start, "Provisioning a container and generating the app");
  request_acquire(self);
  request_generate(self);
}

} // namespace spawn::session_steps
