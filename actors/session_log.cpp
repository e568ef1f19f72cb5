// The session's log: persist a step, then make it visible and announce it.
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.hpp"
#include "actors/session_steps.hpp"
#include "core/error.hpp"

namespace spawn::session_steps {

// --- persistence and announcements -------------------------------------------

static void announce(session_self self, const session_record& snapshot, const event_record& ev) {
  for (auto& sub : self->state.subscribers)
    self->send(sub, atoms::event::value, snapshot, ev);
}

void persist(session_self self, event_record ev, bool transition, step_fn then) {
  auto& st = self->state;
  ev.session_id = st.record.id;
  ev.phase = std::string{to_string(st.record.state)};
  st.writes.push_back(pending_write{st.record, std::move(ev), transition, std::move(then)});
  if (st.write == write_phase::idle)
    write_next(self);
}

void write_next(session_self self) {
  auto& st = self->state;
  if (st.writes.empty()) {
    st.write = write_phase::idle;
    return;
  }
  st.write = write_phase::writing;
  auto& head = st.writes.front();
  auto worker = st.ctx.stores.for_key(st.record.id);
  auto on_saved = [=](event_record& saved) {
    auto& s = self->state;
    auto done = std::move(s.writes.front());
    s.writes.pop_front();
    s.write_attempt = 0;
    s.write = write_phase::idle;
    s.visible = done.snapshot;
    s.events.push_back(saved);
    announce(self, done.snapshot, saved);
    if (done.then)
      done.then(); // may queue more writes, or quit the actor
    if (self->state.write == write_phase::idle && !self->state.writes.empty())
      write_next(self);
  };
  auto on_error = [=](caf::error& err) {
    auto& s = self->state;
    if (code_of(err) == errc::fenced) {
      // Another incarnation owns the session now (this node was declared dead
      // and came back, or handed it over): stop without acting for it. Its
      // container is the new owner's to keep (adopted) or the reaper's.
      spdlog::warn("session {}: {}; this actor stops", s.record.id, message_of(err));
      s.writes.clear();
      stop_children(self);
      self->quit(make_error(errc::fenced, message_of(err)));
      return;
    }
    auto attempt = s.write_attempt++;
    auto delay = std::min<int64_t>(5000, 200LL << std::min(attempt, 5));
    spdlog::warn("session {}: cannot persist '{}' ({}); retrying in {} ms", s.record.id,
                 s.writes.front().event.message, message_of(err), delay);
    s.write = write_phase::backing_off;
    self->delayed_send(self, ms(delay), atoms::flush::value);
  };
  if (head.transition)
    self->request(worker, std::chrono::seconds{30}, atoms::save::value, head.snapshot, head.event)
      .then(on_saved, on_error);
  else
    self->request(worker, std::chrono::seconds{30}, atoms::append::value, head.event,
                  session_owner{head.snapshot.node_id, head.snapshot.owner_epoch})
      .then(on_saved, on_error);
}

void emit(session_self self, std::string level, std::string message) {
  event_record ev;
  ev.level = std::move(level);
  ev.message = std::move(message);
  persist(self, std::move(ev), false, [] {});
}

/// Applies `e` to the state machine; an illegal transition is logged, not applied.
bool advance(session_self self, session_event e, std::string message, step_fn then) {
  auto& rec = self->state.record;
  auto next = transition(rec.state, e);
  if (!next) {
    spdlog::warn("session {}: illegal transition {} + {} ignored", rec.id, to_string(rec.state),
                 to_string(e));
    return false;
  }
  if (*next == rec.state)
    return false; // destroy of a destroying/destroyed session: nothing to do
  accounting::on_transition(self, rec.state, *next);
  rec.state = *next;
  rec.message = message;
  event_record ev;
  ev.level = (*next == phase::failed) ? "error" : "info";
  ev.message = std::move(message);
  persist(self, std::move(ev), true, std::move(then));
  return true;
}


} // namespace spawn::session_steps
