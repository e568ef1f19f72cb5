// infra/process_runner: outputs, streaming of lines, deadlines, inherited
// descriptors (none past stderr reach the child).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include "core/error.hpp"
#include "infra/process_runner.hpp"

using namespace spawn;

namespace {

process_spec sh(const std::string& script, int64_t timeout_ms = 10000) {
  process_spec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.timeout_ms = timeout_ms;
  return spec;
}

} // namespace

TEST(process_runner, captures_stdout_stderr_and_the_exit_code) {
  auto r = run_process(sh("echo out; echo err >&2; exit 7"));
  ASSERT_TRUE(r) << message_of(r.error());
  EXPECT_EQ(r->exit_code, 7);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
}

TEST(process_runner, streams_merged_lines_as_they_come_with_the_group_first) {
  std::vector<std::string> lines;
  int group = 0;
  auto spec = sh("echo one; echo two >&2; printf 'three'");
  spec.on_line = [&](const std::string& l) { lines.push_back(l); };
  spec.on_start = [&](int pid) { group = pid; };
  auto r = run_process(spec);
  ASSERT_TRUE(r) << message_of(r.error());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_GT(group, 0);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(r->err, ""); // merged into out
  EXPECT_NE(r->out.find("two"), std::string::npos);
}

TEST(process_runner, a_program_past_its_deadline_is_killed) {
  std::vector<std::string> lines;
  auto spec = sh("echo started; sleep 30", 500);
  spec.on_line = [&](const std::string& l) { lines.push_back(l); };
  auto r = run_process(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), errc::timeout);
  EXPECT_EQ(lines, std::vector<std::string>{"started"});
}

TEST(process_runner, the_child_inherits_no_descriptor_past_stderr) {
  // A descriptor spawnd holds without O_CLOEXEC (as a socket could be).
  int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 3);
  std::vector<std::string> lines;
  auto spec = sh("ls /proc/self/fd");
  spec.on_line = [&](const std::string& l) { lines.push_back(l); };
  auto r = run_process(spec);
  ::close(fd);
  ASSERT_TRUE(r) << message_of(r.error());
  // 0, 1, 2 and the one ls opens to list the folder.
  for (auto& l : lines)
    EXPECT_TRUE(l == "0" || l == "1" || l == "2" || l == "3") << l;
  EXPECT_LE(lines.size(), 4u);
}

TEST(process_runner, a_missing_program_is_an_io_error) {
  process_spec spec;
  spec.argv = {"/nonexistent/program"};
  auto r = run_process(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), errc::io_error);
}
