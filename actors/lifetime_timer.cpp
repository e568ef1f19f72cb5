#include "actors/lifetime_timer.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>

#include "actors/atoms.hpp"

namespace spawn {

namespace {

void arm(caf::stateful_actor<lifetime_timer_state>* self) {
  auto left = std::max<epoch_ms>(0, self->state.expires_at - now_ms());
  auto wait = std::chrono::milliseconds{std::min<epoch_ms>(left, 60000)};
  self->delayed_send(self, wait, atoms::timeout::value, self->state.generation);
}

} // namespace

caf::behavior lifetime_timer(caf::stateful_actor<lifetime_timer_state>* self,
                             caf::actor parent, epoch_ms expires_at) {
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
    [=](atoms::extend, epoch_ms new_expiry) {
      self->state.expires_at = new_expiry;
      ++self->state.generation;
      arm(self);
    },
  };
}

} // namespace spawn
