#include "http/request_guard.hpp"

#include <spdlog/spdlog.h>

#include "core/path_safety.hpp"
#include "http/reply.hpp"

namespace spawn {

restinio::request_handling_status_t
request_guard::operator()(restinio::request_handle_t req) const {
  path_problem problem = path_problem::none;
  if (!decode_path(req->header().path(), &problem)) {
    reply_error(req, restinio::status_bad_request(), "invalid_input", describe(problem));
    return restinio::request_accepted();
  }
  try {
    return (*routes_)(req);
  } catch (const std::exception& e) {
    spdlog::error("HTTP {} {}: a route threw: {}",
                  req->header().method().c_str(),
                  std::string{req->header().path()}.substr(0, 200), e.what());
    try {
      reply_error(req, restinio::status_internal_server_error(), "internal",
                  "the request could not be handled");
    } catch (const std::exception&) {
      // Already answered, or the connection is gone.
    }
    return restinio::request_accepted();
  }
}

} // namespace spawn
