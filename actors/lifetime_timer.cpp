#include "actors/lifetime_timer.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

namespace spawn {

namespace {

using self_ptr = lifetime_timer_actor::stateful_pointer<lifetime_timer_state>;

void arm(self_ptr self) {
  auto left = std::max<epoch_ms>(0, self->state.expires_at - now_ms());
  auto wait = std::chrono::milliseconds{std::min<epoch_ms>(left, 60000)};
  self->delayed_send(self, wait, atoms::timeout::value, self->state.generation);
}

} // namespace

lifetime_timer_actor::behavior_type lifetime_timer(self_ptr self, expiry_listener_actor parent,
                                                   epoch_ms expires_at) {
  self->state.parent = std::move(parent);
  self->state.expires_at = expires_at;
  arm(self);
  return {
    [=](atoms::timeout, uint64_t generation) {
      if (generation != self->state.generation)
        return; // re-armed since: stale tick
      if (now_ms() >= self->state.expires_at) {
        self->send(self->state.parent, atoms::expire::value);
        self->quit();
        return;
      }
      arm(self);
    },
    [=](atoms::extend, int64_t new_expiry) {
      self->state.expires_at = new_expiry;
      ++self->state.generation;
      arm(self);
    },
  };
}

} // namespace spawn
