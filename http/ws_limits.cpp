#include "http/ws_limits.hpp"

#include <algorithm>
#include <cctype>

#include <restinio/utils/base64.hpp>
#include <restinio/utils/sha1.hpp>

namespace spawn {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
              return std::tolower(static_cast<unsigned char>(x))
                     == std::tolower(static_cast<unsigned char>(y));
            });
}

/// True when the comma-separated header value `list` holds `token`.
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (iequals(item, token))
      return true;
    if (comma == std::string_view::npos)
      break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

/// True for the canonical base64 of 16 bytes: 22 characters, "==", and a
/// last character whose unused low 4 bits are zero.
bool is_ws_key(std::string_view key) {
  static const std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (key.size() != 24 || key.substr(22) != "==")
    return false;
  for (size_t i = 0; i < 22; ++i) {
    auto pos = alphabet.find(key[i]);
    if (pos == std::string_view::npos)
      return false;
    if (i == 21 && (pos & 0x0f) != 0)
      return false;
  }
  return true;
}

} // namespace

std::optional<ws_refusal> check_ws_handshake(const restinio::http_request_header_t& h) {
  auto field = [&](restinio::http_field_t f) { return h.get_field_or(f, std::string{}); };
  if (h.http_major() < 1 || (h.http_major() == 1 && h.http_minor() < 1))
    return ws_refusal{400, "a WebSocket upgrade needs HTTP/1.1"};
  if (!has_token(field(restinio::http_field::upgrade), "websocket"))
    return ws_refusal{400, "this path expects 'Upgrade: websocket'"};
  if (h.connection() != restinio::http_connection_header_t::upgrade)
    return ws_refusal{400, "a WebSocket upgrade needs 'Connection: Upgrade'"};
  if (!h.has_field(restinio::http_field::sec_websocket_key)
      || !is_ws_key(field(restinio::http_field::sec_websocket_key)))
    return ws_refusal{400, "'Sec-WebSocket-Key' must be the base64 of 16 bytes"};
  if (field(restinio::http_field::sec_websocket_version) != "13")
    return ws_refusal{426, "only WebSocket version 13 is supported"};
  return std::nullopt;
}

std::string ws_accept_value(std::string_view key) {
  namespace u = restinio::utils;
  auto digest = u::sha1::make_digest(std::string{key} + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  return u::base64::encode(u::sha1::to_string(digest));
}

std::shared_ptr<void> ws_slots::acquire(const std::string& client, ws_refusal& refused) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (in_use_ >= total_) {
    refused = {503, "this server holds its maximum of " + std::to_string(total_) + " WebSockets"};
    return nullptr;
  }
  auto& mine = by_client_[client];
  if (mine >= per_client_) {
    refused = {429, "at most " + std::to_string(per_client_) + " open WebSockets per client"};
    return nullptr;
  }
  ++mine;
  ++in_use_;
  // The handle owns nothing; its deleter gives the slot back.
  return std::shared_ptr<void>(static_cast<void*>(this),
                               [self = shared_from_this(), client](void*) { self->release(client); });
}

size_t ws_slots::open(const std::string& client) const {
  std::lock_guard<std::mutex> guard{mutex_};
  if (client.empty())
    return in_use_;
  auto i = by_client_.find(client);
  return i == by_client_.end() ? 0 : i->second;
}

void ws_slots::release(const std::string& client) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = by_client_.find(client);
  if (i != by_client_.end() && --i->second == 0)
    by_client_.erase(i);
  --in_use_;
}

} // namespace spawn
