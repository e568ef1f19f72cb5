// The one path-safety rule (core/path_safety.hpp) against hostile paths.

#include "core/path_safety.hpp"

#include <gtest/gtest.h>

using namespace spawn;

namespace {

path_problem problem_of(std::string_view raw) {
  path_problem p = path_problem::none;
  EXPECT_FALSE(safe_relative_path(raw, &p)) << raw << " was accepted";
  return p;
}

} // namespace

TEST(path_safety, ordinary_paths_decode) {
  EXPECT_EQ(safe_relative_path("/"), std::string{});
  EXPECT_EQ(safe_relative_path("/index.html"), "index.html");
  EXPECT_EQ(safe_relative_path("/css/site.css"), "css/site.css");
  EXPECT_EQ(safe_relative_path("/a%20b.txt"), "a b.txt");
  EXPECT_EQ(safe_relative_path("/caf%C3%A9.html"), "caf\xc3\xa9.html");
  EXPECT_EQ(safe_relative_path("/x..y.js"), "x..y.js"); // dots inside a name are fine
}

TEST(path_safety, dot_segments_and_backslashes_are_refused) {
  for (auto raw : {"/..", "/../etc/passwd", "/api/v1/sessions/../../etc/passwd", "/a/./b",
                   "/a/..", "/.git/config", "/.env", "/%2e%2e/etc/passwd", "/%2E%2e%2fetc",
                   "/a%2f..%2fb", "/a\\b", "/a%5c..%5cb", "//etc/passwd", "/a//b", "/css/",
                   "relative", ""})
    EXPECT_EQ(problem_of(raw), path_problem::unsafe_segment) << raw;
}

TEST(path_safety, bad_percent_escapes_are_refused) {
  for (auto raw : {"/%", "/a%", "/a%2", "/%zz", "/%g0", "/%0g", "/a%%20"})
    EXPECT_EQ(problem_of(raw), path_problem::bad_escape) << raw;
}

TEST(path_safety, invalid_or_overlong_utf8_is_refused) {
  for (auto raw : {"/%ff", "/%fe%ff", "/%c0%ae", "/%c0%ae%c0%ae/etc", "/%e0%80%ae",
                   "/%f0%80%80%ae", "/%c3", "/%80", "/%ed%a0%80", "/%f4%90%80%80",
                   "/\xff", "/\xc0\xae"})
    EXPECT_EQ(problem_of(raw), path_problem::not_utf8) << raw;
}

TEST(path_safety, control_characters_are_refused) {
  EXPECT_EQ(problem_of("/%00"), path_problem::control_char);
  EXPECT_EQ(problem_of("/index.html%00.js"), path_problem::control_char);
  EXPECT_EQ(problem_of("/a%0d%0aSet-Cookie:x"), path_problem::control_char);
  EXPECT_EQ(problem_of("/a%7f"), path_problem::control_char);
  EXPECT_EQ(problem_of(std::string_view{"/a\0b", 4}), path_problem::control_char);
}

TEST(path_safety, decode_path_keeps_dots_for_routing) {
  // decode_path only checks the encoding; segments are safe_relative_path's job.
  EXPECT_EQ(decode_path("/api/v1/sessions/sabc"), "/api/v1/sessions/sabc");
  EXPECT_EQ(decode_path("/a/../b"), "/a/../b");
  EXPECT_FALSE(decode_path("/api/v1/sessions/%ff"));
  EXPECT_FALSE(decode_path("/api/v1/sessions/%zz"));
  EXPECT_FALSE(decode_path("/api/v1/sessions/%"));
  EXPECT_FALSE(decode_path("/api/v1/sessions/%c0%ae"));
}

TEST(path_safety, every_problem_has_a_description) {
  for (auto p : {path_problem::none, path_problem::bad_escape, path_problem::not_utf8,
                 path_problem::control_char, path_problem::unsafe_segment})
    EXPECT_STRNE(describe(p), "");
}
