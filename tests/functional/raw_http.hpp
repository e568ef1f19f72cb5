// Raw HTTP/1.1 on a socket, for tests that send what no HTTP library would:
// pipelined requests, paths kept as they are, broken framing.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace spawn::test {

/// One response read off a raw connection.
struct raw_response {
  int status = 0;
  std::map<std::string, std::string> headers; ///< names lower-cased
  std::string body;
};

/// Splits `bytes` (everything a server sent on one connection) into its
/// responses, bodies by Content-Length (or chunked). Stops at the first
/// incomplete or unparsable one; `rest` (when given) gets what was left.
std::vector<raw_response> parse_responses(const std::string& bytes, std::string* rest = nullptr);

/// Sends `request` on a new connection to 127.0.0.1:`port` and parses what
/// comes back until the server closes or `timeout` passes.
std::vector<raw_response> raw_exchange(int port, const std::string& request,
                                       std::chrono::milliseconds timeout);

/// "GET <target> HTTP/1.1" with Host and `Connection: close`, plus `extra`
/// header lines (each ending in CRLF).
std::string raw_get(const std::string& target, const std::string& extra = {});

/// Resident and peak resident memory of process `pid` in KiB (VmRSS, VmHWM
/// of /proc/<pid>/status); 0 when unknown.
long rss_kib(int pid);
long peak_rss_kib(int pid);

} // namespace spawn::test
