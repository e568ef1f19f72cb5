// What RESTinio would close silently, and the answer spawnd gives instead
// (http/framing_screen.hpp, issue 13 case 5).

#include "http/framing_screen.hpp"

#include <gtest/gtest.h>

using namespace spawn;
using namespace std::string_literals;

namespace {

int verdict(const std::string& bytes, framing_limits limits = {}) {
  framing_screen s{limits};
  s.feed(bytes.data(), bytes.size());
  return s.status();
}

} // namespace

TEST(framing_screen, sound_requests_pass) {
  EXPECT_EQ(verdict("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
  EXPECT_EQ(verdict("POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"), 0);
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "2\r\n{}\r\n0\r\n\r\n"),
            0);
  // Pipelined, and bytes after a Connection: close request are no framing error.
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nConnection: close\r\n\r\ngarbage"), 0);
  // An upgrade ends the screening: WebSocket frames follow.
  EXPECT_EQ(verdict("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                    "\x81\xff\xff\xff"),
            0);
}

TEST(framing_screen, each_framing_error_gets_its_status) {
  EXPECT_EQ(verdict("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
  EXPECT_EQ(verdict("GETX / HTTP/1.1\r\n\r\n"), 501);
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n"), 400);
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"), 400);
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"), 400);
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "0\r\n\r\n"),
            400);
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n"s), 400);
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n"), 431);
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nContent-Length: 1000000000\r\n\r\n"), 413);
  EXPECT_EQ(verdict("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n"), 414);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i)
    many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(verdict(many + "\r\n"), 431);
  EXPECT_EQ(verdict("GET / HTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nX-A: \0\r\n\r\n"s), 400); // http-parser passes this one
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nX-A: a\x01\r\n\r\n"), 400);
  EXPECT_EQ(verdict("\x16\x03\x01\x00\xff garbage\r\n\r\n"s), 501); // TLS hello
}

TEST(framing_screen, limits_are_the_configured_ones) {
  framing_limits small;
  small.max_body = 10;
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", small), 413);
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789", small), 0);
  EXPECT_EQ(verdict("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n0123456789a\r\n",
                    small),
            413);
}

TEST(framing_screen, bytes_may_arrive_one_at_a_time) {
  std::string req = "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n";
  framing_screen s;
  bool ok = true;
  for (char c : req)
    ok = s.feed(&c, 1) && ok;
  EXPECT_FALSE(ok);
  EXPECT_EQ(s.status(), 400);
}

TEST(framing_screen, the_answer_is_a_json_error_that_closes) {
  framing_screen s;
  std::string bad = "BREW / HTTP/1.1\r\n\r\n";
  s.feed(bad.data(), bad.size());
  auto r = s.response();
  EXPECT_EQ(r.rfind("HTTP/1.1 501 Not Implemented\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos) << r;
  auto body = r.substr(r.find("\r\n\r\n") + 4);
  EXPECT_NE(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  auto j = nlohmann::json::parse(body);
  EXPECT_EQ(j["error"]["code"], "not_implemented");
  EXPECT_TRUE(j["error"]["message"].is_string());
}

// Where each pipelined request ends: the socket holds back requests past
// http.max_pipelined_requests by these offsets (http/screened_socket.hpp).
TEST(framing_screen, the_end_of_each_request_is_known_however_the_bytes_arrive) {
  std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string post = "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  std::string chunked = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "2\r\n{}\r\n0\r\n\r\n";
  auto all = get + post + chunked + get;
  std::vector<uint64_t> want{get.size(), get.size() + post.size(),
                             get.size() + post.size() + chunked.size(), all.size()};
  for (size_t step : {all.size(), size_t{1}, size_t{7}, size_t{64}}) {
    framing_screen s;
    for (size_t at = 0; at < all.size(); at += step)
      ASSERT_TRUE(s.feed(all.data() + at, std::min(step, all.size() - at))) << step;
    ASSERT_EQ(s.complete_requests(), 4u) << step;
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_EQ(s.end_of_request(i + 1), want[i]) << "request " << i + 1 << ", step " << step;
    EXPECT_EQ(s.end_of_request(5), framing_screen::not_seen);
    EXPECT_EQ(s.fed(), all.size());
    s.forget_up_to(2);
    EXPECT_EQ(s.end_of_request(2), framing_screen::not_seen) << "forgotten";
    EXPECT_EQ(s.end_of_request(3), want[2]);
  }
  // A half-sent request has no end yet; the error after sound requests is
  // found with the sound ones' ends kept.
  framing_screen s;
  auto half = get + "GET /x HTTP/1.1\r\nHo";
  ASSERT_TRUE(s.feed(half.data(), half.size()));
  EXPECT_EQ(s.end_of_request(1), get.size());
  EXPECT_EQ(s.end_of_request(2), framing_screen::not_seen);
  std::string bad = "st: x\r\nContent-Length: -1\r\n\r\n";
  EXPECT_FALSE(s.feed(bad.data(), bad.size()));
  EXPECT_EQ(s.status(), 400);
  EXPECT_EQ(s.complete_requests(), 1u);
  EXPECT_EQ(s.end_of_request(1), get.size());
}
