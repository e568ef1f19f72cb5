#include "core/api_keys.hpp"
#include "core/tokens.hpp"
#include "infra/json_log.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace spawn;

TEST(auth_test, api_keys_are_looked_up_by_hash_and_revocation_removes_them) {
  api_key_index idx;
  auto key = new_api_key();
  EXPECT_EQ(key.rfind("spk_", 0), 0u);
  EXPECT_EQ(key.size(), 68u);
  api_key_record rec{new_api_key_id(), "alice", sha256_hex(key), 1, 0};
  EXPECT_EQ(rec.id.size(), 12u);
  EXPECT_EQ(rec.id[0], 'k');
  idx.put(rec);
  EXPECT_EQ(idx.owner_of(key).value_or(""), "alice");
  EXPECT_FALSE(idx.owner_of(key + "x"));
  EXPECT_FALSE(idx.owner_of(rec.key_hash)) << "the hash itself is not a key";
  rec.revoked_at = 2;
  idx.put(rec);
  EXPECT_FALSE(idx.owner_of(key));
  idx.replace({api_key_record{"k1", "bob", sha256_hex("spk_b"), 1, 0},
               api_key_record{"k2", "eve", sha256_hex("spk_e"), 1, 5}});
  EXPECT_EQ(idx.size(), 1u) << "revoked keys are not loaded";
  EXPECT_EQ(idx.owner_of("spk_b").value_or(""), "bob");
}

TEST(auth_test, owner_names_are_bounded_and_plain) {
  EXPECT_TRUE(is_owner_name("alice@example.com"));
  EXPECT_TRUE(is_owner_name("team-1_b.c"));
  EXPECT_FALSE(is_owner_name(""));
  EXPECT_FALSE(is_owner_name(std::string(65, 'a')));
  EXPECT_FALSE(is_owner_name("a b"));
  EXPECT_FALSE(is_owner_name("a\"b"));
  EXPECT_FALSE(is_owner_name("é"));
}

TEST(auth_test, json_log_lines_parse_whatever_the_message) {
  for (std::string msg : {std::string{"plain"}, std::string{"quote \" backslash \\ newline \n tab \t"},
                          std::string{"ctrl \x01\x1f"}, std::string{"bad utf8 \xff\xfe end"},
                          std::string{"{\"json\": \"inside\"}"}}) {
    auto line = json_log_line("spawnd", 2, msg, 1700000000123);
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line: " << line;
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_EQ(j["level"], "info");
    EXPECT_EQ(j["time"], "2023-11-14T22:13:20.123Z");
    EXPECT_EQ(j["logger"], "spawnd");
    if (msg.find('\xff') == std::string::npos) {
      EXPECT_EQ(j["msg"], msg);
    }
  }
}
