#include "infra/json_log.hpp"

#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>

#include "core/session.hpp"

namespace spawn {

namespace {

std::string line_of(const std::string& logger, spdlog::level::level_enum level,
                    const std::string& message, int64_t at_ms, size_t thread) {
  nlohmann::json j{{"time", iso8601(at_ms)},
                   {"level", std::string{spdlog::level::to_string_view(level).data(),
                                         spdlog::level::to_string_view(level).size()}},
                   {"logger", logger},
                   {"thread", thread},
                   {"msg", message}};
  // Invalid UTF-8 becomes U+FFFD instead of an exception.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

class json_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto at = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch())
                .count();
    auto line = line_of(std::string{msg.logger_name.data(), msg.logger_name.size()}, msg.level,
                        std::string{msg.payload.data(), msg.payload.size()}, at, msg.thread_id);
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

} // namespace

std::unique_ptr<spdlog::formatter> make_json_formatter() {
  return std::make_unique<json_formatter>();
}

std::string json_log_line(const std::string& logger, int level, const std::string& message,
                          int64_t epoch_ms) {
  return line_of(logger, static_cast<spdlog::level::level_enum>(level), message, epoch_ms, 0);
}

} // namespace spawn
