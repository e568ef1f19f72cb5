#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/make_message.hpp>

namespace spawn {

/// The project's error codes. Adapters turn exceptions into these values.
enum class errc : uint8_t {
  none = 0,
  invalid_input,     ///< a caller sent something malformed
  not_found,         ///< the thing asked for does not exist
  conflict,          ///< illegal state transition or duplicate
  unavailable,       ///< a dependency (database, docker) is down
  timeout,           ///< work did not finish in its time
  io_error,          ///< a transport failed (socket, file)
  generation_failed, ///< a generator produced no usable app
  runtime_failed,    ///< the container runtime refused or the app never answered
  internal,          ///< a bug: an exception that escaped an adapter
  unauthorized,      ///< a credential is missing
  forbidden,         ///< a credential is wrong
  rate_limited,      ///< too many requests or sessions; try later
  budget_exceeded,   ///< a token budget (session or owner) is spent: no retry
  fenced,            ///< this node (incarnation) no longer owns the session
};

/// Category atom under which `errc` values travel inside `caf::error`.
constexpr caf::atom_value errc_category = caf::atom("spawn");

std::string to_string(errc x);

/// Builds a `caf::error` of the project category carrying a human message.
caf::error make_error(errc code, std::string message);

/// An error that tells the caller when to try again (HTTP `Retry-After`).
caf::error make_error(errc code, std::string message, int64_t retry_after_seconds);

/// The retry delay carried by `err`, or -1 when it carries none.
int64_t retry_after_of(const caf::error& err);

/// Overload that lets `caf::expected<T>` be built from a bare code.
caf::error make_error(errc code);

/// Returns the project code of `err`, or `errc::internal` for a foreign error.
errc code_of(const caf::error& err);

/// Returns the human message carried by `err` (or CAF's rendering of it).
std::string message_of(const caf::error& err);

} // namespace spawn
