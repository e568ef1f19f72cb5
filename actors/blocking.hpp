#pragma once

#include <exception>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/atoms.hpp"
#include "core/error.hpp"

namespace spawn {

/// Runs `fn` (blocking I/O: libcurl, files, processes) on a detached actor of
/// its own thread, never on a scheduler thread, and returns the handle of a
/// request whose result is `fn`'s `caf::expected<T>`. The caller must attach
/// `.then(ok, err)`; the worker quits after one call. An exception escaping
/// `fn` (an adapter's bug, a library's surprise) becomes an `errc::internal`
/// error for the caller, which retries the step like any other failure.
template <class Self, class F>
auto blocking_call(Self* self, caf::timespan timeout, F fn) {
  auto worker = self->template spawn<caf::detached>(
    [fn = std::move(fn)](caf::event_based_actor* w) mutable -> caf::behavior {
      return {[w, fn](atoms::run) mutable {
        using result_type = decltype(fn());
        w->quit();
        try {
          return fn();
        } catch (const std::exception& e) {
          return result_type{
            make_error(errc::internal, std::string{"an adapter threw: "} + e.what())};
        } catch (...) {
          return result_type{make_error(errc::internal, "an adapter threw an unknown exception")};
        }
      }};
    });
  return self->request(worker, timeout, atoms::run::value);
}

} // namespace spawn
