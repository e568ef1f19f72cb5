#pragma once

#include <functional>
#include <string_view>

#include <caf/expected.hpp>

#include "infra/http_client.hpp"

namespace spawn {

/// Timeouts of a streamed request, in milliseconds.
struct stream_timeouts {
  long connect_ms = 5000;
  long total_ms = 300000; ///< the whole exchange
  long idle_ms = 60000;   ///< longest silence between two chunks of the body
};

/// Receives the body of a 2xx response chunk by chunk as it arrives; returns
/// false to stop the transfer (the call then fails with `errc::io_error`
/// "stopped by the receiver", and the receiver knows why).
using chunk_handler = std::function<bool(std::string_view chunk)>;

/// Performs `req` (its own timeouts ignored: `t` applies) and streams a 2xx
/// body to `on_chunk`; a non-2xx body is collected in the response instead
/// (it is an error document, at most 64 KiB kept). Any HTTP status is a
/// response; transport failures are errors: `errc::timeout` for the connect,
/// total or idle timeout (the message says which), `errc::io_error`
/// otherwise. Blocking; thread-safe.
caf::expected<http_response> perform_stream(const http_request& req, const stream_timeouts& t,
                                            const chunk_handler& on_chunk);

} // namespace spawn
