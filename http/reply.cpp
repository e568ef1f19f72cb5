#include "http/reply.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "http/http_metrics.hpp"
#include "http/json_codec.hpp"
#include "core/tokens.hpp"

namespace spawn {

void reply_json(const restinio::request_handle_t& req, restinio::http_status_line_t status,
                const std::string& body) {
  http_finished(req, static_cast<int>(status.status_code().raw_code()));
  req->create_response(std::move(status))
    .append_header(restinio::http_field::content_type, "application/json; charset=utf-8")
    .append_header(restinio::http_field::cache_control, "no-store")
    .set_body(body)
    .done();
}

void reply_error(const restinio::request_handle_t& req, restinio::http_status_line_t status,
                 const std::string& code, const std::string& message, int64_t retry_after) {
  http_finished(req, static_cast<int>(status.status_code().raw_code()));
  auto resp = req->create_response(std::move(status));
  resp.append_header(restinio::http_field::content_type, "application/json; charset=utf-8");
  if (retry_after >= 0 || code == "unavailable" || code == "timeout" || code == "fenced" || code == "rate_limited")
    resp.append_header(restinio::http_field::retry_after,
                       std::to_string(retry_after >= 0 ? std::max<int64_t>(1, retry_after) : 5));
  resp.set_body(error_body(code, message)).done();
}

void reply_error(const restinio::request_handle_t& req, const caf::error& err) {
  auto code = code_of(err);
  auto status = [&] {
    switch (code) {
      case errc::invalid_input: return restinio::status_bad_request();
      case errc::not_found: return restinio::status_not_found();
      case errc::conflict: return restinio::status_conflict();
      case errc::unauthorized: return restinio::status_unauthorized();
      case errc::forbidden: return restinio::status_forbidden();
      case errc::rate_limited: return restinio::status_too_many_requests();
      case errc::unavailable:
      case errc::fenced: // ownership moved while asking: the next try reaches the owner
      case errc::timeout: return restinio::status_service_unavailable();
      default: return restinio::status_internal_server_error();
    }
  }();
  reply_error(req, status, to_string(code), message_of(err), retry_after_of(err));
}

void guard_failed(const restinio::request_handle_t& req, const char* what) noexcept {
  try {
    spdlog::error("HTTP {} {}: a continuation threw: {}", req->header().method().c_str(),
                  std::string{req->header().path()}.substr(0, 200), what);
    reply_error(req, restinio::status_internal_server_error(), "internal",
                "the request could not be handled");
  } catch (...) {
    // Already answered, or the connection is gone.
  }
}

std::optional<std::string>
path_session_id(const restinio::request_handle_t& req,
                const restinio::router::route_params_t& params) {
  auto id = restinio::cast_to<std::string>(params["id"]);
  if (!is_session_id(id)) {
    reply_error(req, restinio::status_not_found(), "not_found", "no session '" + id + "'");
    return std::nullopt;
  }
  return id;
}

} // namespace spawn
