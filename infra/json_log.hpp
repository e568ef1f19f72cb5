#pragma once

#include <memory>
#include <string>

#include <spdlog/formatter.h>

namespace spawn {

/// An spdlog formatter that writes one JSON object per line:
/// `{"time":"2026-11-23T17:00:00.000Z","level":"info","logger":"spawnd","thread":123,"msg":"..."}`.
/// The message is escaped as JSON (quotes, control characters, invalid UTF-8
/// replaced), so every line parses whatever was logged.
std::unique_ptr<spdlog::formatter> make_json_formatter();

/// One formatted line for `level`/`message` at `epoch_ms`, for tests.
std::string json_log_line(const std::string& logger, int level, const std::string& message,
                          int64_t epoch_ms);

} // namespace spawn
