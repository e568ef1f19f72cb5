// Whole sessions through each generation backend: spawnd (a real process)
// talks to a local test double of the paid API speaking its real wire
// protocol, or runs a test double of the coding CLI; the app then runs in its
// container. Also: the prompt cache, token accounting, budgets and secrets.

#include <fstream>
#include <sstream>

#include <unistd.h>

#include "build_paths.hpp"
#include "core/tokens.hpp"
#include "persistence/pg_store.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"
#include "tests/integration/llm_test_server.hpp"

namespace spawn::test::functest {

namespace {

constexpr const char* secret_key = "sk-ant-functest-SECRET-4242";

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// The environment variables of a container, as the engine reports them.
std::string container_env(const std::string& name) {
  spawn::http_request req;
  req.url = "http://localhost/containers/" + name + "/json";
  req.unix_socket = "/var/run/docker.sock";
  auto res = spawn::perform(req);
  if (!res || res->status != 200)
    return "<no container>";
  auto j = parse_or_null(res->body);
  return j.is_object() ? j["Config"]["Env"].dump() : "<bad inspect>";
}

/// The event messages of a session, one per line.
std::string event_text(spawnd_process& d, const std::string& id) {
  auto res = d.call("GET", "/api/v1/sessions/" + id + "/events");
  std::string out;
  if (!res)
    return out;
  auto body = parse_or_null(res->body);
  if (body.is_object() && body["events"].is_array())
    for (auto& e : body["events"])
      out += e.value("message", "") + "\n";
  return out;
}

} // namespace

/// One spawnd per test, configured by the test itself (its backend chain).
class llm_functest : public spawnd_functest {
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
  }

  void TearDown() override {
    spawnd_functest::TearDown();
    delete daemon_;
    daemon_ = nullptr;
  }

  /// Starts spawnd with `env` on top of the functional defaults.
  void start(std::map<std::string, std::string> env) {
    auto opts = options("llmfunc");
    for (auto& [k, v] : env)
      opts.env[k] = v;
    daemon_ = new spawnd_process(opts);
    ASSERT_TRUE(daemon_->start()) << daemon_->error();
  }

  /// Creates a session and waits until it runs; returns its final GET.
  json run(const json& request) {
    auto created = create(request);
    if (created.is_null())
      return created;
    return wait_for_state(created["id"].get<std::string>(), "running", 90s);
  }

  llm_test_server server_;
};

TEST_F(llm_functest, anthropic_session_runs_is_accounted_and_cached) {
  server_.set_default(sse_reply(anthropic_stream(webapp_manifest("Streamed Pomodoro"), 1200, 850, 12)));
  start({{"SPAWN_GENERATION_CHAIN", "anthropic"},
         {"SPAWN_GENERATION_ANTHROPIC_BASE_URL", server_.base_url()},
         {"SPAWN_GENERATION_ANTHROPIC_MODEL", "claude-functest"},
         {"SPAWN_ANTHROPIC_API_KEY", secret_key}});
  auto prompt = "a pomodoro timer with a dark theme #" + std::to_string(::getpid());
  auto s = run({{"prompt", prompt}, {"app_type", "webapp"}});
  ASSERT_EQ(s.value("state", ""), "running") << s;
  auto page = get_url(s["app_url"].get<std::string>());
  ASSERT_TRUE(page) << spawn::message_of(page.error());
  EXPECT_NE(page->body.find("Streamed Pomodoro"), std::string::npos) << page->body.substr(0, 300);
  EXPECT_EQ(server_.request_count(), 1u);
  EXPECT_EQ(server_.requests()[0].headers["x-api-key"], secret_key);
  // Tokens and their cost, in the session's costs.
  auto& costs = s["costs"];
  EXPECT_EQ(costs.value("input_tokens", 0), 1200) << s;
  EXPECT_EQ(costs.value("output_tokens", 0), 850) << s;
  EXPECT_NEAR(costs.value("generation_usd", 0.0), (1200 * 3.0 + 850 * 15.0) / 1e6, 1e-9) << s;
  auto id = s["id"].get<std::string>();
  auto events = event_text(d(), id);
  EXPECT_NE(events.find("Generating with anthropic (claude-functest)"), std::string::npos) << events;
  EXPECT_NE(events.find("1200 input + 850 output tokens"), std::string::npos) << events;
  EXPECT_NE(events.find("by the anthropic backend"), std::string::npos) << events;

  // The same request again: served from the prompt cache, no model call.
  auto again = run({{"prompt", prompt}, {"app_type", "webapp"}});
  ASSERT_EQ(again.value("state", ""), "running") << again;
  EXPECT_EQ(server_.request_count(), 1u) << "the second identical session called the model";
  auto again_events = event_text(d(), again["id"].get<std::string>());
  EXPECT_NE(again_events.find("Prompt cache"), std::string::npos) << again_events;
  EXPECT_EQ(again["costs"].value("input_tokens", -1), 0) << again;
  auto cached_page = get_url(again["app_url"].get<std::string>());
  ASSERT_TRUE(cached_page);
  EXPECT_NE(cached_page->body.find("Streamed Pomodoro"), std::string::npos);
  // A lifetime is not part of the request: still from the cache.
  auto other = run({{"prompt", prompt}, {"app_type", "webapp"}, {"ttl_seconds", 60}});
  EXPECT_EQ(other.value("state", ""), "running") << other;
  EXPECT_EQ(server_.request_count(), 1u) << "a TTL is not part of the cache key";

  // The key is in no log, no event, no container.
  auto log = read_file(d().log_path());
  EXPECT_EQ(log.find(secret_key), std::string::npos) << "the API key is in spawnd's log";
  EXPECT_EQ(events.find(secret_key), std::string::npos);
  auto env = container_env(container_name(id));
  EXPECT_EQ(env.find(secret_key), std::string::npos) << env;
  EXPECT_EQ(env.find("ANTHROPIC"), std::string::npos) << env;
}

TEST_F(llm_functest, openai_compatible_session_runs) {
  server_.set_default(sse_reply(openai_stream(webapp_manifest("Local Model Notes"), 400, 600, 6)));
  start({{"SPAWN_GENERATION_CHAIN", "openai"},
         {"SPAWN_GENERATION_OPENAI_BASE_URL", server_.base_url()},
         {"SPAWN_GENERATION_OPENAI_MODEL", "qwen-test"}});
  auto s = run({{"prompt", "a notes app " + std::to_string(::getpid())}, {"app_type", "webapp"}});
  ASSERT_EQ(s.value("state", ""), "running") << s;
  auto page = get_url(s["app_url"].get<std::string>());
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("Local Model Notes"), std::string::npos);
  EXPECT_EQ(s["costs"].value("output_tokens", 0), 600) << s;
  EXPECT_EQ(server_.requests().at(0).path, "/v1/chat/completions");
}

TEST_F(llm_functest, failing_backend_falls_back_to_the_template) {
  server_.set_default(error_reply(500, "upstream exploded"));
  start({{"SPAWN_GENERATION_CHAIN", "openai,template"},
         {"SPAWN_GENERATION_OPENAI_BASE_URL", server_.base_url()},
         {"SPAWN_GENERATION_RETRY_BACKOFF_MS", "50"}});
  auto s = run({{"prompt", "a todo list with priorities"}, {"app_type", "webapp"}});
  ASSERT_EQ(s.value("state", ""), "running") << s;
  EXPECT_EQ(server_.request_count(), 2u); // two attempts, then the fallback
  auto events = event_text(d(), s["id"].get<std::string>());
  EXPECT_NE(events.find("retry 2 of 2"), std::string::npos) << events;
  EXPECT_NE(events.find("falling back to template"), std::string::npos) << events;
  EXPECT_NE(events.find("by the template backend"), std::string::npos) << events;
}

TEST_F(llm_functest, token_budget_stops_a_runaway_generation) {
  // Every answer costs 3000 tokens and breaks the contract: retries would go on.
  server_.set_default(sse_reply(anthropic_stream("I cannot produce JSON today.", 1000, 2000)));
  start({{"SPAWN_GENERATION_CHAIN", "anthropic"},
         {"SPAWN_GENERATION_ANTHROPIC_BASE_URL", server_.base_url()},
         {"SPAWN_ANTHROPIC_API_KEY", secret_key},
         {"SPAWN_GENERATION_ATTEMPTS_PER_BACKEND", "5"},
         {"SPAWN_GENERATION_RETRY_BACKOFF_MS", "10"},
         {"SPAWN_GENERATION_SESSION_TOKEN_BUDGET", "7000"}});
  auto created = create({{"prompt", "a quiz about planets"}, {"app_type", "webapp"}});
  ASSERT_FALSE(created.is_null());
  auto s = wait_for_state(created["id"].get<std::string>(), "failed", 60s);
  EXPECT_NE(s.value("failure_reason", "").find("budget"), std::string::npos) << s;
  EXPECT_LE(server_.request_count(), 3u) << "the budget did not stop the retries";
  EXPECT_GE(s["costs"].value("input_tokens", 0) + s["costs"].value("output_tokens", 0), 6000) << s;
}

TEST_F(llm_functest, owner_token_budget_stops_generation_before_any_call) {
  // The owner (this client, 127.0.0.1) already spent tokens today: a finished
  // session of theirs holding 5,000 is put in the store; the budget is set to
  // exactly what they spent, so nothing is left for a new session.
  spawn::pg_store db{std::getenv("SPAWN_TEST_DATABASE_URL")};
  ASSERT_FALSE(db.migrate());
  session_record past;
  past.id = spawn::new_session_id();
  past.owner = "127.0.0.1";
  past.prompt = "an earlier app";
  past.state = phase::destroyed;
  past.created_at = spawn::now_ms() - 60000;
  past.expires_at = past.created_at + 30000;
  past.destroyed_at = past.created_at + 30000;
  ASSERT_FALSE(db.insert_session(past));
  past.input_tokens = 4000;
  past.output_tokens = 1000;
  event_record ev;
  ev.message = "tokens of an earlier generation";
  ASSERT_TRUE(db.save_transition(past, ev));
  auto spent = db.owner_tokens_since("127.0.0.1", spawn::now_ms() - 24 * 3600 * 1000);
  ASSERT_TRUE(spent && *spent >= 5000);
  server_.set_default(sse_reply(anthropic_stream(webapp_manifest("Never"), 10, 10)));
  start({{"SPAWN_GENERATION_CHAIN", "anthropic"},
         {"SPAWN_GENERATION_ANTHROPIC_BASE_URL", server_.base_url()},
         {"SPAWN_ANTHROPIC_API_KEY", secret_key},
         {"SPAWN_GENERATION_OWNER_TOKEN_BUDGET", std::to_string(*spent)}});
  auto created = create({{"prompt", "a budget-limited app " + std::to_string(::getpid())},
                         {"app_type", "webapp"}});
  ASSERT_FALSE(created.is_null());
  auto s = wait_for_state(created["id"].get<std::string>(), "failed", 60s);
  EXPECT_NE(s.value("failure_reason", "").find("owner's token budget"), std::string::npos) << s;
  EXPECT_EQ(server_.request_count(), 0u) << "a model call was made over the owner's budget";
}

TEST_F(llm_functest, command_backend_builds_a_site_from_client_details) {
  start({{"SPAWN_GENERATION_CHAIN", "command"},
         {"SPAWN_GENERATION_CACHE_TTL_SECONDS", "0"}, // every run goes through the CLI
         {"SPAWN_GENERATION_COMMAND_ARGV",
          json::array({std::string{SPAWN_SOURCE_DIR} + "/tests/fake_cli/good.sh"}).dump()}});
  auto s = run({{"prompt", "a website for my bakery"},
                {"app_type", "site"},
                {"site", {{"name", "Boulangerie Martin"}, {"trade", "bakery"}, {"city", "Lyon"},
                          {"colors", {"#8b4513"}}}}});
  ASSERT_EQ(s.value("state", ""), "running") << s;
  EXPECT_EQ(s["site"].value("name", ""), "Boulangerie Martin") << s;
  auto base = s["app_url"].get<std::string>();
  for (auto page : {"", "services.html", "about.html", "contact.html"}) {
    auto r = get_url(base + page);
    ASSERT_TRUE(r) << page;
    EXPECT_EQ(r->status, 200) << page;
    EXPECT_NE(r->body.find("Boulangerie Martin"), std::string::npos) << page;
    EXPECT_NE(r->body.find("Written for Boulangerie Martin by the CLI"), std::string::npos) << page;
  }
  auto events = event_text(d(), s["id"].get<std::string>());
  for (auto step : {"Step 1 of 4: analyse", "Step 2 of 4: write content", "Step 3 of 4: adapt design",
                    "Step 4 of 4: validate", "Validating by building"})
    EXPECT_NE(events.find(step), std::string::npos) << step << " in\n" << events;
}

TEST_F(llm_functest, site_details_are_validated) {
  start({});
  auto bad = d().call("POST", "/api/v1/sessions",
                      R"({"prompt":"a site","app_type":"site","site":{"colors":["blue"]}})");
  expect_error(bad, 400, "a colour that is not #rrggbb");
  auto wrong_type = d().call("POST", "/api/v1/sessions",
                             R"({"prompt":"a site","app_type":"webapp","site":{"name":"X"}})");
  expect_error(wrong_type, 400, "site details on a webapp");
  // The offline template builds a site from the details.
  auto s = run({{"prompt", "a website"}, {"app_type", "site"},
                {"site", {{"name", "Garage Dupont"}, {"trade", "car repair"}, {"city", "Nantes"}}}});
  ASSERT_EQ(s.value("state", ""), "running") << s;
  auto page = get_url(s["app_url"].get<std::string>());
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("Garage Dupont"), std::string::npos);
}

} // namespace spawn::test::functest
