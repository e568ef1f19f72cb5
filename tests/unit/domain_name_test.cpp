#include <gtest/gtest.h>

#include "core/domain_name.hpp"
#include "core/error.hpp"

namespace spawn {

namespace {

constexpr const char* apps = "apps.spawnai.test";

std::string why(std::string_view text) {
  auto d = normalize_domain(text, apps);
  return d ? std::string{} : message_of(d.error());
}

} // namespace

TEST(domain_name, canonical_form_is_lower_case_without_the_trailing_dot) {
  EXPECT_EQ(*normalize_domain("App.Example.COM.", apps), "app.example.com");
  EXPECT_EQ(*normalize_domain("example.com", apps), "example.com");
  EXPECT_EQ(*normalize_domain("a-b.x1.example.test", apps), "a-b.x1.example.test");
  // A label of exactly 63, a name of exactly 253 characters.
  auto l63 = std::string(63, 'a');
  EXPECT_TRUE(normalize_domain(l63 + ".test", apps));
  auto name = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b');
  ASSERT_EQ(name.size(), 253u);
  EXPECT_TRUE(normalize_domain(name, apps));
  // A domain that merely ends like the apps domain is someone else's.
  EXPECT_TRUE(normalize_domain("myapps.spawnai.test", apps));
}

TEST(domain_name, bad_names_are_refused_with_the_reason) {
  EXPECT_NE(why("").find("empty"), std::string::npos);
  EXPECT_NE(why(".").find("empty"), std::string::npos);
  EXPECT_NE(why(std::string(254, 'a')).find("253"), std::string::npos);
  EXPECT_NE(why(std::string(64, 'a') + ".test").find("63"), std::string::npos);
  EXPECT_NE(why("com").find("two labels"), std::string::npos);
  EXPECT_NE(why("a..b.test").find("empty label"), std::string::npos);
  EXPECT_NE(why(".a.test").find("empty label"), std::string::npos);
  EXPECT_NE(why("-a.test").find("hyphen"), std::string::npos);
  EXPECT_NE(why("a-.test").find("hyphen"), std::string::npos);
  for (auto bad : {"a_b.test", "a b.test", "a/b.test", "xn--\xc3\xa9.test", "a%00.test",
                   "*.example.com", "a.test\n"})
    EXPECT_NE(why(bad).find("only letters"), std::string::npos) << bad;
  EXPECT_NE(why("127.0.0.1").find("IP address"), std::string::npos);
  EXPECT_NE(why("10.1.2.3").find("IP address"), std::string::npos);
  EXPECT_NE(why("::1").find("IP address"), std::string::npos);
  EXPECT_NE(why("[::1]").find("IP address"), std::string::npos);
  EXPECT_NE(why("example.com:443").find("host:port"), std::string::npos);
  EXPECT_NE(why("app.localhost").find("localhost"), std::string::npos);
  EXPECT_NE(why("apps.spawnai.test").find("apps domain"), std::string::npos);
  EXPECT_NE(why("S12345.APPS.spawnai.test").find("apps domain"), std::string::npos);
  EXPECT_NE(why("x.y.apps.spawnai.test").find("apps domain"), std::string::npos);
  auto err = normalize_domain("bad_name.test", apps);
  ASSERT_FALSE(err);
  EXPECT_EQ(code_of(err.error()), errc::invalid_input);
}

TEST(domain_name, dns_advice_is_a_cname_to_the_app_host_or_an_a_record) {
  auto c = dns_advice_for("app.example.com", "s1234", apps, "");
  EXPECT_EQ(c.type, "CNAME");
  EXPECT_EQ(c.name, "app.example.com");
  EXPECT_EQ(c.value, "s1234.apps.spawnai.test");
  auto a = dns_advice_for("app.example.com", "s1234", apps, "203.0.113.7");
  EXPECT_EQ(a.type, "A");
  EXPECT_EQ(a.value, "203.0.113.7");
}

} // namespace spawn
