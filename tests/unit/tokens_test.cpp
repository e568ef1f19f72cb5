#include "core/tokens.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace spawn;

TEST(tokens_test, session_ids_are_dns_labels_and_unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    auto id = new_session_id();
    EXPECT_TRUE(is_session_id(id)) << id;
    EXPECT_TRUE(seen.insert(id).second);
  }
  EXPECT_FALSE(is_session_id(""));
  EXPECT_FALSE(is_session_id("s123"));
  EXPECT_FALSE(is_session_id("S0123456789a"));
  EXPECT_FALSE(is_session_id("s0123456789/"));
  EXPECT_FALSE(is_session_id("s01234'6789a"));
}

TEST(tokens_test, manage_tokens_are_long_random_hex) {
  auto a = new_manage_token(), b = new_manage_token();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(tokens_test, sha256_matches_known_vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(tokens_test, constant_time_equal_compares) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}
