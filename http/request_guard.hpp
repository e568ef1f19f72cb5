#pragma once

#include <memory>

#include <restinio/all.hpp>

#include "http/traits.hpp"

namespace spawn {

/// The request handler RESTinio calls (http_traits::request_handler_t): what
/// every request passes before any route sees it. A target whose path is not
/// cleanly encoded (a malformed percent-escape, invalid or overlong UTF-8, a
/// control character; core/path_safety.hpp) gets a 400 JSON error, and an
/// exception escaping a route becomes a 500 instead of a dropped connection.
class request_guard {
public:
  explicit request_guard(std::unique_ptr<router_t> routes) : routes_(std::move(routes)) {
  }

  restinio::request_handling_status_t operator()(restinio::request_handle_t req) const;

private:
  std::unique_ptr<router_t> routes_;
};

} // namespace spawn
