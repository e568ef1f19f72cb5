// The session's calls to its children: one outstanding call per step, each
// handled once, whether it answers, fails, times out or its child crashes.
#include <caf/all.hpp>

#include "actors/session_steps.hpp"

namespace spawn::session_steps {

bool pending(session_self self, session_step step) {
  return self->state.calls.count(step) > 0;
}

bool take_call(session_self self, session_step step, uint64_t id) {
  auto& calls = self->state.calls;
  auto i = calls.find(step);
  if (i == calls.end() || i->second.id != id)
    return false;
  calls.erase(i);
  return true;
}

uint64_t open_call(session_self self, session_step step, const caf::actor_addr& child,
                   std::function<void(const caf::error&)> on_crash) {
  auto& st = self->state;
  auto id = ++st.last_call;
  st.calls[step] = pending_call{id, child, now_ms(), std::move(on_crash)};
  return id;
}

bool fail_calls_of(session_self self, const caf::actor_addr& child, const caf::error& reason) {
  std::vector<std::function<void(const caf::error&)>> crashed;
  auto& calls = self->state.calls;
  for (auto i = calls.begin(); i != calls.end();) {
    if (i->second.child == child) {
      crashed.push_back(std::move(i->second.on_crash));
      i = calls.erase(i);
    } else {
      ++i;
    }
  }
  // Handlers may open new calls: they run once the table is consistent.
  for (auto& f : crashed)
    if (f)
      f(reason);
  return !crashed.empty();
}

} // namespace spawn::session_steps
