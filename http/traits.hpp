#pragma once

#include <restinio/all.hpp>
#include <restinio/websocket/websocket.hpp>

namespace spawn {

using router_t = restinio::router::express_router_t<>;

/// RESTinio traits of spawnd: a thread pool (responses may be completed from
/// actor threads; the default strand serialises them per connection) and the
/// express router.
struct http_traits : public restinio::default_traits_t {
  using request_handler_t = router_t;
};

namespace rws = restinio::websocket::basic;

} // namespace spawn
