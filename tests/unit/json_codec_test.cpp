// The session's JSON written as text (json_codec session_json_text,
// visitor_json_text) is byte for byte what the nlohmann tree dumps.

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "http/json_codec.hpp"
#include "http/json_text.hpp"
#include "http/session_access.hpp"

using namespace spawn;
using nlohmann::json;

namespace {

constexpr epoch_ms now = 1'796'000'000'123;

session_record sample() {
  session_record s;
  s.id = "sq3q0j6lw2y9";
  s.owner = "127.0.0.1";
  s.prompt = "a counter";
  s.state = phase::running;
  s.node_id = "node-1";
  s.app_url = "http://127.0.0.1:32772/";
  s.manage_token_hash = std::string(64, 'a');
  s.message = "Running at http://127.0.0.1:32772/ (ready 1163 ms after the request)";
  s.created_at = now - 5000;
  s.started_at = now - 3877;
  s.expires_at = now + 7'200'000;
  s.estimated_cost = 0.01786;
  s.metadata = R"({"estimated_seconds":2})";
  return s;
}

void expect_same(const session_record& s, const std::string& base) {
  EXPECT_EQ(session_json_text(s, base, now), session_json(s, base, now).dump())
    << "metadata " << s.metadata;
  EXPECT_EQ(visitor_json_text(s, base, now), visitor_json(s, base, now).dump())
    << "metadata " << s.metadata;
}

std::string dumped(void (*write)(json_text&)) {
  std::string out;
  json_text w{out};
  write(w);
  return out;
}

} // namespace

TEST(json_codec, TextOfARunningSessionIsTheTreesDump) {
  auto s = sample();
  expect_same(s, "http://127.0.0.1:8080");
  expect_same(s, "https://spawn.example.com");
  // The bytes a client reads: sorted keys, no spaces, the shortest doubles.
  auto text = session_json_text(s, "http://127.0.0.1:8080", now);
  EXPECT_NE(text.find(R"("costs":{"actual_usd":0.0,"currency":"USD","estimated_usd":0.01786,)"),
            std::string::npos)
    << text;
  EXPECT_NE(text.find(R"("expires_in_seconds":7200,)"), std::string::npos) << text;
  EXPECT_EQ(visitor_json_text(s, "http://h", now),
            R"({"app_url":"http://127.0.0.1:32772/","destroyed_at":null,)"
            R"("expires_at":"2026-11-30T02:53:20.123Z","expires_in_seconds":7200,)"
            R"("id":"sq3q0j6lw2y9","private":true,"progress":100,"state":"running",)"
            R"("status_url":"http://h/api/v1/sessions/sq3q0j6lw2y9"})");
}

TEST(json_codec, TextFollowsEveryPhaseAndOptionalMember) {
  auto s = sample();
  for (auto p : {phase::requested, phase::provisioning, phase::generating, phase::deploying,
                 phase::running, phase::sleeping, phase::failed, phase::destroying,
                 phase::destroyed}) {
    s.state = p;
    expect_same(s, "http://127.0.0.1:8080");
  }
  s.state = phase::failed;
  s.failure_reason = "provisioning failed after 3 attempts";
  s.app_url.clear();
  s.created_at = s.started_at = s.expires_at = s.destroyed_at = 0;
  expect_same(s, "http://127.0.0.1:8080");
  s.expires_at = now - 10'000; // expired: 0 seconds left, never negative
  s.destroyed_at = now;
  expect_same(s, "http://127.0.0.1:8080");
}

TEST(json_codec, TextTakesTheMetadataAsTheTreeDoes) {
  auto s = sample();
  for (auto meta : {
         "{}", "", "not json", "[1,2]", "null", R"({"estimated_seconds":7.9})",
         R"({"site":{"title":"Shop","pages":["/","/cart"]},"egress":["api.example.com"]})",
         R"({"source":{"archive":"/state/x.tar","framework":"next","node":"20"}})",
         R"({"source":"flat"})", R"({"cost_items":[{"what":"generation","usd":0.25}]})",
         R"({"cost_items":{"not":"an array"}})", R"({"queue_position":3})",
         R"({"queue_position":0})", R"({"queue_position":"3"})", R"({"queue_position":2.5})",
         R"({"turn":{"number":4,"prompt":"more"},"version":3})", R"({"turn":"x"})",
         R"({"turn":{}})", R"({"version":-1})", R"({"domains":["a.example.com"]})",
         R"({"domains":"a.example.com"})", R"({"egress":null,"site":null})",
         R"({"unknown":{"deep":[1,{"x":"\u0001"}]}})"}) {
    s.metadata = meta;
    expect_same(s, "http://127.0.0.1:8080");
    s.started_at = 0; // the version reads 1 only once the app ran
    expect_same(s, "http://127.0.0.1:8080");
    s.started_at = now - 1;
  }
}

TEST(json_codec, TextEscapesStringsAsDumpDoes) {
  auto s = sample();
  for (std::string text : {std::string{"quote \" backslash \\ slash /"},
                           std::string{"\b\f\n\r\t"}, std::string{"\x01\x1f\x7f", 3},
                           std::string{"nul \0 inside", 12}, std::string{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
                           std::string{"<script>alert(1)</script>"}, std::string{}}) {
    s.prompt = text;
    s.message = text;
    s.failure_reason = text;
    s.tier = text;
    expect_same(s, "http://127.0.0.1:8080");
  }
  // Text that is not UTF-8 fails the same way in both.
  s.prompt = "bad \xff byte";
  EXPECT_THROW(session_json_text(s, "http://h", now), json::type_error);
  EXPECT_THROW(session_json(s, "http://h", now).dump(), json::type_error);
}

TEST(json_codec, TextOfRandomRecordsIsTheTreesDump) {
  std::mt19937_64 rng{12};
  const std::vector<std::string> pieces{"a", "Z", " ", "\"", "\\", "\n", "\x02", "\x7f", "\xc3\xa9",
                                        "\xe2\x82\xac", "/", "{", "}", "\t", "0"};
  auto text = [&] {
    std::string t;
    for (int n = static_cast<int>(rng() % 12); n > 0; --n)
      t += pieces[rng() % pieces.size()];
    return t;
  };
  std::uniform_real_distribution<double> usd{0, 1000};
  const std::vector<double> odd{0.0, -0.0, 1e-7, 1e21, 0.1 + 0.2, 123456.789, -5,
                                std::numeric_limits<double>::quiet_NaN(),
                                std::numeric_limits<double>::infinity()};
  for (int i = 0; i < 500; ++i) {
    auto s = sample();
    s.id = text();
    s.prompt = text();
    s.message = text();
    s.node_id = text();
    s.app_url = i % 3 ? text() : "";
    s.failure_reason = i % 4 ? "" : text();
    s.state = static_cast<phase>(rng() % 9);
    s.type = static_cast<app_type>(rng() % 4);
    s.estimated_cost = i % 5 ? usd(rng) : odd[rng() % odd.size()];
    s.actual_cost = usd(rng);
    s.generation_cost_usd = odd[rng() % odd.size()];
    s.input_tokens = static_cast<int64_t>(rng() % 100000) - 10;
    s.output_tokens = static_cast<int64_t>(rng());
    s.created_at = static_cast<epoch_ms>(rng() % 4'000'000'000'000);
    s.expires_at = i % 2 ? now + static_cast<epoch_ms>(rng() % 100'000'000) : 0;
    s.metadata = json{{"estimated_seconds", static_cast<int>(rng() % 100)},
                      {"queue_position", static_cast<int>(rng() % 3)},
                      {"cost_items", json::array({json{{"what", text()}}})}}
                   .dump();
    expect_same(s, i % 2 ? "http://127.0.0.1:8080" : "https://a.example.com");
  }
}

TEST(json_codec, JsonTextNumbersAreDumpsNumbers) {
  for (double v : {0.0, -0.0, 0.5, 1.0, 1e-5, 1e15, 1e16, 1e300, 5e-324, 0.01786, -123.25,
                   std::numeric_limits<double>::quiet_NaN(),
                   -std::numeric_limits<double>::infinity()}) {
    std::string out;
    json_text w{out};
    w.number(v);
    EXPECT_EQ(out, json(v).dump()) << v;
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    std::string out;
    json_text w{out};
    w.integer(v);
    EXPECT_EQ(out, json(v).dump());
  }
  EXPECT_EQ(dumped([](json_text& w) {
              w.open_object();
              w.key("a");
              w.open_object();
              w.key("b");
              w.boolean(false);
              w.close_object();
              w.key("c");
              w.null();
              w.close_object();
            }),
            R"({"a":{"b":false},"c":null})");
}
