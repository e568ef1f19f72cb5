// The session's log: persist a step, then make it visible and announce it.
#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.hpp"
#include "actors/blocking.hpp"
#include "actors/session_steps.hpp"
#include "core/error.hpp"

namespace spawn::session_steps {

// --- persistence and announcements -------------------------------------------

static void announce(session_self self, const session_record& snapshot, const event_record& ev) {
  for (auto& sub : self->state.subscribers)
    self->send(sub, atoms::event::value, snapshot, ev);
}

/// Persists `ev` (with the record as it is now) and, once stored, makes it
/// visible and announces it; then runs `then`. A failed write is retried with
/// backoff: nothing is announced that is not stored.
void persist(session_self self, event_record ev, bool transition, step_fn then, int attempt) {
  auto& st = self->state;
  ev.session_id = st.record.id;
  ev.phase = std::string{to_string(st.record.state)};
  auto snapshot = st.record;
  auto worker = st.ctx.stores.for_key(st.record.id);
  auto on_saved = [=](event_record& saved) mutable {
    self->state.visible = snapshot;
    self->state.events.push_back(saved);
    announce(self, snapshot, saved);
    if (then)
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
