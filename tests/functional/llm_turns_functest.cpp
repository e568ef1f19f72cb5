// Turns made by a model, on real parts; first the fix loop (issue 15 item 4): spawnd talks to the LLM test
// server (Anthropic's wire protocol), the app runs in its container, and the
// check loads its page in a real headless Chromium. The server answers a
// broken app first and the fixed one next; the errors must reach the model,
// each round must be an event, and a version that stays broken never serves.
#include <csignal>

#include "infra/page_check.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"
#include "tests/integration/llm_test_server.hpp"

namespace spawn::test::functest {

namespace {

/// A one-page webapp under the output contract whose script is `js`.
std::string manifest(const std::string& title, const std::string& js) {
  json files = json::array(
    {{{"path", "index.html"},
      {"content", "<!doctype html>\n<html><head><title>" + title + "</title></head><body><h1>"
                    + title + "</h1><script src=\"app.js\"></script></body></html>\n"}},
     {{"path", "app.js"}, {"content", js}}});
  return "```json\n"
         + json{{"title", title}, {"entry", "index.html"}, {"run", json::array()}, {"files", files}}.dump()
         + "\n```\n";
}

llm_test_server::reply answer(const std::string& text) {
  return sse_reply(anthropic_stream(text, 500, 300));
}

const std::string broken_js = "const ready = ;\n";
const std::string clean_js = "document.body.dataset.ready = 'yes';\n";

} // namespace

class llm_turns_functest : public spawnd_functest {
public:
  static void SetUpTestSuite() {
    spawn::test::functional_prereqs(why_);
  }

  static void TearDownTestSuite() {
    delete daemon_;
    daemon_ = nullptr;
  }

protected:
  void SetUp() override {
    if (!why_.empty())
      GTEST_SKIP() << "functional prerequisites missing: " << why_;
    if (find_browser("").empty())
      GTEST_SKIP() << "no Chromium on PATH for the page check (install-deps.sh installs it)";
  }

  void TearDown() override {
    spawnd_functest::TearDown();
    delete daemon_;
    daemon_ = nullptr;
  }

  void start(const std::string& fix_rounds) {
    auto opts = options("llmturns");
    opts.env["SPAWN_GENERATION_CHAIN"] = "anthropic";
    opts.env["SPAWN_GENERATION_ANTHROPIC_BASE_URL"] = server_.base_url();
    opts.env["SPAWN_ANTHROPIC_API_KEY"] = "sk-ant-fixloop";
    opts.env["SPAWN_GENERATION_CACHE_TTL_SECONDS"] = "0";
    opts.env["SPAWN_GENERATION_FIX_ROUNDS"] = fix_rounds;
    daemon_ = new spawnd_process(opts);
    ASSERT_TRUE(daemon_->start()) << daemon_->error();
  }

  std::string events(const std::string& id) {
    auto res = d().call("GET", "/api/v1/sessions/" + id + "/events");
    std::string out;
    auto body = res ? parse_or_null(res->body) : json{};
    if (body.is_object() && body["events"].is_array())
      for (auto& e : body["events"])
        out += e.value("message", "") + "\n";
    return out;
  }

  json thread(const std::string& id) {
    auto res = d().call("GET", "/api/v1/sessions/" + id + "/messages");
    return res ? parse_or_null(res->body)["messages"] : json{};
  }

  /// The platform's answer to turn `n`, once it has one (null after 90 s).
  json answer_of(const std::string& id, int n) {
    auto deadline = clock_type::now() + 90s;
    while (clock_type::now() < deadline) {
      auto th = thread(id);
      if (th.is_array())
        for (auto& m : th)
          if (m.value("role", "") == "assistant" && m.value("turn", -1) == n)
            return m;
      std::this_thread::sleep_for(200ms);
    }
    ADD_FAILURE() << "turn " << n << " of " << id << " has no answer; thread: " << thread(id);
    return nullptr;
  }

  llm_test_server server_;
};

TEST_F(llm_turns_functest, a_broken_first_version_is_fixed_by_the_next_round) {
  server_.push(answer(manifest("Broken Board", broken_js)));
  server_.push(answer(manifest("Fixed Board", clean_js)));
  start("2");
  auto created = create({{"prompt", "a kanban board"}, {"app_type", "webapp"}});
  ASSERT_TRUE(created.is_object());
  auto id = created["id"].get<std::string>();
  auto s = wait_for_state(id, "running", 90s);
  ASSERT_EQ(s.value("state", ""), "running") << s;
  // The check finds the syntax error and a fix turn follows on its own.
  auto fix = answer_of(id, 1);
  ASSERT_TRUE(fix.is_object());
  EXPECT_EQ(fix.value("status", ""), "done") << fix;
  EXPECT_EQ(fix.value("version", 0), 2) << fix;
  ASSERT_EQ(server_.request_count(), 2u);
  auto second = server_.requests()[1].body;
  EXPECT_NE(second.find("SyntaxError"), std::string::npos)
    << "the errors did not go back to the model: " << second.substr(0, 2000);
  auto th = thread(id);
  bool fix_turn = false;
  for (auto& m : th)
    fix_turn = fix_turn || (m.value("turn", 0) == 1 && m.value("kind", "") == "fix");
  EXPECT_TRUE(fix_turn) << th;
  auto log = events(id);
  EXPECT_NE(log.find("SyntaxError"), std::string::npos) << log;
  EXPECT_NE(log.find("fix round 1 of 2"), std::string::npos) << log;
  auto now = get(id);
  auto page = get_url(now.value("app_url", "") + "/app.js");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body, clean_js);
}

TEST_F(llm_turns_functest, a_turn_fixed_in_one_round_serves_and_one_that_stays_broken_never_does) {
  server_.push(answer(manifest("Clean Board", clean_js)));
  start("1");
  auto created = create({{"prompt", "a kanban board"}, {"app_type", "webapp"}});
  ASSERT_TRUE(created.is_object());
  auto id = created["id"].get<std::string>();
  auto token = created["manage_token"].get<std::string>();
  auto s = wait_for_state(id, "running", 90s);
  ASSERT_EQ(s.value("state", ""), "running") << s;
  std::this_thread::sleep_for(3s); // the first version's check: clean, no fix turn
  EXPECT_EQ(server_.request_count(), 1u) << events(id);
  auto base = "/api/v1/sessions/" + id;
  std::vector<std::pair<std::string, std::string>> auth{{"X-Manage-Token", token}};

  // Broken, then fixed: one version, made in one fix round.
  server_.push(answer(manifest("Blue Board", "window.addEventListener('load', () => notThere());\n")));
  server_.push(answer(manifest("Blue Board", clean_js)));
  auto res = d().call("POST", base + "/messages", json{{"prompt", "call it Blue Board"}}.dump(), auth);
  ASSERT_TRUE(res && res->status == 202) << (res ? res->body : message_of(res.error()));
  auto n = parse_or_null(res->body).value("turn", 0);
  auto a = answer_of(id, n);
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a.value("status", ""), "done") << a;
  EXPECT_EQ(a.value("version", 0), 2) << a;
  EXPECT_EQ(server_.request_count(), 3u);
  EXPECT_NE(server_.requests()[2].body.find("notThere is not defined"), std::string::npos);

  // Broken twice with one round allowed: the turn fails, version 2 serves on.
  server_.push(answer(manifest("Red Board", broken_js)));
  server_.push(answer(manifest("Red Board", "const still = ;\n")));
  res = d().call("POST", base + "/messages", json{{"prompt", "call it Red Board"}}.dump(), auth);
  ASSERT_TRUE(res && res->status == 202) << (res ? res->body : message_of(res.error()));
  n = parse_or_null(res->body).value("turn", 0);
  a = answer_of(id, n);
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a.value("status", ""), "failed") << a;
  EXPECT_NE(a.value("text", "").find("after 1 fix round"), std::string::npos) << a;
  EXPECT_EQ(server_.request_count(), 5u) << "more model calls than fix_rounds allows";
  auto now = get(id);
  EXPECT_EQ(now.value("version", 0), 2) << now;
  auto page = get_url(now.value("app_url", "") + "/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("Blue Board"), std::string::npos) << page->body.substr(0, 300);
  auto log = events(id);
  EXPECT_NE(log.find("fix round 1 of 1"), std::string::npos) << log;
}

// A turn cut by kill -9 is never lost silently (issue 15 item 7): after the
// restart it is reported failed and the version before serves on.
TEST_F(llm_turns_functest, a_turn_interrupted_by_kill_9_is_reported_after_the_restart) {
  server_.push(answer(manifest("Steady Board", clean_js)));
  start("2");
  auto created = create({{"prompt", "a kanban board"}, {"app_type", "webapp"}});
  ASSERT_TRUE(created.is_object());
  auto id = created["id"].get<std::string>();
  auto token = created["manage_token"].get<std::string>();
  auto s = wait_for_state(id, "running", 90s);
  ASSERT_EQ(s.value("state", ""), "running") << s;
  // The model takes its time: the turn is generating when spawnd dies.
  auto slow = answer(manifest("Never Board", clean_js));
  slow.delay_before_ms = 15000;
  server_.push(slow);
  auto res = d().call("POST", "/api/v1/sessions/" + id + "/messages",
                      json{{"prompt", "call it Never Board"}}.dump(), {{"X-Manage-Token", token}});
  ASSERT_TRUE(res && res->status == 202) << (res ? res->body : message_of(res.error()));
  auto n = parse_or_null(res->body).value("turn", 0);
  auto deadline = clock_type::now() + 10s;
  while (server_.request_count() < 2 && clock_type::now() < deadline)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(server_.request_count(), 2u) << "the turn never reached the model";
  ASSERT_EQ(d().signal_and_wait(SIGKILL), 128 + SIGKILL);
  ASSERT_TRUE(d().start()) << d().error();
  auto a = answer_of(id, n);
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a.value("status", ""), "failed") << a;
  EXPECT_NE(a.value("text", "").find("Interrupted by a restart"), std::string::npos) << a;
  auto now = wait_for_state(id, "running", 60s);
  EXPECT_EQ(now.value("version", 0), 1) << now;
  auto page = get_url(now.value("app_url", "") + "/");
  ASSERT_TRUE(page) << message_of(page.error());
  EXPECT_NE(page->body.find("Steady Board"), std::string::npos) << page->body.substr(0, 300);
  // The session takes turns again.
  server_.push(answer(manifest("Next Board", clean_js)));
  res = d().call("POST", "/api/v1/sessions/" + id + "/messages",
                 json{{"prompt", "call it Next Board"}}.dump(), {{"X-Manage-Token", token}});
  ASSERT_TRUE(res && res->status == 202) << (res ? res->body : message_of(res.error()));
  a = answer_of(id, parse_or_null(res->body).value("turn", 0));
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a.value("status", ""), "done") << a;
}

} // namespace spawn::test::functest
