#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace spawn::test {

/// A proxy on a unix socket in front of another (the Docker engine's): bytes
/// pass unchanged both ways, but the answer to every request whose first line
/// matches `slow_request` ("POST " and "/containers/create") is held back for
/// `delay`. With a client timeout shorter than the delay, the engine does the
/// work while the client sees a timeout: a slow engine, for real.
class delaying_proxy {
public:
  delaying_proxy(std::string upstream, std::string path, std::string slow_request,
                 std::chrono::milliseconds delay);
  ~delaying_proxy();
  delaying_proxy(const delaying_proxy&) = delete;
  delaying_proxy& operator=(const delaying_proxy&) = delete;

  const std::string& path() const {
    return path_;
  }

  /// Requests whose answer was held back.
  int delayed() const {
    return delayed_;
  }

private:
  void accept_loop();
  void serve(int client);

  std::string upstream_, path_, slow_;
  std::chrono::milliseconds delay_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> delayed_{0};
  std::thread acceptor_;
  std::vector<std::thread> conns_;
};

} // namespace spawn::test
