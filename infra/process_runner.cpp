#include "infra/process_runner.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.hpp"

namespace spawn {

namespace {

void keep_tail(std::string& buf, const char* data, size_t n, size_t max) {
  buf.append(data, n);
  if (buf.size() > max)
    buf.erase(0, buf.size() - max);
}

} // namespace

caf::expected<process_result> run_process(const process_spec& spec) {
  if (spec.argv.empty())
    return make_error(errc::invalid_input, "no program to run");
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    return make_error(errc::io_error, std::string{"pipe: "} + std::strerror(errno));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return make_error(errc::io_error, std::string{"pipe: "} + std::strerror(errno));
  }
  std::vector<char*> argv, envp;
  for (auto& a : spec.argv)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : spec.env)
    envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, spec.on_line ? out_pipe[1] : err_pipe[1], 2);
  // Nothing else of spawnd's (its listening sockets, connections, files): a
  // child that outlives spawnd must not keep its ports open.
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  if (!spec.cwd.empty())
    posix_spawn_file_actions_addchdir_np(&fa, spec.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK
                                    | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none); // spawnd blocks SIGTERM; the child must not
  posix_spawnattr_setsigdefault(&attr, &all);
  pid_t pid = -1;
  auto started = std::chrono::steady_clock::now();
  int rc = ::posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return make_error(errc::io_error, "cannot start " + spec.argv[0] + ": " + std::strerror(rc));
  }
  if (spec.on_start)
    spec.on_start(pid);
  process_result res;
  std::string partial; // streaming: the line not yet ended
  auto stream = [&](const char* data, size_t n, bool all) {
    if (!spec.on_line)
      return;
    partial.append(data, n);
    size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      auto line = partial.substr(0, nl);
      partial.erase(0, nl + 1);
      if (!line.empty())
        spec.on_line(line);
    }
    if (partial.size() > spec.max_output)
      partial.erase(0, partial.size() - spec.max_output);
    if (all && !partial.empty()) {
      spec.on_line(partial);
      partial.clear();
    }
  };
  auto deadline = started + std::chrono::milliseconds{spec.timeout_ms};
  bool timed_out = false;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    int n = ::poll(fds, 2, static_cast<int>(std::min<int64_t>(left, 200)));
    if (n < 0 && errno != EINTR)
      break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      char buf[4096];
      auto got = ::read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        keep_tail(i == 0 ? res.out : res.err, buf, static_cast<size_t>(got), spec.max_output);
        if (i == 0)
          stream(buf, static_cast<size_t>(got), false);
      }
    }
  }
  stream("", 0, true);
  // Outputs closed (or the deadline passed): the group goes, then we reap.
  int status = 0;
  if (timed_out) {
    ::kill(-pid, SIGKILL);
  } else {
    // Closed pipes but still running (it closed its outputs): give it the rest of its time.
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        timed_out = true;
        ::kill(-pid, SIGKILL);
        break;
      }
      ::usleep(20000);
    }
    if (!timed_out) {
      ::kill(-pid, SIGKILL); // stragglers of the group (background children)
      for (auto& f : fds)
        if (f.fd >= 0)
          ::close(f.fd);
      res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      res.took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started).count();
      return res;
    }
  }
  ::waitpid(pid, &status, 0);
  for (auto& f : fds)
    if (f.fd >= 0)
      ::close(f.fd);
  return make_error(errc::timeout, spec.argv[0] + " did not finish within "
                                     + std::to_string(spec.timeout_ms) + " ms; killed");
}

} // namespace spawn
