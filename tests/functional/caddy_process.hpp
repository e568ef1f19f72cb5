// A private Caddy (and the shared Pebble) for the edge tests and the edge
// benchmark: its own admin port and storage, started and stopped by the test,
// so that restarting it disturbs no one else's Caddy.
#pragma once

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "infra/http_client.hpp"
#include "tests/functional/spawnd_process.hpp"

namespace spawn::test {

/// Runs `cmd` in a shell; its stdout (and stderr), trailing newlines cut.
inline std::string shell(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen((cmd + " 2>&1").c_str(), "r")) {
    std::array<char, 4096> buf{};
    while (fgets(buf.data(), buf.size(), p))
      out += buf.data();
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

/// What curl saw: status (0: no HTTP answer), body, exit code.
struct curl_result {
  int status = 0;
  int rc = -1;
  std::string body;
};

/// HTTPS through Caddy as a browser would, `host` resolved to 127.0.0.1 and
/// only Pebble's root trusted (curl verifies the chain and the name).
inline curl_result https_get(const std::string& host, int port, const std::string& root,
                      const std::string& dir, const std::string& path = "/") {
  auto body_file = dir + "/body.txt";
  auto out = shell("curl -s -m 20 -o '" + body_file + "' -w '%{http_code}' --cacert '" + root
                   + "' --resolve " + host + ":" + std::to_string(port) + ":127.0.0.1 https://"
                   + host + ":" + std::to_string(port) + path + "; echo \" $?\"");
  curl_result r;
  std::sscanf(out.c_str(), "%d %d", &r.status, &r.rc);
  std::ifstream in{body_file};
  r.body.assign(std::istreambuf_iterator<char>{in}, {});
  std::filesystem::remove(body_file);
  return r;
}

/// Pebble as deploy/scripts/pebble.sh runs it: directory URL, the PEM that
/// signs its listener, and its issuing root (fetched into `dir`).
struct pebble_info {
  std::string directory = "https://127.0.0.1:14000/dir";
  std::string listener_ca = "/tmp/spawnai-pebble/ca.pem";
  std::string issuing_root; ///< file
};

/// Finds the running Pebble; false with `why` when there is none.
inline bool find_pebble(const std::string& dir, pebble_info& out, std::string& why) {
  if (auto* d = std::getenv("SPAWN_TEST_ACME_DIRECTORY"))
    out.directory = d;
  if (auto* c = std::getenv("SPAWN_TEST_ACME_CA_ROOT"))
    out.listener_ca = c;
  std::string mgmt = "https://127.0.0.1:15000/roots/0";
  if (auto* m = std::getenv("SPAWN_TEST_ACME_ROOTS"))
    mgmt = m;
  out.issuing_root = dir + "/pebble-root.pem";
  auto code = shell("curl -s -m 5 -o '" + out.issuing_root + "' -w '%{http_code}' --cacert '"
                    + out.listener_ca + "' " + mgmt);
  if (code != "200") {
    why = "no Pebble ACME server at " + out.directory + " (deploy/scripts/pebble.sh start): "
          + code;
    return false;
  }
  return true;
}

/// One private `caddy run` with an empty http app and its admin API on a free
/// loopback port.
class caddy_process {
public:
  explicit caddy_process(std::string dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    admin_port_ = free_loopback_port();
    std::ofstream{dir_ + "/base.json"}
      << R"({"admin": {"listen": "127.0.0.1:)" << admin_port_
      << R"("}, "storage": {"module": "file_system", "root": ")" << dir_
      << R"(/data"}, "apps": {"http": {"servers": {}}}})";
  }
  caddy_process(const caddy_process&) = delete;
  caddy_process& operator=(const caddy_process&) = delete;
  ~caddy_process() {
    stop();
  }

  /// Starts Caddy and waits for its admin API; false when it does not answer.
  bool start() {
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      auto log = dir_ + "/caddy.log";
      if (!freopen(log.c_str(), "a", stdout) || !freopen(log.c_str(), "a", stderr))
        _exit(127);
      setenv("HOME", dir_.c_str(), 1);
      setenv("XDG_DATA_HOME", (dir_ + "/xdg").c_str(), 1);
      setenv("XDG_CONFIG_HOME", (dir_ + "/xdg").c_str(), 1);
      execlp("caddy", "caddy", "run", "--config", (dir_ + "/base.json").c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      http_request req;
      req.url = admin_url() + "/config/";
      req.timeout_ms = 1000;
      if (auto r = perform(req); r && r->status == 200)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    return false;
  }

  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }

  std::string admin_url() const {
    return "http://127.0.0.1:" + std::to_string(admin_port_);
  }

  const std::string& dir() const {
    return dir_;
  }

  /// One admin API GET (path from '/'); the status, 0 when Caddy is down.
  long admin_status(const std::string& path) const {
    http_request req;
    req.url = admin_url() + path;
    req.timeout_ms = 3000;
    auto r = perform(req);
    return r ? r->status : 0;
  }

private:
  std::string dir_;
  int admin_port_ = 0;
  pid_t pid_ = -1;
};

/// True when the caddy binary is on PATH.
inline bool have_caddy() {
  return shell("command -v caddy >/dev/null && echo yes") == "yes";
}

} // namespace spawn::test
