#include "actors/generation_queue.hpp"
#include "core/metric_names.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "core/metrics.hpp"

namespace spawn {

namespace {

using self_ptr = generation_queue_actor::stateful_pointer<generation_queue_state>;

void publish(self_ptr self) {
  auto& q = self->state.queue;
  auto& m = metrics::global();
  m.set(metrics::names::generation_queue_length, {}, double(q.waiting().size()));
  m.set(metrics::names::generations_running, {}, double(q.running()));
}

/// Lets `id` go and tells everybody whose situation changed.
void leave(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto before = st.queue.waiting();
  auto granted = st.queue.leave(id);
  st.sessions.erase(id);
  for (auto& g : granted) {
    ++st.granted;
    auto i = st.sessions.find(g);
    if (i != st.sessions.end())
      self->send(i->second, atoms::gengrant::value);
  }
  // Waiters that moved up hear their new position.
  for (size_t old_pos = 0; old_pos < before.size(); ++old_pos) {
    auto& w = before[old_pos];
    auto pos = st.queue.position(w);
    if (pos > 0 && pos != static_cast<int>(old_pos) + 1) {
      auto i = st.sessions.find(w);
      if (i != st.sessions.end())
        self->send(i->second, atoms::genqueued::value, pos);
    }
  }
  publish(self);
}

} // namespace

generation_queue_actor::behavior_type generation_queue(self_ptr self, int slots) {
  self->state.queue = work_queue{slots < 1 ? 1 : slots};
  self->set_down_handler([=](caf::down_msg& msg) {
    std::vector<std::string> gone;
    for (auto& [id, a] : self->state.sessions)
      if (a.address() == msg.source)
        gone.push_back(id);
    for (auto& id : gone)
      leave(self, id);
  });
  publish(self);
  return {
    [=](atoms::genslot, const std::string& id, const queue_listener_actor& session) {
      auto& st = self->state;
      auto known = st.sessions.count(id) > 0;
      auto pos = st.queue.enter(id);
      if (!known) {
        st.sessions[id] = session;
        self->monitor(session);
      }
      if (pos == 0 && !known)
        ++st.granted;
      publish(self);
      return pos;
    },
    [=](atoms::genfree, const std::string& id) {
      if (self->state.sessions.count(id))
        leave(self, id);
    },
    [=](atoms::stats) {
      auto& st = self->state;
      nlohmann::json waiting = nlohmann::json::array();
      for (auto& w : st.queue.waiting())
        waiting.push_back(w);
      return nlohmann::json{{"slots", st.queue.slots()},
                            {"running", st.queue.running()},
                            {"waiting", waiting},
                            {"granted", st.granted}}
        .dump();
    },
  };
}

} // namespace spawn
