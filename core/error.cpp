#include "core/error.hpp"

#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace spawn {

std::string to_string(errc x) {
  switch (x) {
    case errc::none: return "none";
    case errc::invalid_input: return "invalid_input";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::unavailable: return "unavailable";
    case errc::timeout: return "timeout";
    case errc::io_error: return "io_error";
    case errc::generation_failed: return "generation_failed";
    case errc::runtime_failed: return "runtime_failed";
    case errc::internal: return "internal";
    case errc::unauthorized: return "unauthorized";
    case errc::forbidden: return "forbidden";
    case errc::rate_limited: return "rate_limited";
    case errc::budget_exceeded: return "budget_exceeded";
    case errc::fenced: return "fenced";
  }
  return "internal";
}

caf::error make_error(errc code, std::string message) {
  return caf::error{static_cast<uint8_t>(code), errc_category,
                    caf::make_message(std::move(message))};
}

caf::error make_error(errc code, std::string message, int64_t retry_after_seconds) {
  return caf::error{static_cast<uint8_t>(code), errc_category,
                    caf::make_message(std::move(message), retry_after_seconds)};
}

int64_t retry_after_of(const caf::error& err) {
  if (err && err.category() == errc_category
      && err.context().match_elements<std::string, int64_t>())
    return err.context().get_as<int64_t>(1);
  return -1;
}

caf::error make_error(errc code) {
  return caf::error{static_cast<uint8_t>(code), errc_category};
}

errc code_of(const caf::error& err) {
  if (!err)
    return errc::none;
  if (err.category() == errc_category)
    return static_cast<errc>(err.code());
  if (err.category() == caf::atom("system")
      && err.code() == static_cast<uint8_t>(caf::sec::request_timeout))
    return errc::timeout;
  return errc::internal;
}

std::string message_of(const caf::error& err) {
  if (!err)
    return {};
  if (err.category() == errc_category && !err.context().empty()
      && err.context().match_element<std::string>(0))
    return err.context().get_as<std::string>(0);
  return caf::to_string(err);
}

} // namespace spawn
