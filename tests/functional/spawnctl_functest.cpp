// spawnctl against a real spawnd: create --wait, ls, status, logs, files, rm,
// and the exit codes scripts rely on.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "build_paths.hpp"
#include "tests/functional/spawnd_process.hpp"

using spawn::test::spawnd_options;
using spawn::test::spawnd_process;

namespace {

struct run_result {
  int code = -1;
  std::string out;
};

class spawnctl_functest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string why;
    if (!spawn::test::functional_prereqs(why))
      GTEST_SKIP() << "functional prerequisites missing: " << why;
    spawnd_options opts;
    opts.name = "ctltest";
    opts.env = {{"SPAWN_DATABASE_URL", std::getenv("SPAWN_TEST_DATABASE_URL")},
                {"SPAWN_RUNTIME_WARM_POOL_SIZE", "1"}};
    daemon_ = std::make_unique<spawnd_process>(opts);
    ASSERT_TRUE(daemon_->start()) << daemon_->error();
    home_ = std::filesystem::temp_directory_path() / ("spawnctl-home-" + std::to_string(getpid()));
    std::filesystem::create_directories(home_);
  }

  void TearDown() override {
    daemon_.reset();
    std::error_code ec;
    std::filesystem::remove_all(home_, ec);
  }

  /// Runs spawnctl with `args` against the test's spawnd; stdout and exit code.
  run_result ctl(const std::string& args, const std::string& server = {}) {
    auto url = server.empty() ? "http://127.0.0.1:" + std::to_string(daemon_->port()) : server;
    auto cmd = "HOME=" + home_.string() + " SPAWN_SERVER=" + url + " " SPAWNCTL_BINARY " "
               + args + " 2>/dev/null";
    run_result r;
    FILE* p = popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
      r.out.append(buf.data(), n);
    int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }

  std::unique_ptr<spawnd_process> daemon_;
  std::filesystem::path home_;
};

} // namespace

TEST_F(spawnctl_functest, create_wait_list_logs_files_remove) {
  auto created = ctl("--json create 'a counter for push-ups' --type webapp --wait");
  ASSERT_EQ(created.code, 0) << created.out;
  auto s = nlohmann::json::parse(created.out);
  EXPECT_EQ(s["state"], "running");
  auto id = s["id"].get<std::string>();

  auto ls = ctl("ls");
  EXPECT_EQ(ls.code, 0);
  EXPECT_NE(ls.out.find(id), std::string::npos) << ls.out;

  auto status = ctl("status " + id);
  EXPECT_EQ(status.code, 0);
  EXPECT_NE(status.out.find("running"), std::string::npos) << status.out;

  auto logs = ctl("logs " + id);
  EXPECT_EQ(logs.code, 0);
  EXPECT_NE(logs.out.find("Running at"), std::string::npos) << logs.out;

  auto dir = home_ / "code";
  auto files = ctl("files " + id + " -o " + dir.string());
  EXPECT_EQ(files.code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir / "index.html"));

  EXPECT_EQ(ctl("rm " + id + " --token " + std::string(64, 'f')).code, 5);
  auto rm = ctl("rm " + id); // the token saved by create
  EXPECT_EQ(rm.code, 0) << rm.out;
  EXPECT_EQ(ctl("rm " + id).code, 0) << "removing twice is fine";
}

TEST_F(spawnctl_functest, exit_codes_scripts_rely_on) {
  EXPECT_EQ(ctl("status s000000000000").code, 4);
  EXPECT_EQ(ctl("create ''").code, 1);
  EXPECT_EQ(ctl("create 'x' --type game").code, 1);
  EXPECT_EQ(ctl("frobnicate").code, 2);
  EXPECT_EQ(ctl("").code, 2);
  EXPECT_EQ(ctl("ls", "http://127.0.0.1:1").code, 3);
}
