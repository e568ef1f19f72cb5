#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <restinio/all.hpp>

#include "http/request_guard.hpp"
#include "http/traits.hpp"
#include "http/ws_limited_connection.hpp"

namespace spawn {

/// Why a WebSocket handshake is refused: the HTTP status and a message.
struct ws_refusal {
  int status = 400;
  std::string message;
};

/// Checks an upgrade request against RFC 6455 §4.2.1: `Upgrade: websocket`
/// (any other protocol, h2c included, is refused), `Connection: Upgrade`, a
/// `Sec-WebSocket-Key` that is the base64 of exactly 16 bytes, version 13
/// (426 otherwise), HTTP/1.1 or later. Nothing when the handshake is sound.
std::optional<ws_refusal> check_ws_handshake(const restinio::http_request_header_t& h);

/// `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + RFC 6455 GUID)).
std::string ws_accept_value(std::string_view key);

/// Bounds the open WebSockets: at most `per_client` per client address and
/// `total` in all. Thread-safe; a slot is held by the returned handle and
/// given back when the last copy of it is dropped (which may outlive the
/// server: keep the slots in a shared_ptr).
class ws_slots : public std::enable_shared_from_this<ws_slots> {
public:
  ws_slots(size_t per_client, size_t total) : per_client_(per_client), total_(total) {
  }

  /// A slot for `client`, or null with `refused` set when a bound is reached
  /// (status 429 for the client's bound, 503 for the total).
  std::shared_ptr<void> acquire(const std::string& client, ws_refusal& refused);

  /// Open WebSockets of `client` (all clients when empty).
  size_t open(const std::string& client = {}) const;

private:
  void release(const std::string& client);

  const size_t per_client_;
  const size_t total_;
  mutable std::mutex mutex_;
  std::map<std::string, size_t> by_client_;
  size_t in_use_ = 0;
};

/// `restinio::websocket::basic::upgrade` with a bound on client frames: a
/// frame announcing more than `max_frame_bytes` closes the socket with 1009
/// before its payload is allocated (http/ws_limited_connection.hpp). The
/// request must have passed `check_ws_handshake`. Activation is delayed: call
/// `activate(*ws)` once the handle is stored.
template <class Handler>
rws::ws_handle_t ws_upgrade(restinio::request_t& req, size_t max_frame_bytes, Handler handler) {
  namespace wsimpl = restinio::websocket::basic::impl;
  using connection_t = restinio::impl::connection_t<http_traits>;
  using ws_connection_t = wsimpl::limited_ws_connection_t<http_traits, Handler>;

  restinio::http_header_fields_t fields;
  fields.set_field(restinio::http_field::sec_websocket_accept,
                   ws_accept_value(req.header().get_field(restinio::http_field::sec_websocket_key)));
  fields.set_field(restinio::http_field::upgrade, "websocket");

  auto conn_ptr = std::move(restinio::impl::access_req_connection(req));
  if (!conn_ptr)
    throw restinio::exception_t{"no connection for upgrade: already moved"};
  auto& con = dynamic_cast<connection_t&>(*conn_ptr);
  auto internals = con.move_upgrade_internals();
  auto ws_connection = std::make_shared<ws_connection_t>(
    con.connection_id(), std::move(internals.m_settings), std::move(internals.m_socket),
    std::move(internals.m_lifetime_monitor), std::move(handler), max_frame_bytes);

  restinio::writable_items_container_t bufs;
  restinio::http_response_header_t head{restinio::status_switching_protocols()};
  head.swap_fields(fields);
  head.connection(restinio::http_connection_header_t::upgrade);
  bufs.emplace_back(restinio::impl::create_header_string(
    head, restinio::impl::content_length_field_presence_t::skip_content_length));
  ws_connection->write_data(restinio::write_group_t{std::move(bufs)}, false);
  return std::make_shared<rws::ws_t>(std::move(ws_connection), req.remote_endpoint());
}

} // namespace spawn
