// Issue 13: hostile clients against a real spawnd. Each case of the issue is
// replayed as sent by an attacker (raw sockets where an HTTP library would
// clean the request up), then a bounded random mix of all of them checks that
// every request is answered, API errors are JSON, memory stays bounded and
// every session survives.

#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/functional/raw_http.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"

namespace spawn::test::functest {

namespace {

using namespace std::string_literals;

constexpr const char* admin_token = "hostile-admin-token-0123456789abcdef";
constexpr int ws_per_client = 6;

using headers_t = std::vector<std::pair<std::string, std::string>>;

bool is_json_error(const std::string& body) {
  auto j = parse_or_null(body);
  return j.is_object() && j["error"].is_object() && j["error"]["code"].is_string()
         && j["error"]["message"].is_string();
}

/// A WebSocket frame header from a client (masked) announcing `len` bytes.
std::string frame_header(uint64_t len, uint8_t opcode = 0x1) {
  std::string h;
  h.push_back(static_cast<char>(0x80 | opcode));
  if (len < 126) {
    h.push_back(static_cast<char>(0x80 | len));
  } else if (len < 65536) {
    h.push_back(static_cast<char>(0x80 | 126));
    h.push_back(static_cast<char>(len >> 8));
    h.push_back(static_cast<char>(len & 0xff));
  } else {
    h.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i)
      h.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  }
  h += std::string("\x01\x02\x03\x04", 4); // masking key
  return h;
}

std::string upgrade_request(const std::string& target, const std::string& key,
                            const std::string& extra = {},
                            const std::string& upgrade = "websocket") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: " + upgrade
         + "\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
         + "\r\nSec-WebSocket-Version: 13\r\n" + extra + "\r\n";
}

constexpr const char* good_key = "dGhlIHNhbXBsZSBub25jZQ==";

} // namespace

class hostile_functest : public ::testing::Test {
public:
  static void SetUpTestSuite() {
    if (!spawn::test::functional_prereqs(why_))
      return;
    auto opts = spawnd_functest::options("hostile");
    opts.show_known_tokens = false; // this suite is the anonymous attacker
    opts.env["SPAWN_ADMIN_TOKEN"] = admin_token;
    opts.env["SPAWN_HTTP_WS_MAX_PER_CLIENT"] = std::to_string(ws_per_client);
    daemon_ = new spawnd_process(opts);
    if (!daemon_->start())
      start_error_ = daemon_->error();
  }

  static void TearDownTestSuite() {
    for (auto& s : sessions_)
      daemon_->call("DELETE", "/api/v1/sessions/" + s.id, {}, {{"X-Manage-Token", s.token}});
    delete daemon_;
    daemon_ = nullptr;
  }

protected:
  struct session_ref {
    std::string id;
    std::string token;
    std::string prompt;
    std::string app_url;
  };

  void SetUp() override {
    if (!why_.empty())
      GTEST_SKIP() << "functional prerequisites missing: " << why_;
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    ASSERT_TRUE(daemon_->running()) << "spawnd is gone; its output:\n" << daemon_->log_tail();
  }

  void TearDown() override {
    if (HasFailure() && daemon_ != nullptr)
      std::cerr << "spawnd log (" << daemon_->log_path() << "), last lines:\n"
                << daemon_->log_tail(60) << '\n';
  }

  spawnd_process& d() {
    return *daemon_;
  }

  headers_t owner(const session_ref& s) {
    return {{"X-Manage-Token", s.token}};
  }

  /// A running session of this suite (made once, shared by the tests).
  const session_ref& running_session() {
    if (sessions_.empty()) {
      auto prompt = std::string{"a private diary for hostile tests"};
      auto res = d().call("POST", "/api/v1/sessions",
                          json{{"prompt", prompt}, {"app_type", "webapp"}}.dump());
      EXPECT_TRUE(res && res->status == 201) << (res ? res->body : message_of(res.error()));
      auto j = res ? parse_or_null(res->body) : json{};
      session_ref s{j.value("id", ""), j.value("manage_token", ""), prompt, ""};
      for (auto deadline = clock_type::now() + 60s; clock_type::now() < deadline;) {
        auto got = d().call("GET", "/api/v1/sessions/" + s.id, {}, owner(s));
        auto body = got ? parse_or_null(got->body) : json{};
        if (body.value("state", "") == "running") {
          s.app_url = body.value("app_url", "");
          break;
        }
        std::this_thread::sleep_for(100ms);
      }
      EXPECT_FALSE(s.app_url.empty()) << "the session " << s.id << " did not come up";
      sessions_.push_back(s);
    }
    return sessions_.front();
  }

  /// Checks that the suite's sessions are intact: running, same prompt, app answering.
  void expect_sessions_intact() {
    for (auto& s : sessions_) {
      auto got = d().call("GET", "/api/v1/sessions/" + s.id, {}, owner(s));
      ASSERT_TRUE(got && got->status == 200) << s.id;
      auto j = parse_or_null(got->body);
      EXPECT_EQ(j.value("state", ""), "running") << j;
      EXPECT_EQ(j.value("prompt", ""), s.prompt) << j;
      auto page = get_url(s.app_url);
      EXPECT_TRUE(page && page->status == 200) << s.app_url;
    }
  }

  static inline spawnd_process* daemon_ = nullptr;
  static inline std::string why_;
  static inline std::string start_error_;
  static inline std::vector<session_ref> sessions_;
};

// 1. A frame header announcing 256 MiB: closed with 1009, nothing allocated.
TEST_F(hostile_functest, oversized_websocket_frames_close_with_1009_before_allocation) {
  auto& s = running_session();
  auto before = rss_kib(d().pid());
  std::vector<std::unique_ptr<ws_client>> sockets;
  for (int i = 0; i < 4; ++i) {
    auto ws = std::make_unique<ws_client>();
    ASSERT_TRUE(ws->connect(d().port(), "/ws/v1/sessions/" + s.id + "?token=" + s.token))
      << ws->error() << "\n" << ws->response_head();
    std::string snapshot;
    ASSERT_EQ(ws->read_text(snapshot, 5s), ws_read::text) << ws->error();
    ASSERT_TRUE(ws->send_raw(frame_header(256u << 20)));
    sockets.push_back(std::move(ws));
  }
  std::this_thread::sleep_for(300ms);
  auto during = rss_kib(d().pid());
  for (auto& ws : sockets) {
    std::string text;
    ws_read r;
    while ((r = ws->read_text(text, 5s)) == ws_read::text) {
    }
    EXPECT_EQ(r, ws_read::closed) << ws->error();
    EXPECT_EQ(ws->close_code(), 1009) << "a 256 MiB frame must be refused as too big";
  }
  std::cout << "[ info     ] RSS before " << before << " KiB, with four 256 MiB frame headers "
            << during << " KiB\n";
  EXPECT_LT(during - before, 32 * 1024) << "spawnd allocated for announced frames";
  // A frame at the limit still passes (a ping is answered) and one above is refused.
  ws_client ok;
  ASSERT_TRUE(ok.connect(d().port(), "/ws/v1/sessions/" + s.id + "?token=" + s.token));
  std::string text;
  ASSERT_EQ(ok.read_text(text, 5s), ws_read::text);
  std::string payload(8192, 'x');
  std::string frame = frame_header(payload.size());
  for (size_t i = 0; i < payload.size(); ++i)
    frame.push_back(static_cast<char>(payload[i] ^ "\x01\x02\x03\x04"[i % 4]));
  ASSERT_TRUE(ok.send_raw(frame));
  ws_read r;
  while ((r = ok.read_text(text, 1s)) == ws_read::text) {
    // events of the session may come meanwhile
  }
  EXPECT_EQ(r, ws_read::timeout) << "an 8 KiB frame closed the socket";
  ASSERT_TRUE(ok.send_raw(frame_header(8193)));
  while (ok.read_text(text, 5s) == ws_read::text) {
  }
  EXPECT_EQ(ok.close_code(), 1009);
}

// 1. Open WebSockets are bounded per client.
TEST_F(hostile_functest, websockets_are_bounded_per_client) {
  auto& s = running_session();
  std::this_thread::sleep_for(500ms); // sockets of earlier tests are released
  std::vector<std::unique_ptr<ws_client>> open;
  for (int i = 0; i < ws_per_client; ++i) {
    auto ws = std::make_unique<ws_client>();
    ASSERT_TRUE(ws->connect(d().port(), "/ws/v1/sessions/" + s.id + "?token=" + s.token))
      << i << ": " << ws->response_head();
    open.push_back(std::move(ws));
  }
  auto refused = raw_exchange(d().port(), upgrade_request("/ws/v1/sessions/" + s.id, good_key,
                                                          "X-Manage-Token: " + s.token + "\r\n"),
                              3s);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].status, 429) << refused[0].body;
  EXPECT_TRUE(is_json_error(refused[0].body)) << refused[0].body;
  open.back()->close();
  open.pop_back();
  bool again = false;
  for (auto deadline = clock_type::now() + 3s; !again && clock_type::now() < deadline;) {
    ws_client ws;
    again = ws.connect(d().port(), "/ws/v1/sessions/" + s.id + "?token=" + s.token);
    if (!again)
      std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(again) << "a closed WebSocket did not give its slot back";
}

// 2. Pipelined requests: every one answered, in order.
TEST_F(hostile_functest, pipelined_requests_are_all_answered_in_order) {
  std::string three = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /api/v1/sessions/szzzzzzzzzzz HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  auto answers = raw_exchange(d().port(), three, 5s);
  ASSERT_EQ(answers.size(), 3u) << "pipelined requests were dropped";
  EXPECT_EQ(answers[0].status, 200);
  EXPECT_EQ(answers[1].status, 404);
  EXPECT_EQ(answers[2].status, 200);
  std::string many;
  for (int i = 0; i < 40; ++i)
    many += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  many += "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(raw_exchange(d().port(), many, 10s).size(), 41u);
}

// More pipelined requests than http.max_pipelined_requests (128): RESTinio
// 0.6 dropped the connection once its queue of responses was full; the
// socket now holds the rest back until answers are written. Each request
// names its number, so the order of the answers is checked too.
TEST_F(hostile_functest, more_pipelined_requests_than_the_limit_are_all_answered_in_order) {
  constexpr int count = 600;
  std::string many;
  for (int i = 0; i < count; ++i)
    many += (i % 2 ? "GET /api/v1/sessions/s" + std::to_string(10000000000 + i)
                   : "GET /healthz?n=" + std::to_string(i))
            + " HTTP/1.1\r\nHost: x\r\n" + (i == count - 1 ? "Connection: close\r\n" : "")
            + "\r\n";
  auto t0 = std::chrono::steady_clock::now();
  auto answers = raw_exchange(d().port(), many, 20s);
  std::printf("%d pipelined requests on one connection: %zu answers in %.0f ms\n", count,
              answers.size(),
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
  ASSERT_EQ(answers.size(), static_cast<size_t>(count)) << "pipelined requests were dropped";
  for (int i = 0; i < count; ++i) {
    EXPECT_EQ(answers[i].status, i % 2 ? 404 : 200) << "answer " << i;
    if (i % 2)
      EXPECT_NE(answers[i].body.find("s" + std::to_string(10000000000 + i)), std::string::npos)
        << "answer " << i << " is another request's: " << answers[i].body;
  }
  // A framing error behind unanswered pipelined requests: they are answered
  // first, then the error (it used to close the connection silently).
  std::string then_bad;
  for (int i = 0; i < 200; ++i)
    then_bad += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  then_bad += "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n";
  auto mixed = raw_exchange(d().port(), then_bad, 20s);
  ASSERT_EQ(mixed.size(), 201u);
  for (int i = 0; i < 200; ++i)
    EXPECT_EQ(mixed[i].status, 200) << "answer " << i;
  EXPECT_EQ(mixed[200].status, 400);
  EXPECT_TRUE(is_json_error(mixed[200].body)) << mixed[200].body;
  EXPECT_EQ(raw_exchange(d().port(), raw_get("/healthz"), 3s).size(), 1u) << "spawnd lives on";
}

// 3. Paths with "..", "/." or "\": a JSON 404 or 400, never a file outside the web folder.
TEST_F(hostile_functest, dot_and_backslash_paths_get_a_json_error) {
  for (auto target : {"/api/v1/sessions/../../etc/passwd", "/../../../../etc/passwd",
                      "/static/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                      "/..%2f..%2fetc%2fpasswd", "/.git/config", "/./index.html", "/a/.",
                      "/..\\..\\etc\\passwd", "/%5c..%5cetc", "/index.html/..", "//etc/passwd",
                      "/css/../../../etc/passwd"}) {
    auto answers = raw_exchange(d().port(), raw_get(target), 3s);
    ASSERT_EQ(answers.size(), 1u) << target << ": no answer";
    EXPECT_TRUE(answers[0].status == 404 || answers[0].status == 400)
      << target << " → " << answers[0].status;
    EXPECT_TRUE(is_json_error(answers[0].body)) << target << " → " << answers[0].body;
    EXPECT_EQ(answers[0].body.find("root:"), std::string::npos) << target;
  }
  auto index = raw_exchange(d().port(), raw_get("/"), 3s);
  ASSERT_EQ(index.size(), 1u);
  EXPECT_EQ(index[0].status, 200) << "the web UI itself is still served";
}

// 4. Bad percent-escapes: a JSON 400.
TEST_F(hostile_functest, bad_percent_escapes_get_a_json_400) {
  for (auto target : {"/api/v1/sessions/%ff", "/api/v1/sessions/%zz", "/api/v1/sessions/%",
                      "/api/v1/sessions/%c0%ae", "/api/v1/sessions/%c0%ae%c0%ae/events",
                      "/ws/v1/sessions/%ff", "/%00", "/index.html%00.js", "/%e0%80%af",
                      "/admin/v1/sessions/%fe/restart", "/a%2"}) {
    auto answers = raw_exchange(d().port(), raw_get(target), 3s);
    ASSERT_EQ(answers.size(), 1u) << target << ": no answer";
    EXPECT_EQ(answers[0].status, 400) << target << " → " << answers[0].body;
    EXPECT_TRUE(is_json_error(answers[0].body)) << target << " → " << answers[0].body;
  }
}

// 6. The WebSocket handshake follows RFC 6455; unknown sessions are 404.
TEST_F(hostile_functest, the_websocket_handshake_is_strict) {
  auto& s = running_session();
  auto path = "/ws/v1/sessions/" + s.id;
  auto token = "X-Manage-Token: " + s.token + "\r\n";
  auto status_of = [&](const std::string& request) {
    auto answers = raw_exchange(d().port(), request, 3s);
    if (answers.empty())
      return 0;
    if (answers[0].status != 101) {
      EXPECT_TRUE(is_json_error(answers[0].body)) << answers[0].body;
    }
    return answers[0].status;
  };
  for (auto key : {"", "x", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ===",
                   "dGhlIHNhbXBsZSBub25jZ===", "!!!!!!!!!!!!!!!!!!!!!!==", "AAAA",
                   "dGhlIHNhbXBsZSBub25jZR==", "dGhlIHNhbXBsZSBub25jZQ==dGhl"})
    EXPECT_EQ(status_of(upgrade_request(path, key, token)), 400) << "key '" << key << "'";
  EXPECT_EQ(status_of(upgrade_request(path, good_key, token, "h2c")), 400) << "Upgrade: h2c";
  EXPECT_EQ(status_of(upgrade_request(path, good_key, token, "websocket2")), 400);
  EXPECT_EQ(status_of("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: " + good_key + "\r\nSec-WebSocket-Version: 13\r\n"
                      + token + "\r\n"),
            400)
    << "no Upgrade header";
  EXPECT_EQ(status_of("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Key: " + good_key
                      + "\r\nSec-WebSocket-Version: 8\r\n" + token + "\r\n"),
            426);
  EXPECT_EQ(status_of(upgrade_request("/ws/v1/sessions/szzzzzzzzzzz", good_key, token)), 404)
    << "a session that does not exist";
  EXPECT_EQ(status_of(upgrade_request(path, good_key)), 401) << "no credential";
  EXPECT_EQ(status_of(upgrade_request(path, good_key, "X-Manage-Token: wrong\r\n")), 403);
  EXPECT_EQ(status_of(upgrade_request(path + "?token=wrong", good_key)), 403);
  // Sound handshakes: the token in the header (spawnctl) or the query (browsers),
  // the admin token, and the RFC's own sample key.
  EXPECT_EQ(status_of(upgrade_request(path, good_key, token)), 101);
  EXPECT_EQ(status_of(upgrade_request(path + "?token=" + s.token, good_key)), 101);
  EXPECT_EQ(status_of(upgrade_request(path, good_key,
                                      std::string{"Authorization: Bearer "} + admin_token
                                        + "\r\n")),
            101);
  auto answer = raw_exchange(d().port(), upgrade_request(path, good_key, token), 2s);
  ASSERT_FALSE(answer.empty());
  EXPECT_EQ(answer[0].headers["sec-websocket-accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

// 7. A session's prompt, events, files, costs and stream need a credential.
TEST_F(hostile_functest, reads_of_a_session_are_private) {
  auto& s = running_session();
  auto base = "/api/v1/sessions/" + s.id;
  auto visitor = d().call("GET", base);
  ASSERT_TRUE(visitor && visitor->status == 200);
  auto v = parse_or_null(visitor->body);
  EXPECT_EQ(v.value("state", ""), "running") << v;
  EXPECT_EQ(v.value("app_url", ""), s.app_url) << v;
  EXPECT_TRUE(v["expires_at"].is_string()) << v;
  EXPECT_EQ(v.value("private", false), true) << v;
  for (auto key : {"prompt", "costs", "message", "events_url", "files_url", "ws_url", "owner",
                   "manage_token", "failure_reason", "site"})
    EXPECT_FALSE(v.contains(key)) << key << " shown to a visitor: " << v;
  EXPECT_EQ(visitor->body.find(s.prompt), std::string::npos);

  for (auto rest : {"/events", "/files", "/events?after=0"}) {
    expect_error(d().call("GET", base + rest), 401, std::string{"anonymous "} + rest);
    expect_error(d().call("GET", base + rest, {}, {{"X-Manage-Token", "wrong"}}), 403,
                 std::string{"wrong token "} + rest);
    expect_error(d().call("GET", base + rest, {}, {{"Authorization", "Bearer not-a-key"}}), 403,
                 std::string{"unknown key "} + rest);
    auto mine = d().call("GET", base + rest, {}, owner(s));
    EXPECT_TRUE(mine && mine->status == 200) << rest << ": " << (mine ? mine->body : "");
    auto admin = d().call("GET", base + rest, {},
                          {{"Authorization", std::string{"Bearer "} + admin_token}});
    EXPECT_TRUE(admin && admin->status == 200) << rest;
  }
  auto full = d().call("GET", base, {}, owner(s));
  ASSERT_TRUE(full && full->status == 200);
  EXPECT_EQ(parse_or_null(full->body).value("prompt", ""), s.prompt);
  auto wrong = d().call("GET", base, {}, {{"X-Manage-Token", "wrong"}});
  ASSERT_TRUE(wrong && wrong->status == 200);
  EXPECT_FALSE(parse_or_null(wrong->body).contains("prompt")) << wrong->body;
  // The list of an anonymous caller (keyed by address) shows no prompt either.
  auto list = d().call("GET", "/api/v1/sessions?limit=500");
  ASSERT_TRUE(list && list->status == 200);
  EXPECT_EQ(list->body.find(s.prompt), std::string::npos) << list->body.substr(0, 400);
  // Nor does a WebSocket without the token stream anything.
  ws_client ws;
  ws.show_known_token(false);
  EXPECT_FALSE(ws.connect(d().port(), "/ws/v1/sessions/" + s.id));
  EXPECT_EQ(ws.status(), 401) << ws.response_head();
}

// 9. A NUL in the prompt: refused, never cut.
TEST_F(hostile_functest, control_characters_in_prompts_are_refused) {
  for (auto prompt : {std::string{"a todo\0 list", 12}, std::string{"bell\a"},
                      std::string{"esc \x1b[2J"}, std::string{"c1 \xc2\x85"}}) {
    auto res = d().call("POST", "/api/v1/sessions", json{{"prompt", prompt}}.dump());
    expect_error(res, 400, "prompt with a control character");
    if (res) {
      EXPECT_NE(res->body.find("control character"), std::string::npos) << res->body;
    }
  }
  // As JSON escapes too.
  expect_error(d().call("POST", "/api/v1/sessions", R"({"prompt": "a todo\u0000 list"})"), 400,
               "\\u0000 in the prompt");
}

// 10. The admin restart of a session that does not exist: 404.
TEST_F(hostile_functest, admin_restart_of_an_unknown_session_is_404) {
  headers_t admin{{"Authorization", std::string{"Bearer "} + admin_token}};
  expect_error(d().call("POST", "/admin/v1/sessions/szzzzzzzzzzz/restart", {}, admin), 404,
               "restart of an unknown session");
  expect_error(d().call("POST", "/admin/v1/sessions/not-an-id/restart", {}, admin), 404,
               "restart of a malformed id");
  expect_error(d().call("POST", "/admin/v1/sessions/szzzzzzzzzzz/restart"), 401,
               "restart without the admin token");
}

// 5. Malformed framing: the status that fits, then the connection closes.
TEST_F(hostile_functest, malformed_framing_is_answered_before_the_close) {
  struct framing_case {
    std::string what;
    std::string request;
    int status;
  };
  std::vector<framing_case> cases{
    {"unknown method", "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501},
    {"negative Content-Length", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
    {"non-numeric Content-Length", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n", 400},
    {"duplicate Content-Length", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400},
    {"Content-Length and Transfer-Encoding", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
    {"a 100 KB header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n", 431},
    {"a NUL in a header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n"s, 400},
    {"a declared body far over the limit", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n{", 413},
    {"a 9000-byte target", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
    {"a TLS hello", "\x16\x03\x01\x00\xff garbage\r\n\r\n"s, 501},
  };
  for (auto& c : cases) {
    auto answers = raw_exchange(d().port(), c.request, 5s);
    ASSERT_EQ(answers.size(), 1u) << c.what << ": closed without an answer";
    EXPECT_EQ(answers[0].status, c.status) << c.what << ": " << answers[0].body;
    EXPECT_TRUE(is_json_error(answers[0].body)) << c.what << ": " << answers[0].body;
    EXPECT_EQ(answers[0].headers["connection"], "close") << c.what;
  }
  ASSERT_TRUE(d().running()) << d().log_tail();
}

// The mix: every case above, at random, with WebSockets beside, from 8 threads.
TEST_F(hostile_functest, a_bounded_random_mix_never_loses_an_answer_or_a_session) {
  auto& s = running_session();
  auto id = s.id;
  struct mix_case {
    std::string name;
    std::string request;
    std::set<int> statuses; ///< what may answer
    size_t answers = 1;
  };
  auto post = [](const std::string& path, const std::string& body) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  std::string tok = "X-Manage-Token: " + s.token + "\r\n";
  std::string admin = std::string{"Authorization: Bearer "} + admin_token + "\r\n";
  std::vector<mix_case> cases{
    {"healthz", raw_get("/healthz"), {200}},
    {"web UI", raw_get("/"), {200}},
    {"visitor GET", raw_get("/api/v1/sessions/" + id), {200}},
    {"owner GET", raw_get("/api/v1/sessions/" + id, tok), {200}},
    {"events anonymous", raw_get("/api/v1/sessions/" + id + "/events"), {401}},
    {"events wrong token", raw_get("/api/v1/sessions/" + id + "/events", "X-Manage-Token: x\r\n"), {403}},
    {"events owner", raw_get("/api/v1/sessions/" + id + "/events", tok), {200}},
    {"files anonymous", raw_get("/api/v1/sessions/" + id + "/files"), {401}},
    {"unknown session", raw_get("/api/v1/sessions/szzzzzzzzzzz"), {404}},
    {"dot path", raw_get("/api/v1/sessions/../../etc/passwd"), {400, 404}},
    {"encoded dots", raw_get("/%2e%2e/%2e%2e/etc/passwd"), {400, 404}},
    {"backslash", raw_get("/..\\..\\etc\\passwd"), {400, 404}},
    {"bad escape", raw_get("/api/v1/sessions/%zz"), {400}},
    {"lone percent", raw_get("/api/v1/sessions/%"), {400}},
    {"overlong", raw_get("/api/v1/sessions/%c0%ae"), {400}},
    {"%ff", raw_get("/api/v1/sessions/%ff"), {400}},
    {"NUL prompt", post("/api/v1/sessions", R"({"prompt": "a todo\u0000 list"})"), {400}},
    {"bad JSON", post("/api/v1/sessions", "{\"prompt\": "), {400}},
    {"70 KiB body", post("/api/v1/sessions", std::string(70 * 1024, ' ')), {413}},
    {"admin restart unknown", post("/admin/v1/sessions/szzzzzzzzzzz/restart", "") , {401}},
    {"admin restart unknown (admin)",
     "POST /admin/v1/sessions/szzzzzzzzzzz/restart HTTP/1.1\r\nHost: x\r\n" + admin
       + "Connection: close\r\nContent-Length: 0\r\n\r\n",
     {404}},
    {"ws bad key", upgrade_request("/ws/v1/sessions/" + id, "AAAA", tok), {400}},
    {"ws h2c", upgrade_request("/ws/v1/sessions/" + id, good_key, tok, "h2c"), {400}},
    {"ws unknown session", upgrade_request("/ws/v1/sessions/szzzzzzzzzzz", good_key, tok), {404}},
    {"ws no token", upgrade_request("/ws/v1/sessions/" + id, good_key), {401}},
    {"unknown method", "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", {501}},
    {"negative length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", {400}},
    {"duplicate length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", {400}},
    {"length and chunked", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {400}},
    {"big header", "GET / HTTP/1.1\r\nX-Big: " + std::string(40 * 1024, 'b') + "\r\n\r\n", {431}},
    {"NUL header", "GET / HTTP/1.1\r\nX-A: \0\r\n\r\n"s, {400}},
    {"huge declared body", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n", {413}},
    {"pipelined three",
     "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/sessions/%zz HTTP/1.1\r\nHost: x\r\n\r\n"
     "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
     {200, 400},
     3},
  };
  constexpr int threads = 8;
  constexpr int per_thread = 1300; // 10,400 requests
  constexpr int websockets = 200;
  std::mutex mutex;
  std::map<int, int> histogram;
  std::map<std::string, int> failures;
  std::atomic<int> sent{0}, missing{0}, not_json{0};
  std::atomic<bool> running{true};
  auto baseline = rss_kib(d().pid());
  std::atomic<long> peak{baseline};
  std::thread sampler([&] {
    while (running) {
      auto now = rss_kib(d().pid());
      if (now > peak)
        peak = now;
      std::this_thread::sleep_for(50ms);
    }
  });
  auto note = [&](const std::string& what, const std::string& why) {
    std::lock_guard<std::mutex> g{mutex};
    if (++failures[what + ": " + why] == 1)
      std::cerr << "mix: " << what << ": " << why << "\n";
  };
  auto t0 = clock_type::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      std::mt19937 rng{static_cast<unsigned>(1234 + t)};
      for (int i = 0; i < per_thread; ++i) {
        auto& c = cases[rng() % cases.size()];
        auto answers = raw_exchange(d().port(), c.request, 10s);
        sent += static_cast<int>(c.answers);
        if (answers.size() != c.answers) {
          missing += static_cast<int>(c.answers) - static_cast<int>(answers.size());
          note(c.name, std::to_string(answers.size()) + " answers");
        }
        for (auto& a : answers) {
          {
            std::lock_guard<std::mutex> g{mutex};
            ++histogram[a.status];
          }
          if (!c.statuses.count(a.status))
            note(c.name, "status " + std::to_string(a.status));
          if (a.status >= 400 && !is_json_error(a.body)) {
            ++not_json;
            note(c.name, "not a JSON error: " + a.body.substr(0, 80));
          }
        }
      }
    });
  // WebSockets beside: a stream, a close, an oversized frame, garbage, at most
  // ws_per_client - 1 at once (the bound is the per-client one).
  std::atomic<int> ws_opened{0}, ws_1009{0}, ws_refused{0};
  std::thread ws_thread([&] {
    std::mt19937 rng{99};
    for (int i = 0; i < websockets; ++i) {
      ws_client ws;
      if (!ws.connect(d().port(), "/ws/v1/sessions/" + id + "?token=" + s.token)) {
        if (ws.status() == 429)
          ++ws_refused; // slots of the previous socket not yet given back
        else
          note("websocket", "no upgrade: " + std::to_string(ws.status()));
        std::this_thread::sleep_for(20ms);
        continue;
      }
      ++ws_opened;
      std::string text;
      if (ws.read_text(text, 5s) != ws_read::text)
        note("websocket", "no snapshot");
      switch (rng() % 3) {
        case 0:
          ws.send_raw(frame_header(64u << 20));
          while (ws.read_text(text, 5s) == ws_read::text) {
          }
          if (ws.close_code() == 1009)
            ++ws_1009;
          else
            note("websocket", "oversized frame closed with " + std::to_string(ws.close_code()));
          break;
        case 1: ws.send_raw(std::string(64, '\xAB')); break;
        default: ws.close(); break;
      }
    }
  });
  for (auto& w : workers)
    w.join();
  ws_thread.join();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
  running = false;
  sampler.join();

  std::ostringstream table;
  for (auto& [status, n] : histogram)
    table << " " << status << ":" << n;
  std::cout << "[ info     ] mix: " << sent << " requests in " << took.count() << " ms; statuses"
            << table.str() << "; WebSockets opened " << ws_opened << " (1009 closes " << ws_1009
            << ", refused at the bound " << ws_refused << "); RSS baseline " << baseline
            << " KiB, peak " << peak << " KiB (VmHWM " << peak_rss_kib(d().pid()) << " KiB)\n";
  EXPECT_GE(sent, 10000);
  EXPECT_GE(ws_opened + ws_refused, websockets);
  EXPECT_GE(ws_opened, websockets / 2);
  EXPECT_EQ(missing, 0) << "answers missing";
  EXPECT_EQ(not_json, 0) << "API errors without a JSON body";
  EXPECT_TRUE(failures.empty()) << failures.size() << " kinds of failure (see above)";
  EXPECT_LT(peak - baseline, 128 * 1024) << "resident memory grew by more than 128 MiB";
  ASSERT_TRUE(d().running()) << d().log_tail();
  expect_sessions_intact();
}

} // namespace spawn::test::functest
