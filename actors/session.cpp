#include "actors/session.hpp"

#include <algorithm>
#include <cmath>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/session_generation.hpp"
#include "actors/session_steps.hpp"
#include "core/error.hpp"

namespace spawn {

using namespace session_steps;

namespace {

/// A monitored actor went down: a subscriber, or a child. A crashed child
/// fails its outstanding call once (its request's error, if it comes too, is
/// dropped by the call's number).
void on_down(session_self self, const caf::down_msg& msg) {
  auto& st = self->state;
  auto& subs = st.subscribers;
  auto sub = std::find_if(subs.begin(), subs.end(),
                          [&](const event_sink_actor& a) { return a.address() == msg.source; });
  if (sub != subs.end()) {
    subs.erase(sub);
    return;
  }
  auto crashed = msg.reason && msg.reason != caf::exit_reason::user_shutdown;
  auto is = [&](const auto& child) { return child && child.address() == msg.source; };
  if (is(st.edge)) {
    edge_down(self, crashed);
    return;
  }
  if (is(st.timer)) {
    st.timer = lifetime_timer_actor{};
    if (crashed && !winding_down(self))
      arm_timer(self);
    return;
  }
  const char* which = is(st.provisioner) ? "provisioner"
                      : is(st.generator) ? "generation worker"
                                         : nullptr;
  if (!which)
    return;
  if (is(st.provisioner))
    st.provisioner = provisioner_actor{};
  else
    st.generator = generation_worker_actor{};
  if (!crashed)
    return;
  spdlog::warn("session {}: its {} crashed ({})", st.record.id, which,
               caf::to_string(msg.reason));
  fail_calls_of(self, msg.source, msg.reason);
}

caf::result<session_record> extend(session_self self, int64_t seconds) {
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
}

void subscribe(session_self self, const event_sink_actor& sub) {
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
}

} // namespace

session_actor_type::behavior_type session_actor(session_self self, node_context ctx,
                                                session_record record, bool adopted) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.record = std::move(record);
  st.visible = st.record;
  accounting::on_start(self);
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
    st.settled = true;
    self->send(self, atoms::start::value);
  }
  return {
    [=](atoms::start) { begin(self); },
    [=](atoms::get) -> caf::result<session_record> { return self->state.visible; },
    [=](atoms::subscribe, const event_sink_actor& sub) { subscribe(self, sub); },
    [=](atoms::destroy) -> caf::result<session_record> {
      auto rp = self->make_response_promise<session_record>();
      begin_destroy(self, "Destroyed on request",
                    [=]() mutable { rp.deliver(self->state.visible); });
      return rp;
    },
    [=](atoms::health) { check_health(self); },
    [=](atoms::adopt) -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      await_settled(self, rp);
      return rp;
    },
    [=](atoms::extend, int64_t seconds) { return extend(self, seconds); },
    [=](atoms::retry, session_step step) {
      if (step == session_step::destroying)
        clean_up(self);
      else
        retry(self, step);
    },
    [=](atoms::wake) -> caf::result<int64_t> { return wake(self); },
    [=](atoms::reroute) { reroute(self); },
    [=](atoms::flush) {
      if (self->state.write == write_phase::backing_off)
        write_next(self);
    },
    // accounting and the admin API (actors/session_accounting.hpp)
    [=](atoms::introspect) -> caf::result<std::string> { return accounting::describe(self); },
    [=](atoms::accrue, uint64_t gen) { accounting::accrue(self, gen); },
    // from the generation worker
    [=](atoms::progress, const std::string& step) {
      on_generation_progress(self, step, generation_hooks_of(self));
    },
    [=](atoms::usage, const token_usage& u) {
      on_generation_usage(self, u, generation_hooks_of(self));
    },
    // from the generation queue
    [=](atoms::gengrant) { accounting::on_granted(self); },
    [=](atoms::genqueued, int position) { accounting::on_queue_moved(self, position); },
    // from the lifetime timer and the edge
    [=](atoms::expire) { begin_destroy(self, "Expired: its time is up"); },
    [=](atoms::asleep, int64_t idle_seconds) { went_idle(self, idle_seconds); },
    // turns and versions (issue 15, actors/session_turns.cpp)
    [=](atoms::say, std::string& prompt) { return say(self, std::move(prompt)); },
    [=](atoms::rollback, int version) { return roll_back(self, version); },
    [=](atoms::upload, std::string& source) { return deploy_upload(self, std::move(source)); },
    [=](atoms::olddrain, container_lease& old) { drained(self, std::move(old)); },
    [=](atoms::domadd, std::string& domain) { return attach_domain(self, std::move(domain)); },
    [=](atoms::domrm, std::string& domain) { return detach_domain(self, std::move(domain)); },
  };
}

} // namespace spawn
