#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

namespace spawn {

/// One outgoing HTTP request (libcurl underneath).
struct http_request {
  std::string method = "GET";
  std::string url;                  ///< e.g. http://localhost/v1.41/containers/json
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string unix_socket;          ///< when set, connect through this socket
  long timeout_ms = 10000;
  long connect_timeout_ms = 2000;
};

struct http_response {
  long status = 0;
  std::map<std::string, std::string> headers; ///< names lower-cased
  std::string body;
};

/// Performs `req` synchronously. Any HTTP status is a response; only transport
/// failures are errors (`errc::timeout` or `errc::io_error`). Blocking: call it
/// from worker actors only. Thread-safe (one curl easy handle per call).
caf::expected<http_response> perform(const http_request& req);

} // namespace spawn
