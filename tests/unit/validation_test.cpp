#include "http/validation.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/error.hpp"

using namespace spawn;

namespace {

spawn_config config() {
  return *parse_config("{}");
}

std::string body(const std::string& prompt, const std::string& extra = "") {
  nlohmann::json j{{"prompt", prompt}};
  auto s = j.dump();
  if (!extra.empty())
    s = s.substr(0, s.size() - 1) + "," + extra + "}";
  return s;
}

void expect_invalid(const std::string& b, const std::string& field) {
  auto r = parse_create_request(b, config(), "1.2.3.4");
  ASSERT_FALSE(r) << b;
  EXPECT_EQ(code_of(r.error()), errc::invalid_input);
  EXPECT_NE(message_of(r.error()).find(field), std::string::npos) << message_of(r.error());
}

} // namespace

TEST(validation_test, a_good_request_parses) {
  auto r = parse_create_request(body("a todo list", R"("app_type": "api", "ttl_seconds": 600)"),
                                config(), "1.2.3.4");
  ASSERT_TRUE(r) << message_of(r.error());
  EXPECT_EQ(r->prompt, "a todo list");
  EXPECT_EQ(r->type, app_type::api);
  EXPECT_EQ(r->ttl_seconds, 600);
  EXPECT_EQ(r->owner, "1.2.3.4");
}

TEST(validation_test, app_type_defaults_to_webapp_and_ttl_to_zero) {
  auto r = parse_create_request(body("x"), config(), "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, app_type::webapp);
  EXPECT_EQ(r->ttl_seconds, 0);
}

TEST(validation_test, prompt_bounds) {
  expect_invalid(body(""), "prompt");
  expect_invalid(body("   \n\t"), "prompt");
  expect_invalid(body(std::string(2001, 'a')), "2001");
  EXPECT_TRUE(parse_create_request(body(std::string(2000, 'a')), config(), ""));
  // 2,000 characters of 2 bytes each are still 2,000 characters.
  std::string accents;
  for (int i = 0; i < 2000; ++i)
    accents += "\xc3\xa9";
  EXPECT_TRUE(parse_create_request(body(accents), config(), ""));
  expect_invalid(R"({"prompt": 42})", "prompt");
  expect_invalid(R"({"prompt": null})", "prompt");
  expect_invalid(R"({"app_type": "webapp"})", "prompt");
}

TEST(validation_test, bad_app_types_and_ttls) {
  expect_invalid(body("x", R"("app_type": "game")"), "app_type");
  expect_invalid(body("x", R"("app_type": 3)"), "app_type");
  expect_invalid(body("x", R"("ttl_seconds": 1)"), "ttl_seconds");
  expect_invalid(body("x", R"("ttl_seconds": 999999999)"), "ttl_seconds");
  expect_invalid(body("x", R"("ttl_seconds": -5)"), "ttl_seconds");
  expect_invalid(body("x", R"("ttl_seconds": "600")"), "ttl_seconds");
  expect_invalid(body("x", R"("ttl_seconds": 60.5)"), "ttl_seconds");
}

TEST(validation_test, malformed_bodies) {
  for (auto b : {"", "{", "[]", "\"prompt\"", "null", "{\"prompt\": \"x\",}", "\x80\x81"})
    expect_invalid(b, "");
}

TEST(validation_test, utf8_length_counts_code_points_and_rejects_garbage) {
  EXPECT_EQ(utf8_length("abc"), 3);
  EXPECT_EQ(utf8_length("\xc3\xa9t\xc3\xa9"), 3);
  EXPECT_EQ(utf8_length("\xf0\x9f\x8d\x85"), 1);
  EXPECT_EQ(utf8_length("\xc3"), -1);
  EXPECT_EQ(utf8_length("\xff"), -1);
}

TEST(validation_test, extend_bodies) {
  auto cfg = config();
  EXPECT_EQ(*parse_extend_request("", cfg), 0);
  EXPECT_EQ(*parse_extend_request(R"({"seconds": 600})", cfg), 600);
  EXPECT_FALSE(parse_extend_request(R"({"seconds": 0})", cfg));
  EXPECT_FALSE(parse_extend_request(R"({"seconds": "x"})", cfg));
  EXPECT_FALSE(parse_extend_request("{", cfg));
}

// A small in-process fuzz: random bytes and mutated JSON never crash the parser
// and always give either a request or an invalid_input error.
TEST(validation_test, random_inputs_never_crash) {
  std::mt19937 rng{1234};
  auto cfg = config();
  std::string seed = body("a timer", R"("app_type": "webapp", "ttl_seconds": 600)");
  for (int i = 0; i < 20000; ++i) {
    std::string input = seed;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      auto pos = rng() % (input.size() + 1);
      switch (rng() % 3) {
        case 0: input.insert(pos, 1, static_cast<char>(rng() % 256)); break;
        case 1: if (pos < input.size()) input.erase(pos, 1); break;
        default: if (pos < input.size()) input[pos] = static_cast<char>(rng() % 256); break;
      }
    }
    auto r = parse_create_request(input, cfg, "");
    if (!r) {
      ASSERT_EQ(code_of(r.error()), errc::invalid_input);
    }
  }
}

// Issue 13 (9): a NUL would be cut off by PostgreSQL; control characters are refused.
TEST(validation_test, control_characters_in_the_prompt_are_refused) {
  for (std::string bad : {std::string{"a todo\0 list", 12}, std::string{"\0", 1}, std::string{"x\x01y"},
                          std::string{"bell\x07"}, std::string{"esc\x1b[31m"}, std::string{"del\x7f"},
                          std::string{"c1 \xc2\x85 next line"}, std::string{"csi \xc2\x9b"}})
    expect_invalid(body(bad), "control character");
  auto ok = parse_create_request(body("line one\nline two\r\n\tindented \xc2\xa0nbsp caf\xc3\xa9"),
                                 config(), "1.2.3.4");
  ASSERT_TRUE(ok) << message_of(ok.error());
  EXPECT_EQ(ok->prompt, "line one\nline two\r\n\tindented \xc2\xa0nbsp caf\xc3\xa9");
  EXPECT_EQ(control_char_at(std::string{"ab\0", 3}), 2);
  EXPECT_EQ(control_char_at("plain"), -1);
}
