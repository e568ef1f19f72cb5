#pragma once

#include <utility>

#include <caf/actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/atoms.hpp"

namespace spawn {

/// Runs `fn` (blocking I/O: libcurl, files, processes) on a detached actor of
/// its own thread, never on a scheduler thread, and returns the handle of a
/// request whose result is `fn`'s `caf::expected<T>`. The caller must attach
/// `.then(ok, err)`; the worker quits after one call.
template <class Self, class F>
auto blocking_call(Self* self, caf::timespan timeout, F fn) {
  auto worker = self->template spawn<caf::detached>(
    [fn = std::move(fn)](caf::event_based_actor* w) mutable -> caf::behavior {
      return {[w, fn](atoms::run) mutable {
        auto result = fn();
        w->quit();
        return result;
      }};
    });
  return self->request(worker, timeout, atoms::run::value);
}

} // namespace spawn
