// Versions of an app (issue 15): the unified diff per file and file equality.

#include "core/turns.hpp"

#include <gtest/gtest.h>

using namespace spawn;

TEST(turns_test, equal_texts_have_no_diff) {
  EXPECT_EQ(unified_diff("a.txt", "x\ny\n", "x\ny\n"), "");
}

TEST(turns_test, one_changed_line_has_one_hunk_with_context) {
  std::string a, b;
  for (int i = 1; i <= 10; ++i) {
    a += "line " + std::to_string(i) + "\n";
    b += (i == 5 ? std::string{"LINE 5"} : "line " + std::to_string(i)) + "\n";
  }
  EXPECT_EQ(unified_diff("f.txt", a, b),
            "--- a/f.txt\n+++ b/f.txt\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n"
            "+LINE 5\n line 6\n line 7\n line 8\n");
}

TEST(turns_test, distant_changes_make_two_hunks_and_near_ones_one) {
  std::string a, b, c;
  for (int i = 1; i <= 30; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 || i == 28 ? "x" : std::to_string(i)) + std::string{"\n"};
    c += (i == 10 || i == 14 ? "x" : std::to_string(i)) + std::string{"\n"};
  }
  auto two = unified_diff("n", a, b);
  EXPECT_NE(two.find("@@ -1,5 +1,5 @@"), std::string::npos) << two;
  EXPECT_NE(two.find("@@ -25,6 +25,6 @@"), std::string::npos) << two;
  auto one = unified_diff("n", a, c);
  EXPECT_EQ(std::count(one.begin(), one.end(), '@'), 4) << one; // "@@ ... @@" once
}

TEST(turns_test, added_and_removed_files_diff_against_nothing) {
  generated_app v1, v2;
  v1.files = {{"index.html", "<h1>A</h1>\n"}, {"old.js", "x()\n"}};
  v2.files = {{"index.html", "<h1>B</h1>\n"}, {"new.css", "b{}\n"}};
  auto d = diff_apps(v1, 1, v2, 2);
  ASSERT_EQ(d.files.size(), 3u);
  EXPECT_EQ(d.files[0].path, "index.html");
  EXPECT_EQ(d.files[0].change, "modified");
  EXPECT_NE(d.files[0].diff.find("-<h1>A</h1>\n+<h1>B</h1>"), std::string::npos);
  EXPECT_EQ(d.files[1].path, "new.css");
  EXPECT_EQ(d.files[1].change, "added");
  EXPECT_EQ(d.files[1].diff, "--- /dev/null\n+++ b/new.css\n@@ -0,0 +1 @@\n+b{}\n");
  EXPECT_EQ(d.files[2].change, "removed");
  EXPECT_EQ(d.files[2].diff, "--- a/old.js\n+++ /dev/null\n@@ -1 +0,0 @@\n-x()\n");
  EXPECT_TRUE(diff_apps(v1, 1, v1, 1).files.empty());
}

TEST(turns_test, same_files_ignores_order_but_not_content_or_run) {
  generated_app a, b;
  a.files = {{"a", "1"}, {"b", "2"}};
  b.files = {{"b", "2"}, {"a", "1"}};
  EXPECT_TRUE(same_files(a, b));
  b.files[0].content = "3";
  EXPECT_FALSE(same_files(a, b));
  b.files[0].content = "2";
  b.run = {"node", "server.js"};
  EXPECT_FALSE(same_files(a, b));
}

TEST(turns_test, a_large_file_diffs_without_blowing_up) {
  std::string a, b;
  for (int i = 0; i < 5000; ++i) {
    a += "a" + std::to_string(i) + "\n";
    b += "b" + std::to_string(i) + "\n";
  }
  auto d = unified_diff("big", a, b);
  EXPECT_NE(d.find("@@ -1,5000 +1,5000 @@"), std::string::npos);
}
