#include "core/sse.hpp"

#include <random>
#include <vector>

#include <gtest/gtest.h>

using namespace spawn;

namespace {

std::vector<sse_event> parse_all(std::string_view body, size_t chunk) {
  std::vector<sse_event> out;
  sse_parser p{[&](const sse_event& e) { out.push_back(e); }};
  for (size_t i = 0; i < body.size(); i += chunk)
    EXPECT_TRUE(p.feed(body.substr(i, chunk)));
  return out;
}

} // namespace

TEST(sse_test, anthropic_stream_in_any_chunking) {
  std::string body =
    "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n"
    ": keep-alive\n\n"
    "event: content_block_delta\ndata: {\"delta\":{\"text\":\"Hi\"}}\n\n"
    "event: ping\ndata: {}\n\n"
    "data: line one\ndata: line two\nid: 7\n\n";
  for (size_t chunk : {1u, 2u, 3u, 7u, 1000u}) {
    auto evs = parse_all(body, chunk);
    ASSERT_EQ(evs.size(), 4u) << "chunk " << chunk;
    EXPECT_EQ(evs[0].event, "message_start");
    EXPECT_EQ(evs[0].data, "{\"type\":\"message_start\"}");
    EXPECT_EQ(evs[1].event, "content_block_delta");
    EXPECT_EQ(evs[2].event, "ping");
    EXPECT_EQ(evs[3].event, "message");
    EXPECT_EQ(evs[3].data, "line one\nline two");
    EXPECT_EQ(evs[3].id, "7");
  }
}

TEST(sse_test, cut_stream_is_mid_event) {
  sse_parser p{[](const sse_event&) {}};
  EXPECT_TRUE(p.feed("data: {\"a\":1}\n\ndata: {\"b\""));
  EXPECT_EQ(p.events(), 1u);
  EXPECT_TRUE(p.mid_event());
  sse_parser q{[](const sse_event&) {}};
  EXPECT_TRUE(q.feed("data: x\n\n"));
  EXPECT_FALSE(q.mid_event());
}

TEST(sse_test, garbage_and_huge_lines_fail) {
  sse_parser p{[](const sse_event&) {}, 64};
  EXPECT_FALSE(p.feed(std::string(100, 'x')));
  EXPECT_FALSE(p.feed("data: ok\n\n")); // stays failed
  sse_parser q{[](const sse_event&) {}};
  EXPECT_FALSE(q.feed(std::string("data: a\0b\n\n", 11)));
}

TEST(sse_test, random_bytes_never_crash) {
  std::mt19937 rng{42};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    auto n = rng() % 300;
    for (size_t i = 0; i < n; ++i) {
      static const char alphabet[] = "data: event:id\r\n:{}x";
      s += (rng() % 4 == 0) ? static_cast<char>(rng() % 256) : alphabet[rng() % 20];
    }
    size_t count = 0;
    sse_parser p{[&](const sse_event&) { ++count; }, 128};
    p.feed(s);
    EXPECT_EQ(count, p.events());
  }
}
