#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <restinio/all.hpp>

#include "core/error.hpp"
#include "http/bridges.hpp"

namespace spawn {

/// Sends `body` as JSON with `status`; callable from any thread.
void reply_json(const restinio::request_handle_t& req, restinio::http_status_line_t status,
                const std::string& body);

/// Sends a JSON error `{"error": {code, message}}` with `status`. Rate limits
/// and unavailability carry `Retry-After: retry_after` (5 s when negative).
void reply_error(const restinio::request_handle_t& req, restinio::http_status_line_t status,
                 const std::string& code, const std::string& message,
                 int64_t retry_after = -1);

/// Maps a project error to its HTTP status and sends it (429s and 503s carry
/// Retry-After: the error's own delay, see `retry_after_of`, or 5 s).
void reply_error(const restinio::request_handle_t& req, const caf::error& err);

/// The session id in the route's `id` parameter, or a JSON 404 already sent.
std::optional<std::string>
path_session_id(const restinio::request_handle_t& req,
                const restinio::router::route_params_t& params);

/// What `guarded` does with an exception: logs it and answers 500 (unless
/// the request was answered already or its connection is gone).
void guard_failed(const restinio::request_handle_t& req, const char* what) noexcept;

/// Runs `f()`, a continuation that completes `req`; an exception escaping it
/// (a codec refusing bad text, a handler's bug) becomes a JSON 500 instead of
/// ending the actor that runs it (a bridge serves every request).
template <class F>
void guarded(const restinio::request_handle_t& req, F&& f) noexcept {
  try {
    f();
  } catch (const std::exception& e) {
    guard_failed(req, e.what());
  } catch (...) {
    guard_failed(req, "unknown exception");
  }
}

/// Asks `dest` with `xs...` from one of `via`'s bridges and completes the
/// HTTP request from its answer: `on_ok(req, T&)` or a JSON error (503
/// `timeout` after `bridge_wait`). Never blocks the calling (RESTinio) thread.
template <class T, class Handle, class OnOk, class... Ts>
void ask(const http_bridges& via, const Handle& dest, restinio::request_handle_t req,
         OnOk on_ok, Ts... xs) {
  via.post([=](bridge_actor* self) {
    // The bridge's own deadline (bridge_expect), not one timer per request.
    auto ticket = bridge_expect(self, req);
    self->request(dest, caf::infinite, xs...)
      .then(
        [=](T& x) {
          if (bridge_settle(self, ticket))
            guarded(req, [&] { on_ok(req, x); });
        },
        [=](caf::error& err) {
          if (bridge_settle(self, ticket))
            guarded(req, [&] { reply_error(req, err); });
        });
  });
}

/// The same from a short-lived actor of `sys` (routes not yet given the
/// server's bridges).
template <class T, class Handle, class OnOk, class... Ts>
void ask(caf::actor_system& sys, const Handle& dest, restinio::request_handle_t req,
         OnOk on_ok, Ts... xs) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(dest, std::chrono::seconds{35}, xs...)
      .then([=](T& x) { guarded(req, [&] { on_ok(req, x); }); },
            [=](caf::error& err) { guarded(req, [&] { reply_error(req, err); }); });
  });
}

} // namespace spawn
