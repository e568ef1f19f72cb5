// Functional tests of spawnd as a user meets it: a real spawnd process (started
// by spawnd_process), PostgreSQL, the Docker engine and the runtime image, all
// on 127.0.0.1. Nothing is mocked. The tests skip, saying what to start, when a
// prerequisite is missing (see functional_prereqs).
//
//   deploy/scripts/dockerd.sh && deploy/runtime/build-images.sh
//   export SPAWN_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:54329/spawnai_test
//   build/spawn_tests --gtest_filter='spawnd_functest.*'

#include <atomic>
#include <vector>

#include "tests/functional/spawnd_functest_fixture.hpp"

using namespace spawn::test::functest;

TEST_F(spawnd_functest, webapp_lifecycle) {
  run_lifecycle(
    "webapp", "a todo list with a dark theme",
    [](const std::string&, const spawn::http_response& page) {
      EXPECT_NE(page.body.find("Todo"), std::string::npos) << page.body.substr(0, 500);
      EXPECT_NE(page.body.find("<html"), std::string::npos);
    },
    "Todo");
}

TEST_F(spawnd_functest, api_lifecycle) {
  run_lifecycle(
    "api", "a JSON API for books",
    [](const std::string& app_url, const spawn::http_response& page) {
      EXPECT_NE(page.body.find("books"), std::string::npos) << page.body.substr(0, 500);
      // The API itself: add a book, then find it in the list.
      spawn::http_request post;
      post.method = "POST";
      post.url = app_url + "books";
      post.headers = {{"Content-Type", "application/json"}};
      post.body = R"({"title":"Dune","author":"Frank Herbert"})";
      auto added = spawn::perform(post);
      ASSERT_TRUE(added) << spawn::message_of(added.error());
      EXPECT_EQ(added->status, 201) << added->body;
      auto list = get_url(app_url + "books");
      ASSERT_TRUE(list);
      EXPECT_EQ(list->status, 200) << list->body;
      EXPECT_FALSE(parse_or_null(list->body).is_discarded()) << list->body;
      EXPECT_NE(list->body.find("Dune"), std::string::npos) << list->body;
    },
    "books");
}

TEST_F(spawnd_functest, script_lifecycle) {
  run_lifecycle(
    "script", "print the first 20 fibonacci numbers",
    [](const std::string&, const spawn::http_response& page) {
      // F(0) .. F(19): the last one is 4181, and 6765 = F(20) is not there.
      for (auto needle : {"Fibonacci", "2,584", "4,181"})
        EXPECT_NE(page.body.find(needle), std::string::npos)
          << needle << " missing in " << page.body.substr(0, 800);
      EXPECT_EQ(page.body.find("6,765"), std::string::npos) << "more than 20 numbers";
    },
    "fibonacci");
}

TEST_F(spawnd_functest, short_ttl_session_expires_by_itself) {
  auto t0 = clock_type::now();
  auto created = create({{"prompt", "a counter with a big button"},
                         {"app_type", "webapp"},
                         {"ttl_seconds", 6}});
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  EXPECT_LE(created.value("expires_in_seconds", 1e9), 6.0) << created;
  ws_client ws;
  ASSERT_TRUE(ws.connect(d().port(), "/ws/v1/sessions/" + id)) << ws.error();
  ws_trace trace;
  follow(ws, id, "destroyed", trace, 30s);
  auto lived = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
  EXPECT_EQ(trace.last_state, "destroyed") << join(trace.states);
  EXPECT_TRUE(std::find(trace.states.begin(), trace.states.end(), "running")
              != trace.states.end())
    << "it should have run before it expired: " << join(trace.states);
  EXPECT_GE(lived.count(), 5500) << "destroyed before its TTL: " << join(trace.states);
  std::cout << "[ info     ] ttl 6 s: " << join(trace.states) << ", destroyed after "
            << lived.count() << " ms\n";
  std::string extra;
  ws_read r;
  while ((r = ws.read_text(extra, 10s)) == ws_read::text) {
  }
  EXPECT_EQ(r, ws_read::closed);
  expect_ws_matches_log(id, trace);
  auto s = get(id);
  ASSERT_FALSE(s.is_null());
  EXPECT_EQ(s.value("state", ""), "destroyed") << s;
  expect_no_container(id);
}

// Issue 12: the GET goes through a few long-lived bridge actors shared by every
// request. Callers asking at once each get their own view: the full record
// with the manage token, the visitor view with a wrong one (of its length or
// not), a
// JSON 404 for an unknown id; and the text is the codec's own.
TEST_F(spawnd_functest, concurrent_gets_each_get_their_own_view) {
  auto created = create({{"prompt", "a counter \"quoted\" caf\xc3\xa9"}, {"app_type", "webapp"}});
  ASSERT_FALSE(created.is_null());
  auto id = created["id"].get<std::string>();
  auto token = created["manage_token"].get<std::string>();
  wait_for_state(id, "running", 60s);
  std::atomic<int> full{0}, visitor{0}, missing{0}, wrong{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 8; ++t)
    callers.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        auto kind = (t + i) % 4;
        std::vector<std::pair<std::string, std::string>> headers;
        if (kind == 0)
          headers.emplace_back("X-Manage-Token", token);
        // (No header at all would get the known token from spawnd_process.)
        if (kind == 1)
          headers.emplace_back("X-Manage-Token", std::string(token.size(), '0'));
        if (kind == 2)
          headers.emplace_back("X-Manage-Token", "x");
        auto path = "/api/v1/sessions/" + (kind == 3 ? std::string{"szzzzzzzzzzz"} : id);
        auto res = d().call("GET", path, {}, headers);
        if (!res) {
          ++wrong;
          continue;
        }
        auto j = parse_or_null(res->body);
        bool ok = false;
        if (kind == 3)
          ok = res->status == 404 && j["error"].value("code", "") == "not_found";
        else if (kind == 0)
          ok = res->status == 200 && j.value("id", "") == id
               && j.value("prompt", "") == "a counter \"quoted\" caf\xc3\xa9"
               && !j.contains("private") && j.value("state", "") == "running";
        else
          ok = res->status == 200 && j.value("id", "") == id && j.value("private", false)
               && !j.contains("prompt") && !j.contains("costs");
        ++(ok ? (kind == 0 ? full : kind == 3 ? missing : visitor) : wrong);
        if (!ok)
          ADD_FAILURE() << "kind " << kind << ": " << res->status << " " << res->body;
      }
    });
  for (auto& c : callers)
    c.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(full.load(), 80);
  EXPECT_EQ(visitor.load(), 160);
  EXPECT_EQ(missing.load(), 80);
  auto del = destroy(id, token);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 202) << del->body;
  wait_for_state(id, "destroyed", 60s);
}
