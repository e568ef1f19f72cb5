// A follow-up turn's model answer (issue 15, core/model_edit.hpp): changed
// files and deletions applied to the current version, checked like a first
// answer.

#include "core/model_edit.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace spawn;

namespace {

generated_app current() {
  generated_app app;
  app.title = "Todo";
  app.entry = "index.html";
  app.files = {{"index.html", "<h1>Todo</h1><script src=\"app.js\"></script>"},
               {"app.js", "console.log(1)"},
               {"old.css", "b{}"}};
  return app;
}

} // namespace

TEST(model_edit_test, changed_files_and_deletions_apply_to_the_current_version) {
  auto app = apply_model_edit(
    R"(Here you go: ```json
{"summary": "Dark theme", "files": [{"path": "index.html", "content": "<h1>Dark</h1>"},
 {"path": "style.css", "content": "body{background:#000}"}], "deleted": ["old.css"]}
```)",
    current(), app_type::webapp);
  ASSERT_TRUE(app) << message_of(app.error());
  ASSERT_EQ(app->files.size(), 3u);
  EXPECT_EQ(app->files[0].path, "index.html");
  EXPECT_EQ(app->files[0].content, "<h1>Dark</h1>");
  EXPECT_EQ(app->files[1].path, "app.js"); // untouched, kept
  EXPECT_EQ(app->files[2].path, "style.css");
  EXPECT_EQ(app->summary, "Dark theme");
  EXPECT_EQ(app->title, "Todo");
}

TEST(model_edit_test, bad_edits_are_refused_with_the_reason) {
  auto cases = {
    std::string{"no json at all"},
    std::string{R"({"files": [], "deleted": []})"},
    std::string{R"({"deleted": ["missing.js"]})"},
    std::string{R"({"deleted": ["index.html"]})"},                         // the entry goes
    std::string{R"({"files": [{"path": "../x", "content": "y"}]})"},        // unsafe path
    std::string{R"({"files": [{"path": "a.js"}]})"},                        // no content
  };
  for (auto& text : cases) {
    auto app = apply_model_edit(text, current(), app_type::webapp);
    ASSERT_FALSE(app) << text;
    EXPECT_EQ(code_of(app.error()), errc::generation_failed) << text;
  }
}

TEST(model_edit_test, files_as_an_object_are_accepted) {
  auto app = apply_model_edit(R"js({"files": {"app.js": "console.log(2)"}})js", current(),
                              app_type::webapp);
  ASSERT_TRUE(app) << message_of(app.error());
  EXPECT_EQ(app->files[1].content, "console.log(2)");
}
