#include "core/generated_app.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace spawn;

TEST(generated_app_test, safe_paths) {
  for (auto p : {"index.html", "css/site.css", "a/b/c.js", "my-file_1.txt"})
    EXPECT_TRUE(is_safe_relative_path(p)) << p;
  for (auto p : {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/.", "a\\b",
                 "c:/x", "a\nb", "x/.."})
    EXPECT_FALSE(is_safe_relative_path(p)) << p;
  EXPECT_FALSE(is_safe_relative_path(std::string(201, 'a')));
}

TEST(generated_app_test, validation) {
  generated_app app;
  app.entry = "index.html";
  EXPECT_EQ(code_of(validate_app(app)), errc::generation_failed);
  app.files.push_back({"index.html", "<h1>x</h1>"});
  EXPECT_FALSE(validate_app(app));
  app.files.push_back({"index.html", "dup"});
  EXPECT_TRUE(validate_app(app));
  app.files.pop_back();
  app.files.push_back({"../evil", "x"});
  EXPECT_TRUE(validate_app(app));
  app.files.pop_back();
  app.entry = "server.js";
  EXPECT_TRUE(validate_app(app));
  app.entry = "index.html";
  app.files.push_back({"big.bin", std::string(3u << 20, 'x')});
  EXPECT_TRUE(validate_app(app));
}
