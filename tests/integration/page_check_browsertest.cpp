// The fix loop's headless check (infra/page_check): the log parser on its own,
// on garbage, and a real Chromium loading pages served on loopback.
#include <random>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "infra/page_check.hpp"
#include "tests/integration/llm_test_server.hpp"

using namespace spawn;

namespace {

const char* sample_log =
  "[1:1:1201/153403.1:WARNING:sandbox_linux.cc:405] InitializeSandbox() called\n"
  "[1:1:1201/153403.3:INFO:CONSOLE:1] \"Uncaught SyntaxError: Unexpected token ';'\", source: "
  "http://127.0.0.1:18777/app.js (1)\n"
  "[1:1:1201/153403.3:INFO:CONSOLE:1] \"boom 1\", source: http://127.0.0.1:18777/ (1)\n"
  "[1:1:1201/153403.4:INFO:CONSOLE:7] \"Uncaught (in promise) TypeError: x is null\", source: "
  "http://127.0.0.1:18777/js/main.js (7)\n"
  "[1:1:1201/153403.5:INFO:CONSOLE:0] \"Failed to load resource: the server responded with a "
  "status of 404 (Not Found)\", source: http://127.0.0.1:18777/missing.png (0)\n";

test::llm_test_server::reply html(std::string body) {
  test::llm_test_server::reply r;
  r.headers = {{"content-type", "text/html; charset=utf-8"}};
  r.chunks = {std::move(body)};
  return r;
}

} // namespace

TEST(page_check, keeps_uncaught_errors_and_failed_loads_with_where) {
  auto errors = page_errors_in_log(sample_log);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "Uncaught SyntaxError: Unexpected token ';' (at /app.js (1))");
  EXPECT_EQ(errors[1], "Uncaught (in promise) TypeError: x is null (at /js/main.js (7))");
  EXPECT_NE(errors[2].find("Failed to load resource"), std::string::npos);
  EXPECT_NE(errors[2].find("/missing.png"), std::string::npos);
  EXPECT_EQ(page_errors_in_log(sample_log, 1).size(), 1u);
  EXPECT_TRUE(page_errors_in_log("").empty());
}

TEST(page_check, long_messages_are_cut) {
  std::string log = "[x:INFO:CONSOLE:1] \"Uncaught Error: " + std::string(5000, 'a')
                    + "\", source: http://h:1/ (1)\n";
  auto errors = page_errors_in_log(log);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_LE(errors[0].size(), 300u);
}

TEST(page_check, garbage_logs_never_crash_and_stay_bounded) {
  std::mt19937 rng{1234};
  std::string alphabet = "[]\":CONSOLE Uncaught, source: http://\n\\ab";
  for (int round = 0; round < 2000; ++round) {
    std::string log;
    auto n = rng() % 400;
    for (size_t i = 0; i < n; ++i)
      log += rng() % 5 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    auto errors = page_errors_in_log(log, 5);
    EXPECT_LE(errors.size(), 5u);
    for (auto& e : errors)
      EXPECT_LE(e.size(), 300u);
  }
}

TEST(page_check, no_browser_is_a_clear_error) {
  EXPECT_EQ(find_browser("none"), "");
  EXPECT_EQ(find_browser("/nonexistent/chromium"), "");
  page_check_options opt; // no browser
  auto r = check_page("http://127.0.0.1:1/", opt);
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), errc::unavailable);
  opt.browser = "/bin/true";
  auto bad = check_page("file:///etc/passwd", opt);
  ASSERT_FALSE(bad);
  EXPECT_EQ(code_of(bad.error()), errc::invalid_input);
}

class page_check_browsertest : public ::testing::Test {
protected:
  void SetUp() override {
    browser_ = find_browser("");
    if (browser_.empty())
      GTEST_SKIP() << "no Chromium on PATH (deploy/scripts/install-deps.sh installs it)";
    opt_.browser = browser_;
  }
  std::string browser_;
  page_check_options opt_;
};

TEST_F(page_check_browsertest, a_clean_page_has_no_errors) {
  test::llm_test_server app;
  app.set_default(html("<!doctype html><html><body><h1>ok</h1><script>document.body.dataset.x = 1;"
                       "</script></body></html>"));
  auto r = check_page(app.base_url() + "/", opt_);
  ASSERT_TRUE(r) << message_of(r.error());
  EXPECT_TRUE(r->empty()) << (*r)[0];
}

TEST_F(page_check_browsertest, uncaught_errors_are_collected) {
  test::llm_test_server app;
  app.set_default(html("<!doctype html><html><body><script>const a = ;</script>"
                       "<script>window.addEventListener('load', () => { notDefined(); });</script>"
                       "</body></html>"));
  auto r = check_page(app.base_url() + "/", opt_);
  ASSERT_TRUE(r) << message_of(r.error());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_NE((*r)[0].find("SyntaxError"), std::string::npos) << (*r)[0];
  EXPECT_NE((*r)[1].find("notDefined is not defined"), std::string::npos) << (*r)[1];
}

TEST_F(page_check_browsertest, the_page_reaches_nothing_but_its_own_app) {
  test::llm_test_server app, elsewhere;
  elsewhere.set_default(html("secret"));
  app.set_default(html("<!doctype html><html><body><script>fetch('" + elsewhere.base_url()
                       + "/admin').then(r => r.text()).then(t => { throw new Error('reached ' + t); })"
                         ".catch(e => { throw new Error('refused: ' + e.message); });</script>"
                         "</body></html>"));
  auto r = check_page(app.base_url() + "/", opt_);
  ASSERT_TRUE(r) << message_of(r.error());
  EXPECT_EQ(elsewhere.request_count(), 0u);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_NE((*r)[0].find("refused"), std::string::npos) << (*r)[0];
}

TEST_F(page_check_browsertest, a_page_that_does_not_load_is_an_error_not_a_clean_page) {
  uint16_t closed = 0;
  {
    test::llm_test_server gone; // its port is closed once it is destroyed
    closed = gone.port();
  }
  auto r = check_page("http://127.0.0.1:" + std::to_string(closed) + "/", opt_);
  ASSERT_TRUE(r) << message_of(r.error());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_NE((*r)[0].find("did not load"), std::string::npos) << (*r)[0];
}
