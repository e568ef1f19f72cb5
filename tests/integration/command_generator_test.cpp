// The command backend with test doubles of a coding CLI (tests/fake_cli/*.sh),
// sandboxed by the real bubblewrap.

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "build_paths.hpp"
#include "core/error.hpp"
#include "core/site_check.hpp"
#include "infra/command_generator.hpp"
#include "infra/template_generator.hpp"

using namespace spawn;
namespace fs = std::filesystem;

namespace {

class command_generator_test : public ::testing::Test {
protected:
  void SetUp() override {
    if (std::system("bwrap --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib "
                    "--symlink usr/lib64 /lib64 --unshare-all -- /usr/bin/true >/dev/null 2>&1")
        != 0)
      GTEST_SKIP() << "bubblewrap (bwrap) cannot run here; deploy/scripts/install-deps.sh installs it";
    root_ = fs::temp_directory_path() / ("spawn-cmd-" + std::to_string(::getpid()));
    fs::create_directories(root_);
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  command_generator make(const std::string& script, int64_t timeout_ms = 20000) {
    command_settings s;
    s.argv = {std::string{SPAWN_SOURCE_DIR} + "/tests/fake_cli/" + script};
    s.step_timeout_ms = timeout_ms;
    s.sandbox = true;
    s.pass_env = {"FAKE_CLI_KEY"};
    s.workspace_root = (root_ / "workspaces").string();
    return command_generator{s, std::make_shared<template_generator>()};
  }

  static generation_request site_request() {
    generation_request req;
    req.prompt = "a website for my bakery";
    req.type = app_type::site;
    req.details = R"({"name":"Boulangerie Martin","trade":"bakery","city":"Lyon","colors":["#8b4513"]})";
    return req;
  }

  bool workspaces_empty() const {
    auto dir = root_ / "workspaces";
    return !fs::exists(dir) || fs::is_empty(dir);
  }

  fs::path root_;
};

} // namespace

TEST_F(command_generator_test, site_in_four_steps_then_built) {
  auto gen = make("good.sh");
  std::vector<std::string> steps;
  generation_observer obs;
  obs.progress = [&](const std::string& s) { steps.push_back(s); };
  auto app = gen.generate_observed(site_request(), obs);
  ASSERT_TRUE(app) << message_of(app.error());
  EXPECT_EQ(app->backend, "command");
  EXPECT_EQ(app->model, "good.sh");
  EXPECT_EQ(app->title, "Boulangerie Martin");
  EXPECT_FALSE(check_site(*app));
  std::string index;
  bool css_adapted = false;
  for (auto& f : app->files) {
    EXPECT_NE(f.path.rfind(".spawn", 0), 0u) << "hidden workspace files stay out";
    if (f.path == "index.html")
      index = f.content;
    if (f.path == "style.css")
      css_adapted = f.content.find("adapted by the CLI") != std::string::npos;
  }
  EXPECT_NE(index.find("Written for Boulangerie Martin by the CLI"), std::string::npos);
  EXPECT_NE(index.find("Lyon"), std::string::npos);
  EXPECT_TRUE(css_adapted);
  std::string all;
  for (auto& s : steps)
    all += s + "\n";
  for (auto want : {"seeded from the site template", "Step 1 of 4: analyse", "Step 2 of 4: write content",
                    "Step 3 of 4: adapt design", "Step 4 of 4: validate", "Validating by building"})
    EXPECT_NE(all.find(want), std::string::npos) << want << " in\n" << all;
  EXPECT_TRUE(workspaces_empty());
}

TEST_F(command_generator_test, api_is_built_with_node_check) {
  auto gen = make("good.sh");
  generation_request req;
  req.prompt = "a JSON API for books";
  req.type = app_type::api;
  auto app = gen.generate(req);
  ASSERT_TRUE(app) << message_of(app.error());
  EXPECT_EQ(app->run, (std::vector<std::string>{"node", "server.js"}));
}

TEST_F(command_generator_test, escape_attempts_stay_inside_and_links_are_refused) {
  auto marker = fs::path{"/tmp/spawn-escape-marker"};
  std::error_code ec;
  fs::remove(marker, ec);
  auto gen = make("escape.sh");
  auto app = gen.generate(site_request());
  ASSERT_FALSE(app);
  EXPECT_NE(message_of(app.error()).find("symbolic link"), std::string::npos)
    << message_of(app.error());
  EXPECT_FALSE(fs::exists(marker)) << "the sandbox let the CLI write to the host's /tmp";
  EXPECT_FALSE(fs::exists("/usr/spawn-escape"));
  EXPECT_FALSE(fs::exists(root_ / "workspaces" / "outside.txt"));
  EXPECT_FALSE(fs::exists(root_ / "outside.txt"));
  EXPECT_TRUE(workspaces_empty());
}

TEST_F(command_generator_test, a_hanging_cli_is_killed_at_its_deadline) {
  auto gen = make("hang.sh", 800);
  auto started = std::chrono::steady_clock::now();
  auto app = gen.generate(site_request());
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(app);
  EXPECT_EQ(code_of(app.error()), errc::timeout) << message_of(app.error());
  EXPECT_LT(took, std::chrono::seconds{10});
  EXPECT_TRUE(workspaces_empty());
}

TEST_F(command_generator_test, junk_and_failures_are_errors) {
  auto junk = make("junk.sh").generate(site_request());
  ASSERT_FALSE(junk);
  EXPECT_NE(message_of(junk.error()).find("binary"), std::string::npos) << message_of(junk.error());
  auto failed = make("fail.sh").generate(site_request());
  ASSERT_FALSE(failed);
  EXPECT_NE(message_of(failed.error()).find("Step 2 of 4"), std::string::npos);
  EXPECT_NE(message_of(failed.error()).find("API key rejected"), std::string::npos);
  command_settings none;
  none.argv = {"/nonexistent/cli"};
  none.workspace_root = (root_ / "workspaces").string();
  none.sandbox = false;
  command_generator missing{none, std::make_shared<template_generator>()};
  auto m = missing.generate(site_request());
  ASSERT_FALSE(m);
  EXPECT_EQ(code_of(m.error()), errc::io_error) << message_of(m.error());
}

TEST_F(command_generator_test, only_listed_variables_reach_the_cli) {
  ::setenv("FAKE_CLI_KEY", "passed-on", 1);
  ::setenv("SPAWN_ANTHROPIC_API_KEY", "sk-ant-must-not-leak", 1);
  auto app = make("env.sh").generate(site_request());
  ::unsetenv("FAKE_CLI_KEY");
  ::unsetenv("SPAWN_ANTHROPIC_API_KEY");
  ASSERT_TRUE(app) << message_of(app.error());
  std::string env;
  for (auto& f : app->files)
    if (f.path == "env.txt")
      env = f.content;
  EXPECT_NE(env.find("FAKE_CLI_KEY=passed-on"), std::string::npos) << env;
  EXPECT_EQ(env.find("sk-ant-must-not-leak"), std::string::npos) << env;
}
