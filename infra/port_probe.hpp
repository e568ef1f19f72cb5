#pragma once

#include <string>

namespace spawn {

/// What a TCP connect to a peer's port says about its process.
enum class port_answer {
  listening, ///< the connect succeeded: something listens there
  refused,   ///< the host answered with a reset: nothing listens (the process is gone)
  silent,    ///< no answer within the timeout, or no route: the host may be cut off
};

/// Connects to `host:port` (IPv4 or IPv6 literal, or a name) within
/// `timeout_ms` and closes at once. Blocking: call it from a blocking pool.
port_answer probe_port(const std::string& host, int port, int timeout_ms);

const char* to_string(port_answer a);

} // namespace spawn
