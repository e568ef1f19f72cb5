#include "core/model_output.hpp"

#include <random>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

using namespace spawn;

namespace {

const char* claude_style = R"(I'll build a simple pomodoro timer with a dark theme.

```json
{
  "title": "Pomodoro Timer",
  "entry": "index.html",
  "run": [],
  "files": [
    {"path": "index.html", "content": "<!doctype html>\n<title>Pomodoro</title>\n<script src=\"app.js\"></script>\n<pre>```not a fence```</pre>"},
    {"path": "app.js", "content": "let s = 25 * 60;\nif (s > 0) { console.log(`${s}`); }\n"}
  ]
}
```

The timer starts at 25 minutes. Let me know if you want changes!)";

const char* gpt_fences = R"(Sure! Here is your app.

### index.html
```html
<!doctype html>
<html><head><title>Notes</title><link rel="stylesheet" href="css/style.css"></head>
<body><h1>Notes</h1></body></html>
```

**css/style.css**
```css
body { background: #111; color: #eee; }
```

```js title="app.js"
document.title = "Notes";
```
)";

const char* api_fences = R"(Here's a books API.

File: `server.js`
```javascript
const http = require('http');
http.createServer((q, r) => r.end('[]')).listen(process.env.PORT);
```

RUN: node server.js
)";

} // namespace

TEST(model_output_test, json_in_fence_after_prose) {
  auto app = parse_model_output(claude_style, app_type::webapp);
  ASSERT_TRUE(app) << message_of(app.error());
  EXPECT_EQ(app->title, "Pomodoro Timer");
  EXPECT_EQ(app->entry, "index.html");
  EXPECT_TRUE(app->run.empty());
  ASSERT_EQ(app->files.size(), 2u);
  EXPECT_EQ(app->files[1].path, "app.js");
  EXPECT_NE(app->files[0].content.find("```not a fence```"), std::string::npos);
}

TEST(model_output_test, bare_json_and_object_files) {
  auto app = parse_model_output(
    R"({"title":"Hi","files":{"index.html":"<h1>hi</h1>","./js/a.js":"1;"}})", app_type::webapp);
  ASSERT_TRUE(app) << message_of(app.error());
  ASSERT_EQ(app->files.size(), 2u);
  std::set<std::string> paths{app->files[0].path, app->files[1].path};
  EXPECT_EQ(paths, (std::set<std::string>{"index.html", "js/a.js"})); // "./" stripped
}

TEST(model_output_test, named_fences_and_labels) {
  auto app = parse_model_output(gpt_fences, app_type::webapp);
  ASSERT_TRUE(app) << message_of(app.error());
  ASSERT_EQ(app->files.size(), 3u);
  EXPECT_EQ(app->files[0].path, "index.html");
  EXPECT_EQ(app->files[1].path, "css/style.css");
  EXPECT_EQ(app->files[2].path, "app.js");
  EXPECT_EQ(app->title, "Notes"); // from <title>
  EXPECT_EQ(app->files[1].content, "body { background: #111; color: #eee; }\n");
}

TEST(model_output_test, api_run_command) {
  auto app = parse_model_output(api_fences, app_type::api);
  ASSERT_TRUE(app) << message_of(app.error());
  EXPECT_EQ(app->run, (std::vector<std::string>{"node", "server.js"}));
  EXPECT_EQ(app->entry, "server.js");
  // Without RUN the default entry is used.
  auto json = parse_model_output(R"j({"files":[{"path":"main.js","content":"console.log(1)"}]})j",
                                 app_type::script);
  ASSERT_TRUE(json) << message_of(json.error());
  EXPECT_EQ(json->run, (std::vector<std::string>{"node", "main.js"}));
  auto str = parse_model_output(
    R"({"run":"node  src/app.js","files":[{"path":"src/app.js","content":"1"}]})", app_type::api);
  ASSERT_TRUE(str) << message_of(str.error());
  EXPECT_EQ(str->entry, "src/app.js");
}

TEST(model_output_test, hostile_outputs_are_rejected) {
  auto reason = [](std::string_view text, app_type t = app_type::webapp) {
    auto app = parse_model_output(text, t);
    EXPECT_FALSE(app) << text;
    return app ? std::string{} : message_of(app.error());
  };
  EXPECT_NE(reason(R"({"files":[{"path":"/etc/passwd","content":"x"}]})").find("absolute"),
            std::string::npos);
  EXPECT_NE(reason(R"({"files":[{"path":"index.html","content":"x"},{"path":"a/../../x","content":"x"}]})")
              .find(".."),
            std::string::npos);
  EXPECT_NE(reason(R"({"files":[{"path":"~/.ssh/authorized_keys","content":"x"}]})").find("absolute"),
            std::string::npos);
  EXPECT_NE(reason(R"({"files":[{"path":"C:\\x","content":"x"}]})").find("absolute"),
            std::string::npos);
  reason(R"({"files":[{"path":"a\\..\\..\\x","content":"x"}]})");
  reason("### ../../etc/cron.d/x\n```\n* * * * * root rm -rf /\n```\n");
  // Binary junk.
  std::string junk = R"({"files":[{"path":"index.html","content":"\u0000\u0001ELF"}]})";
  EXPECT_NE(reason(junk).find("binary"), std::string::npos);
  std::string raw_bin = "### index.html\n```\n\x7f" "ELF\x01\x02\xff\xfe\n```\n";
  reason(raw_bin);
  // Too many and too large files.
  nlohmann::json many{{"files", nlohmann::json::array()}};
  for (int i = 0; i < 41; ++i)
    many["files"].push_back({{"path", "f" + std::to_string(i) + ".html"}, {"content", "x"}});
  EXPECT_NE(reason(many.dump()).find("41 files"), std::string::npos);
  nlohmann::json big{{"files", {{{"path", "index.html"}, {"content", std::string(300000, 'a')}}}}};
  EXPECT_NE(reason(big.dump()).find("bytes"), std::string::npos);
  // Missing entry, duplicates, foreign interpreters, nothing at all.
  EXPECT_NE(reason(R"({"files":[{"path":"app.js","content":"1"}]})").find("entry"), std::string::npos);
  reason(R"({"files":[{"path":"index.html","content":"1"},{"path":"index.html","content":"2"}]})");
  EXPECT_NE(reason(R"({"run":["python3","main.py"],"files":[{"path":"main.py","content":"1"}]})",
                   app_type::script)
              .find("node"),
            std::string::npos);
  reason(R"({"run":["node","/tmp/x.js"],"files":[{"path":"main.js","content":"1"}]})", app_type::script);
  reason("I'm sorry, I can't help with that.");
  reason("");
  reason("```html\n<h1>no name and no close");
  reason("### index.html\n```html\n<h1>cut in the middle\n");
  EXPECT_NE(reason(std::string(5u << 20, ' ')).find("bytes"), std::string::npos);
}

/// A bounded deterministic mutation loop over the good samples: flips,
/// inserts, truncations and splices. Whatever the parser accepts must still
/// satisfy the contract (safe paths, entry present, limits), and it must not
/// crash. The libFuzzer target (tests/fuzz) runs the same check unbounded.
TEST(model_output_test, mutations_keep_the_contract) {
  std::vector<std::string> seeds{claude_style, gpt_fences, api_fences,
                                 R"({"files":{"index.html":"<h1>x</h1>"}})"};
  std::mt19937 rng{1234};
  const std::string tokens[] = {"../", "/", "\\", "```", "{", "}", "\"", "\n", "\0", "..",
                                "\xff", "RUN: node ../x.js\n", "### /etc/passwd\n", ":"};
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    auto s = seeds[rng() % seeds.size()];
    auto edits = 1 + rng() % 4;
    for (unsigned e = 0; e < edits && !s.empty(); ++e) {
      auto pos = rng() % s.size();
      switch (rng() % 4) {
        case 0: s[pos] = static_cast<char>(rng() % 256); break;
        case 1: s.insert(pos, tokens[rng() % std::size(tokens)]); break;
        case 2: s.resize(pos); break;
        default: s.erase(pos, std::min<size_t>(s.size() - pos, rng() % 16)); break;
      }
    }
    for (auto type : {app_type::webapp, app_type::api}) {
      auto app = parse_model_output(s, type);
      if (!app) {
        EXPECT_EQ(code_of(app.error()), errc::generation_failed);
        continue;
      }
      ++accepted;
      EXPECT_FALSE(validate_app(*app));
      for (auto& f : app->files) {
        EXPECT_TRUE(is_safe_relative_path(f.path)) << f.path;
        EXPECT_TRUE(is_text_content(f.content));
      }
      if (type == app_type::api) {
        ASSERT_EQ(app->run.size() >= 2, true);
        EXPECT_EQ(app->run[0], "node");
      }
    }
  }
  EXPECT_GT(accepted, 100); // the loop explores accepted outputs too, not only failures
}
