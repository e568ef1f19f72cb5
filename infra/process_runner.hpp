#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace spawn {

/// One program run to completion (or to its deadline).
struct process_spec {
  std::vector<std::string> argv;
  std::vector<std::string> env;  ///< "NAME=value"; nothing else is inherited
  std::string cwd;
  int64_t timeout_ms = 60000;
  size_t max_output = 64u << 10; ///< bytes kept of stdout and of stderr (the tail)
  /// Streaming (optional): stdout and stderr share one pipe and each line
  /// (without its newline, empty ones skipped) is handed over as it comes;
  /// `out` keeps their tail, `err` stays empty.
  std::function<void(const std::string&)> on_line;
  /// Called with the child's pid, which is also its process group, once it runs.
  std::function<void(int)> on_start;
};

struct process_result {
  int exit_code = -1;            ///< 128 + signal when killed by one
  std::string out;               ///< tail of standard output
  std::string err;               ///< tail of standard error
  int64_t took_ms = 0;
};

/// Runs `spec` in its own process group with stdin closed and the outputs
/// captured. Past the deadline the whole group is killed and the call fails
/// with `errc::timeout`; a program that cannot start is `errc::io_error`.
/// Blocking: call it from a detached actor or a worker thread.
caf::expected<process_result> run_process(const process_spec& spec);

} // namespace spawn
