#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/site_check.hpp"
#include "http/validation.hpp"
#include "infra/prompt_cache.hpp"
#include "infra/template_generator.hpp"

using namespace spawn;
using nlohmann::json;

namespace {

spawn_config config() {
  auto cfg = parse_config("{}");
  return *cfg;
}

} // namespace

TEST(site_details_test, create_request_accepts_client_details) {
  auto req = parse_create_request(
    R"({"prompt":"a site for my bakery","app_type":"site","site":{"name":"Boulangerie Martin",
        "trade":"bakery","city":"Lyon","colors":["#8b4513","#F5DEB3"],
        "source_url":"https://example.com/old"}})",
    config(), "owner");
  ASSERT_TRUE(req) << message_of(req.error());
  auto d = json::parse(req->details);
  EXPECT_EQ(d["name"], "Boulangerie Martin");
  EXPECT_EQ(d["colors"][1], "#F5DEB3");
  auto plain = parse_create_request(R"({"prompt":"a site","app_type":"site"})", config(), "o");
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->details.empty());
}

TEST(site_details_test, bad_details_are_400s_naming_the_field) {
  struct bad_case {
    const char* body;
    const char* says;
  };
  for (auto& c : std::initializer_list<bad_case>{
         {R"({"prompt":"x","app_type":"webapp","site":{"name":"A"}})", "only for app_type site"},
         {R"({"prompt":"x","app_type":"site","site":"Martin"})", "'site' must be an object"},
         {R"({"prompt":"x","app_type":"site","site":{"name":""}})", "site.name"},
         {R"({"prompt":"x","app_type":"site","site":{"name":42}})", "site.name"},
         {R"({"prompt":"x","app_type":"site","site":{"city":"Lyon\nRm -rf"}})", "site.city"},
         {R"({"prompt":"x","app_type":"site","site":{"trade":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}})", "site.trade"},
         {R"({"prompt":"x","app_type":"site","site":{"colors":"red"}})", "site.colors"},
         {R"({"prompt":"x","app_type":"site","site":{"colors":["red"]}})", "site.colors"},
         {R"({"prompt":"x","app_type":"site","site":{"colors":["#123","#1234567"]}})", "site.colors"},
         {R"({"prompt":"x","app_type":"site","site":{"colors":["#000000","#000000","#000000","#000000"]}})", "site.colors"},
         {R"({"prompt":"x","app_type":"site","site":{"source_url":"file:///etc/passwd"}})", "site.source_url"},
         {R"j({"prompt":"x","app_type":"site","site":{"source_url":"javascript:alert(1)"}})j", "site.source_url"},
         {R"({"prompt":"x","app_type":"site","site":{"source_url":"https://a.b/\" onload=\"x"}})", "site.source_url"},
         {R"({"prompt":"x","app_type":"site","site":{"owner":"me"}})", "unknown field"},
       }) {
    auto req = parse_create_request(c.body, config(), "o");
    ASSERT_FALSE(req) << c.body;
    EXPECT_EQ(code_of(req.error()), errc::invalid_input);
    EXPECT_NE(message_of(req.error()).find(c.says), std::string::npos)
      << c.body << " -> " << message_of(req.error());
  }
}

TEST(site_details_test, template_site_uses_the_details_and_builds) {
  template_generator gen;
  generation_request req;
  req.prompt = "a website for my shop";
  req.type = app_type::site;
  req.details = R"({"name":"Garage Dupont","trade":"car repair","city":"Nantes","colors":["#aa2200"]})";
  auto app = gen.generate(req);
  ASSERT_TRUE(app) << message_of(app.error());
  EXPECT_EQ(app->title, "Garage Dupont");
  EXPECT_FALSE(check_site(*app)) << message_of(check_site(*app));
  std::string all;
  for (auto& f : app->files)
    all += f.content;
  EXPECT_NE(all.find("Nantes"), std::string::npos);
  EXPECT_NE(all.find("Garage Dupont"), std::string::npos);
  // Without details the plain prompt still makes a site that builds.
  req.details.clear();
  auto plain = gen.generate(req);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(check_site(*plain));
}

TEST(site_details_test, site_check_finds_broken_sites) {
  auto page = [](std::string body) { return "<!doctype html><html><body>" + body + "</body></html>"; };
  generated_app app;
  app.entry = "index.html";
  app.files = {{"index.html", page("<a href=\"services.html\">s</a><img src=\"img/logo.svg\">")},
               {"services.html", page("<a href=\"./about.html#team\">a</a><a href=\"https://x.y\">x</a>")},
               {"about.html", page("<a href=\"mailto:a@b.c\">m</a><a href=\"#top\">t</a>")},
               {"contact.html", page("<a href=\"/index.html?x=1\">home</a>")},
               {"img/logo.svg", "<svg/>"}};
  EXPECT_FALSE(check_site(app)) << message_of(check_site(app));
  auto missing_page = app;
  missing_page.files.erase(missing_page.files.begin() + 3);
  EXPECT_NE(message_of(check_site(missing_page)).find("contact.html"), std::string::npos);
  auto dead_link = app;
  dead_link.files[2].content = page("<a href=\"team.html\">t</a>");
  EXPECT_NE(message_of(check_site(dead_link)).find("team.html"), std::string::npos);
  auto climbing = app;
  climbing.files[2].content = page("<a href=\"../../etc/passwd\">t</a>");
  EXPECT_TRUE(check_site(climbing));
  auto not_html = app;
  not_html.files[1].content = "just text";
  EXPECT_TRUE(check_site(not_html));
}

TEST(site_details_test, cache_keys_differ_by_every_part) {
  generation_request a{"a todo app", app_type::webapp, "", 0};
  auto k = prompt_cache_key(a, "anthropic", "claude-x");
  EXPECT_EQ(k.size(), 64u);
  EXPECT_EQ(k, prompt_cache_key(a, "anthropic", "claude-x"));
  EXPECT_NE(k, prompt_cache_key(a, "openai", "claude-x"));
  EXPECT_NE(k, prompt_cache_key(a, "anthropic", "claude-y"));
  auto b = a;
  b.type = app_type::api;
  EXPECT_NE(k, prompt_cache_key(b, "anthropic", "claude-x"));
  auto c = a;
  c.prompt += " ";
  EXPECT_NE(k, prompt_cache_key(c, "anthropic", "claude-x"));
  auto d = a;
  d.details = "{}";
  EXPECT_NE(k, prompt_cache_key(d, "anthropic", "claude-x"));
  auto e = a;
  e.token_budget = 5; // budgets are not part of the request's identity
  EXPECT_EQ(k, prompt_cache_key(e, "anthropic", "claude-x"));
  template_generator t;
  EXPECT_TRUE(cacheable_links(t).empty());
}
