#pragma once

#include <restinio/all.hpp>
#include <restinio/websocket/websocket.hpp>

#include "http/screened_socket.hpp"

namespace spawn {

using router_t = restinio::router::express_router_t<>;
class request_guard; // http/request_guard.hpp

/// RESTinio traits of spawnd: a thread pool (responses may be completed from
/// actor threads; the default strand serialises them per connection), the
/// express router behind the request guard, and sockets that answer framing
/// errors RESTinio would close silently (http/screened_socket.hpp).
struct http_traits : public restinio::default_traits_t {
  using request_handler_t = request_guard;
  using stream_socket_t = screened_socket;
};

namespace rws = restinio::websocket::basic;

} // namespace spawn
