#pragma once

#include <chrono>
#include <utility>

#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

namespace spawn {

/// Asks `dest` and answers the current request with whatever comes back: the
/// `T` result or the error. For handlers that only route a question on.
template <class T, class Self, class Handle, class... Ts>
caf::result<T> relay(Self* self, const Handle& dest, Ts&&... xs) {
  auto rp = self->template make_response_promise<T>();
  self->request(dest, std::chrono::seconds{30}, std::forward<Ts>(xs)...)
    .then([rp](T& x) mutable { rp.deliver(std::move(x)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace spawn
