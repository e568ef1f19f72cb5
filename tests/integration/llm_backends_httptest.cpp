// The LLM backends against a local server speaking each real wire protocol.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "infra/anthropic_generator.hpp"
#include "infra/chain_generator.hpp"
#include "infra/openai_generator.hpp"
#include "infra/template_generator.hpp"
#include "llm_test_server.hpp"

using namespace spawn;
using namespace spawn::test;
using nlohmann::json;

namespace {

constexpr const char* secret_key = "sk-ant-test-SECRET-0123456789";

llm_settings settings_for(const llm_test_server& srv, std::string key = secret_key) {
  llm_settings s;
  s.base_url = srv.base_url();
  s.model = "claude-test";
  s.api_key = std::move(key);
  s.max_tokens = 4000;
  s.timeouts.connect_ms = 2000;
  s.timeouts.idle_ms = 3000;
  s.timeouts.total_ms = 10000;
  s.input_usd_per_mtok = 3;
  s.output_usd_per_mtok = 15;
  s.progress_interval_ms = 0;
  return s;
}

/// Records everything a generator reports.
struct recorder {
  std::vector<std::string> progress;
  std::vector<token_usage> usage;
  int64_t retry_after = -1;
  generation_observer observer() {
    generation_observer o;
    o.progress = [this](const std::string& s) { progress.push_back(s); };
    o.usage = [this](const token_usage& u) { usage.push_back(u); };
    o.retry_after = [this](int64_t ms) { retry_after = ms; };
    return o;
  }
  std::string all_text() const {
    std::string out;
    for (auto& p : progress)
      out += p + "\n";
    return out;
  }
};

generation_request webapp(std::string prompt = "a pomodoro timer") {
  generation_request req;
  req.prompt = std::move(prompt);
  req.type = app_type::webapp;
  return req;
}

} // namespace

TEST(llm_backends_httptest, anthropic_streams_an_app_with_usage) {
  llm_test_server srv;
  srv.push(sse_reply(anthropic_stream(webapp_manifest("Focus Timer"), 1200, 850, 8)));
  anthropic_generator gen{settings_for(srv)};
  recorder rec;
  auto app = gen.generate_observed(webapp(), rec.observer());
  ASSERT_TRUE(app) << message_of(app.error());
  EXPECT_EQ(app->title, "Focus Timer");
  EXPECT_EQ(app->backend, "anthropic");
  EXPECT_EQ(app->model, "claude-test");
  EXPECT_EQ(app->files.size(), 3u);
  ASSERT_EQ(rec.usage.size(), 1u);
  EXPECT_EQ(rec.usage[0].input_tokens, 1200);
  EXPECT_EQ(rec.usage[0].output_tokens, 850);
  EXPECT_NEAR(rec.usage[0].cost_usd, (1200 * 3 + 850 * 15) / 1e6, 1e-12);
  EXPECT_FALSE(rec.progress.empty()); // tokens streamed
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].path, "/v1/messages");
  EXPECT_EQ(reqs[0].headers["x-api-key"], secret_key);
  EXPECT_EQ(reqs[0].headers["anthropic-version"], "2023-06-01");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/json");
  auto body = json::parse(reqs[0].body);
  EXPECT_EQ(body["model"], "claude-test");
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["max_tokens"], 4000);
  EXPECT_NE(body["system"].get<std::string>().find("\"files\""), std::string::npos);
  EXPECT_NE(body["messages"][0]["content"].get<std::string>().find("a pomodoro timer"),
            std::string::npos);
}

TEST(llm_backends_httptest, anthropic_http_failures_map_to_errors) {
  llm_test_server srv;
  anthropic_generator gen{settings_for(srv)};
  {
    srv.push(error_reply(429, "rate limited", {{"retry-after", "2"}}));
    recorder rec;
    auto app = gen.generate_observed(webapp(), rec.observer());
    ASSERT_FALSE(app);
    EXPECT_EQ(code_of(app.error()), errc::rate_limited);
    EXPECT_EQ(rec.retry_after, 2000);
    EXPECT_NE(message_of(app.error()).find("rate limited"), std::string::npos);
  }
  {
    srv.push(error_reply(529, "overloaded"));
    auto app = gen.generate(webapp());
    ASSERT_FALSE(app);
    EXPECT_EQ(code_of(app.error()), errc::rate_limited);
  }
  {
    srv.push(error_reply(500, "boom"));
    auto app = gen.generate(webapp());
    ASSERT_FALSE(app);
    EXPECT_EQ(code_of(app.error()), errc::unavailable);
    EXPECT_TRUE(retryable(app.error()));
  }
  {
    srv.push(error_reply(401, "invalid x-api-key"));
    auto app = gen.generate(webapp());
    ASSERT_FALSE(app);
    EXPECT_EQ(code_of(app.error()), errc::unauthorized);
    EXPECT_FALSE(retryable(app.error()));
    EXPECT_EQ(message_of(app.error()).find(secret_key), std::string::npos);
  }
}

TEST(llm_backends_httptest, anthropic_broken_streams_are_errors) {
  llm_test_server srv;
  auto s = settings_for(srv);
  s.timeouts.idle_ms = 400;
  anthropic_generator gen{s};
  // Cut in the middle of the chunked body.
  auto cut = sse_reply(anthropic_stream(webapp_manifest("X"), 10, 10, 6));
  cut.chunks.resize(4);
  cut.cut = true;
  srv.push(cut);
  auto a = gen.generate(webapp());
  ASSERT_FALSE(a);
  EXPECT_EQ(code_of(a.error()), errc::io_error) << message_of(a.error());
  // Complete HTTP body but no message_stop.
  srv.push(sse_reply(anthropic_stream(webapp_manifest("X"), 10, 10, 6, false)));
  auto b = gen.generate(webapp());
  ASSERT_FALSE(b);
  EXPECT_NE(message_of(b.error()).find("message_stop"), std::string::npos);
  // Slow: silence longer than the idle timeout.
  auto slow = sse_reply(anthropic_stream(webapp_manifest("X"), 10, 10, 3));
  slow.delay_between_ms = 1500;
  srv.push(slow);
  auto c = gen.generate(webapp());
  ASSERT_FALSE(c);
  EXPECT_EQ(code_of(c.error()), errc::timeout) << message_of(c.error());
  EXPECT_NE(message_of(c.error()).find("idle"), std::string::npos);
  // Garbage instead of HTTP.
  llm_test_server::reply junk;
  junk.raw = std::string("\x16\x03\x01garbage\0\xff\r\n\r\n", 16);
  srv.push(junk);
  auto d = gen.generate(webapp());
  ASSERT_FALSE(d);
  EXPECT_EQ(code_of(d.error()), errc::io_error);
  // Garbage inside a 200 event stream.
  srv.push(sse_reply({"event: content_block_delta\ndata: {not json\n\n"}));
  auto e = gen.generate(webapp());
  ASSERT_FALSE(e);
  EXPECT_EQ(code_of(e.error()), errc::io_error);
  // An error event mid-stream.
  auto overloaded = anthropic_stream(webapp_manifest("X"), 10, 10, 2);
  overloaded.insert(overloaded.begin() + 3,
                    "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                    "\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
  srv.push(sse_reply(overloaded));
  auto f = gen.generate(webapp());
  ASSERT_FALSE(f);
  EXPECT_EQ(code_of(f.error()), errc::unavailable);
  // A streamed answer that breaks the output contract.
  srv.push(sse_reply(anthropic_stream(R"({"files":[{"path":"../x","content":"1"}]})", 10, 10)));
  auto g = gen.generate(webapp());
  ASSERT_FALSE(g);
  EXPECT_EQ(code_of(g.error()), errc::generation_failed);
}

TEST(llm_backends_httptest, budget_stops_a_runaway_stream) {
  llm_test_server srv;
  // A server that ignores max_tokens and streams 200 KB.
  srv.push(sse_reply(anthropic_stream(std::string(200000, 'a'), 100, 50000, 200)));
  anthropic_generator gen{settings_for(srv)};
  auto req = webapp();
  req.token_budget = 5000;
  recorder rec;
  auto app = gen.generate_observed(req, rec.observer());
  ASSERT_FALSE(app);
  EXPECT_EQ(code_of(app.error()), errc::budget_exceeded);
  ASSERT_EQ(rec.usage.size(), 1u);
  // Stopped near the budget (curl hands over up to 16 KiB at once), not at 50k.
  EXPECT_LE(rec.usage[0].output_tokens, 12000);
  auto body = json::parse(srv.requests().at(0).body);
  EXPECT_LT(body["max_tokens"].get<int64_t>(), 5000); // asked for no more than the budget
  // A budget too small for any call makes none.
  req.token_budget = 100;
  auto none = gen.generate(req);
  ASSERT_FALSE(none);
  EXPECT_EQ(code_of(none.error()), errc::budget_exceeded);
  EXPECT_EQ(srv.request_count(), 1u);
}

TEST(llm_backends_httptest, openai_compatible_streams_an_app) {
  llm_test_server srv;
  srv.push(sse_reply(openai_stream(webapp_manifest("Notes"), 300, 700, 5)));
  auto s = settings_for(srv, "");
  s.model = "qwen2.5-coder:7b";
  openai_generator gen{s};
  recorder rec;
  auto app = gen.generate_observed(webapp("a notes app"), rec.observer());
  ASSERT_TRUE(app) << message_of(app.error());
  EXPECT_EQ(app->title, "Notes");
  EXPECT_EQ(app->backend, "openai");
  ASSERT_EQ(rec.usage.size(), 1u);
  EXPECT_EQ(rec.usage[0].input_tokens, 300);
  EXPECT_EQ(rec.usage[0].output_tokens, 700);
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/v1/chat/completions");
  EXPECT_EQ(reqs[0].headers.count("authorization"), 0u); // no key: no header (Ollama)
  auto body = json::parse(reqs[0].body);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  // With a key: a bearer token; without [DONE]: an error; no usage: estimated.
  openai_generator keyed{settings_for(srv, "sk-openai-SECRET")};
  srv.push(sse_reply(openai_stream(webapp_manifest("Notes"), 1, 1, 3, false)));
  auto cut = keyed.generate(webapp());
  ASSERT_FALSE(cut);
  EXPECT_NE(message_of(cut.error()).find("[DONE]"), std::string::npos);
  EXPECT_EQ(srv.requests().back().headers["authorization"], "Bearer sk-openai-SECRET");
  auto no_usage = openai_stream(webapp_manifest("Notes"), 1, 1, 3);
  no_usage.erase(no_usage.end() - 2); // drop the usage chunk
  srv.push(sse_reply(no_usage));
  recorder est;
  ASSERT_TRUE(keyed.generate_observed(webapp(), est.observer()));
  ASSERT_EQ(est.usage.size(), 1u);
  EXPECT_GT(est.usage[0].input_tokens, 100);
  EXPECT_GT(est.usage[0].output_tokens, 50);
  srv.push(error_reply(400, "model 'nope' not found"));
  auto bad = keyed.generate(webapp());
  ASSERT_FALSE(bad);
  EXPECT_EQ(code_of(bad.error()), errc::invalid_input);
  EXPECT_NE(message_of(bad.error()).find("not found"), std::string::npos);
}

TEST(llm_backends_httptest, chain_retries_then_falls_back) {
  llm_test_server ant;
  llm_test_server oai;
  ant.push(error_reply(429, "slow down", {{"retry-after", "0"}}));
  ant.push(sse_reply(anthropic_stream(webapp_manifest("Second Try"), 10, 20)));
  std::vector<int64_t> slept;
  auto sleeper = [&](int64_t ms) { slept.push_back(ms); };
  chain_settings cs;
  cs.attempts_per_backend = 2;
  cs.backoff_ms = 700;
  auto anthropic = std::make_shared<anthropic_generator>(settings_for(ant));
  auto openai = std::make_shared<openai_generator>(settings_for(oai, ""));
  chain_generator chain{{anthropic, openai, std::make_shared<template_generator>()}, cs, sleeper};
  EXPECT_EQ(chain.name(), "anthropic>openai>template");
  recorder rec;
  auto app = chain.generate_observed(webapp(), rec.observer());
  ASSERT_TRUE(app) << message_of(app.error());
  EXPECT_EQ(app->title, "Second Try");
  EXPECT_EQ(slept, (std::vector<int64_t>{0})); // the server's retry-after, not the backoff
  EXPECT_EQ(oai.request_count(), 0u);
  // anthropic fails twice (500), openai sends a cut stream twice, the template answers.
  ant.push(error_reply(500, "down"));
  ant.push(error_reply(500, "down"));
  oai.set_default(sse_reply(openai_stream(webapp_manifest("x"), 1, 1, 2, false)));
  slept.clear();
  recorder fb;
  auto fallback = chain.generate_observed(webapp("a todo list"), fb.observer());
  ASSERT_TRUE(fallback) << message_of(fallback.error());
  EXPECT_EQ(fallback->backend, "template");
  EXPECT_EQ(slept, (std::vector<int64_t>{700, 700}));
  auto text = fb.all_text();
  EXPECT_NE(text.find("anthropic gave up"), std::string::npos) << text;
  EXPECT_NE(text.find("falling back to openai"), std::string::npos) << text;
  EXPECT_NE(text.find("falling back to template"), std::string::npos) << text;
  EXPECT_NE(text.find("retry 2 of 2"), std::string::npos) << text;
  EXPECT_EQ(text.find(secret_key), std::string::npos);
  // A refused key is not retried.
  ant.push(error_reply(401, "bad key"));
  slept.clear();
  ASSERT_TRUE(chain.generate(webapp()));
  EXPECT_EQ(slept, (std::vector<int64_t>{700})); // only openai's retry waited
}

TEST(llm_backends_httptest, chain_budget_counts_retries) {
  llm_test_server ant;
  // Each call uses 3000 tokens then breaks the contract: retries must stop at the budget.
  ant.set_default(sse_reply(anthropic_stream("not an app at all", 1000, 2000)));
  chain_settings cs;
  cs.attempts_per_backend = 10;
  cs.backoff_ms = 1;
  chain_generator chain{{std::make_shared<anthropic_generator>(settings_for(ant))}, cs,
                        [](int64_t) {}};
  auto req = webapp();
  req.token_budget = 7000;
  recorder rec;
  auto app = chain.generate_observed(req, rec.observer());
  ASSERT_FALSE(app);
  EXPECT_EQ(code_of(app.error()), errc::budget_exceeded) << message_of(app.error());
  EXPECT_LE(ant.request_count(), 3u);
  int64_t total = 0;
  for (auto& u : rec.usage)
    total += u.input_tokens + u.output_tokens;
  EXPECT_GE(total, 6000);
}
