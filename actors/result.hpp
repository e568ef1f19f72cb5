#pragma once

#include <utility>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/result.hpp>

namespace spawn {

/// An adapter's `expected<T>` as a handler's result: the value, or the error
/// as the error answer.
template <class T>
caf::result<T> to_result(caf::expected<T> x) {
  if (x)
    return std::move(*x);
  return std::move(x.error());
}

/// An adapter's `error` (none: success) as a handler's `bool` result.
inline caf::result<bool> done(caf::error err) {
  if (err)
    return err;
  return true;
}

} // namespace spawn
