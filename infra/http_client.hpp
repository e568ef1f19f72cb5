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
  /// TLS with client certificates (a remote Docker engine): the CA that signs
  /// the server, and this client's certificate and key (PEM files). Empty: the
  /// system's CAs and no client certificate.
  std::string ca_file, cert_file, key_file;
  /// False: the server's certificate must chain to `ca_file` but need not
  /// name the host (a droplet's, made before its address was known).
  bool verify_host = true;
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
