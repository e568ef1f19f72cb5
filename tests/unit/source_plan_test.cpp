// Framework detection of uploaded code (core/source_plan.hpp).

#include "core/source_plan.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace spawn;

namespace {

caf::expected<source_plan> detect(std::vector<std::string> files, const char* pkg) {
  std::string text = pkg ? pkg : "";
  return detect_framework(files, pkg ? &text : nullptr);
}

std::string refusal(std::vector<std::string> files, const char* pkg) {
  auto p = detect(std::move(files), pkg);
  EXPECT_FALSE(p) << "accepted";
  if (p)
    return {};
  EXPECT_EQ(code_of(p.error()), errc::invalid_input);
  return message_of(p.error());
}

} // namespace

TEST(source_plan, a_static_folder) {
  auto p = detect({"index.html", "css/site.css"}, nullptr);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, framework::static_site);
  EXPECT_EQ(p->type, app_type::webapp);
  EXPECT_FALSE(p->install);
  EXPECT_TRUE(p->run.empty());
  EXPECT_EQ(p->entry, "index.html");
}

TEST(source_plan, node_by_start_script_main_or_default_file) {
  auto s = detect({"package.json", "srv/app.js"},
                  R"({"scripts": {"start": "node ./srv/app.js --quiet"}})");
  ASSERT_TRUE(s) << message_of(s.error());
  EXPECT_EQ(s->kind, framework::node);
  EXPECT_EQ(s->type, app_type::api);
  EXPECT_EQ(s->run, (std::vector<std::string>{"node", "./srv/app.js", "--quiet"}));
  EXPECT_EQ(s->entry, "srv/app.js");
  EXPECT_FALSE(s->install);
  auto m = detect({"package.json", "main.js"}, R"({"main": "main.js"})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->run, (std::vector<std::string>{"node", "main.js"}));
  auto d = detect({"package.json", "index.js"}, R"({"name": "x"})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->entry, "index.js");
}

TEST(source_plan, express_installs_runtime_dependencies) {
  auto p = detect({"package.json", "package-lock.json", "server.js"},
                  R"({"dependencies": {"express": "^4.19.2"}, "scripts": {"start": "node server.js"}})");
  ASSERT_TRUE(p) << message_of(p.error());
  EXPECT_EQ(p->kind, framework::express);
  EXPECT_TRUE(p->install);
  EXPECT_TRUE(p->lockfile);
  EXPECT_TRUE(p->omit_dev);
  EXPECT_TRUE(p->build_script.empty());
  auto no_lock = detect({"package.json", "server.js"}, R"({"dependencies": {"express": "4"}})");
  ASSERT_TRUE(no_lock);
  EXPECT_FALSE(no_lock->lockfile);
}

TEST(source_plan, vite_react_and_next_build_to_static_files) {
  auto v = detect({"package.json", "index.html", "src/main.js"},
                  R"({"devDependencies": {"vite": "^5"}, "scripts": {"build": "vite build"}})");
  ASSERT_TRUE(v) << message_of(v.error());
  EXPECT_EQ(v->kind, framework::vite);
  EXPECT_EQ(v->build_script, "build");
  EXPECT_EQ(v->output, "dist");
  EXPECT_EQ(v->type, app_type::webapp);
  EXPECT_TRUE(v->install);
  EXPECT_FALSE(v->omit_dev);
  auto r = detect({"package.json", "src/index.js"},
                  R"({"dependencies": {"react": "18", "react-scripts": "5"}, "scripts": {"build": "react-scripts build"}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, framework::react);
  EXPECT_EQ(r->output, "build");
  auto n = detect({"package.json", "pages/index.js"},
                  R"({"dependencies": {"next": "14"}, "scripts": {"build": "next build"}})");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, framework::next);
  EXPECT_TRUE(n->next_export_or_start);
  EXPECT_NE(describe_plan(*n).find("\"framework\":\"next\""), std::string::npos);
}

TEST(source_plan, bad_input_gets_a_reason) {
  EXPECT_NE(refusal({"package.json"}, "{not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(refusal({"package.json"}, "[1, 2]").find("JSON object"), std::string::npos);
  EXPECT_NE(refusal({"README.md", "notes.txt"}, nullptr).find("unknown framework"),
            std::string::npos);
  EXPECT_NE(refusal({"package.json", "a.js"}, R"({"scripts": {"start": "nodemon a.js"}})")
              .find("node <file>"),
            std::string::npos);
  EXPECT_NE(refusal({"package.json", "a.js"}, R"({"scripts": {"start": "node a.js; rm -rf /"}})")
              .find("plain"),
            std::string::npos);
  EXPECT_NE(refusal({"package.json"}, R"({"main": "gone.js"})").find("not in the upload"),
            std::string::npos);
  EXPECT_NE(refusal({"package.json", "x"}, R"({"main": "../../etc/passwd"})").find("plain path"),
            std::string::npos);
  EXPECT_NE(refusal({"package.json"}, R"({"main": 42})").find("must be a string"),
            std::string::npos);
  EXPECT_NE(refusal({"package.json"}, R"({"devDependencies": {"vite": "5"}})")
              .find("\"build\" script"),
            std::string::npos);
  EXPECT_NE(refusal({"package.json"}, R"({"name": "nothing"})").find("cannot tell"),
            std::string::npos);
}

TEST(source_plan, a_wrapping_folder_is_found) {
  EXPECT_EQ(common_root({"app/index.html", "app/css/a.css"}), "app");
  EXPECT_EQ(common_root({"app/index.html", "other/x"}), "");
  EXPECT_EQ(common_root({"index.html"}), "");
}
