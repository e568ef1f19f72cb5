#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <restinio/all.hpp>

#include "http/traits.hpp"

namespace spawn {

/// Notes that `req` matched route template `route` (e.g. "GET /api/v1/sessions/:id").
void http_started(const restinio::request_handle_t& req, std::string route);

/// Counts the answer to `req` in `spawn_http_requests_total{route,status}` and
/// its latency in `spawn_http_request_duration_seconds{route}`. Called by the
/// reply helpers; a request never started counts under route "unmatched".
void http_finished(const restinio::request_handle_t& req, int status);

/// An express router whose handlers note their route template first, so the
/// HTTP metrics are labelled by template, never by raw path (bounded labels).
class tracked_router {
public:
  tracked_router() : r_(std::make_unique<router_t>()) {
  }

  template <class H>
  void http_get(std::string path, H h) {
    registered_.push_back("GET " + path);
    r_->http_get(path, wrap("GET " + path, std::move(h)));
  }
  template <class H>
  void http_post(std::string path, H h) {
    registered_.push_back("POST " + path);
    r_->http_post(path, wrap("POST " + path, std::move(h)));
  }
  template <class H>
  void http_put(std::string path, H h) {
    registered_.push_back("PUT " + path);
    r_->http_put(path, wrap("PUT " + path, std::move(h)));
  }
  template <class H>
  void http_delete(std::string path, H h) {
    registered_.push_back("DELETE " + path);
    r_->http_delete(path, wrap("DELETE " + path, std::move(h)));
  }
  template <class H>
  void non_matched_request_handler(H h) {
    r_->non_matched_request_handler([h = std::move(h)](restinio::request_handle_t req) {
      auto method = req->header().method();
      http_started(req, method == restinio::http_method_get() || method == restinio::http_method_head()
                          ? "GET static"
                          : "unmatched");
      return h(std::move(req));
    });
  }

  /// Every route registered so far ("GET /api/v1/sessions/:id"), in order;
  /// what the OpenAPI test checks against the document.
  const std::vector<std::string>& registered() const {
    return registered_;
  }

  /// The router itself, for RESTinio.
  std::unique_ptr<router_t> take() {
    return std::move(r_);
  }

private:
  template <class H>
  static auto wrap(std::string route, H h) {
    return [route = std::move(route), h = std::move(h)](restinio::request_handle_t req,
                                                         restinio::router::route_params_t params) {
      http_started(req, route);
      return h(std::move(req), std::move(params));
    };
  }

  std::unique_ptr<router_t> r_;
  std::vector<std::string> registered_;
};

} // namespace spawn
