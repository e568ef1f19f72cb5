// The WebSocket handshake checks and connection bounds (http/ws_limits.hpp).

#include "http/ws_limits.hpp"

#include <gtest/gtest.h>

using namespace spawn;

namespace {

restinio::http_request_header_t upgrade(const std::string& key, const std::string& up = "websocket",
                                        const std::string& version = "13") {
  restinio::http_request_header_t h{restinio::http_method_get(), "/ws/v1/sessions/s1"};
  h.http_major(1);
  h.http_minor(1);
  h.connection(restinio::http_connection_header_t::upgrade);
  if (!up.empty())
    h.set_field(restinio::http_field::upgrade, up);
  h.set_field(restinio::http_field::sec_websocket_key, key);
  h.set_field(restinio::http_field::sec_websocket_version, version);
  return h;
}

constexpr const char* rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";

} // namespace

TEST(ws_limits, a_sound_handshake_passes) {
  EXPECT_FALSE(check_ws_handshake(upgrade(rfc_key)));
  EXPECT_FALSE(check_ws_handshake(upgrade(rfc_key, "WebSocket")));
  EXPECT_FALSE(check_ws_handshake(upgrade(rfc_key, "h2c, websocket")));
  EXPECT_EQ(ws_accept_value(rfc_key), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="); // RFC 6455 §1.3
}

TEST(ws_limits, malformed_handshakes_are_refused) {
  for (auto key : {"", "x", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ===",
                   "!!!!!!!!!!!!!!!!!!!!!!==", "AAAA", "dGhlIHNhbXBsZSBub25jZR==",
                   "dGhlIHNhbXBsZSBub25jZQ==dGhl", "dGhlIHNhbXBsZSBub25jZQ=A"}) {
    auto r = check_ws_handshake(upgrade(key));
    ASSERT_TRUE(r) << "key '" << key << "'";
    EXPECT_EQ(r->status, 400);
  }
  for (auto up : {"h2c", "", "websocket2", "TLS/1.0"}) {
    auto r = check_ws_handshake(upgrade(rfc_key, up));
    ASSERT_TRUE(r) << "Upgrade: " << up;
    EXPECT_EQ(r->status, 400);
  }
  auto old = check_ws_handshake(upgrade(rfc_key, "websocket", "8"));
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 426);
  auto h = upgrade(rfc_key);
  h.connection(restinio::http_connection_header_t::keep_alive);
  EXPECT_TRUE(check_ws_handshake(h));
  auto h10 = upgrade(rfc_key);
  h10.http_minor(0);
  EXPECT_TRUE(check_ws_handshake(h10));
}

TEST(ws_limits, slots_are_bounded_per_client_and_in_all) {
  auto slots = std::make_shared<ws_slots>(2, 3);
  ws_refusal why;
  auto a1 = slots->acquire("a", why);
  auto a2 = slots->acquire("a", why);
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(slots->acquire("a", why));
  EXPECT_EQ(why.status, 429);
  auto b1 = slots->acquire("b", why);
  ASSERT_TRUE(b1);
  EXPECT_FALSE(slots->acquire("c", why));
  EXPECT_EQ(why.status, 503);
  EXPECT_EQ(slots->open(), 3u);
  EXPECT_EQ(slots->open("a"), 2u);
  a1.reset();
  EXPECT_EQ(slots->open("a"), 1u);
  EXPECT_TRUE(slots->acquire("c", why));
  auto copy = b1;
  b1.reset();
  EXPECT_EQ(slots->open("b"), 1u) << "a copy still holds the slot";
  copy.reset();
  EXPECT_EQ(slots->open("b"), 0u);
}
