#include "tests/integration/delaying_proxy.hpp"

#include <cstring>
#include <mutex>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace spawn::test {

namespace {

int connect_unix(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    auto w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0)
      return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

} // namespace

delaying_proxy::delaying_proxy(std::string upstream, std::string path, std::string slow_request,
                               std::chrono::milliseconds delay)
  : upstream_(std::move(upstream)), path_(std::move(path)), slow_(std::move(slow_request)),
    delay_(delay) {
  ::unlink(path_.c_str());
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
    ::listen(listen_fd_, 64);
  acceptor_ = std::thread{[this] { accept_loop(); }};
}

delaying_proxy::~delaying_proxy() {
  stop_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  acceptor_.join();
  for (auto& t : conns_)
    t.join();
  ::unlink(path_.c_str());
}

void delaying_proxy::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0)
      continue;
    int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0)
      continue;
    conns_.emplace_back([this, client] { serve(client); });
  }
}

void delaying_proxy::serve(int client) {
  int engine = connect_unix(upstream_);
  if (engine < 0) {
    ::close(client);
    return;
  }
  std::atomic<bool> hold{false}, client_gone{false};
  // Requests: passed on at once; a slow one marks its answer to be held. The
  // engine's side stays open when the client goes (a closed connection would
  // cancel the request on the engine), until its answer came.
  std::thread up{[&] {
    char buf[65536];
    for (;;) {
      auto n = ::read(client, buf, sizeof buf);
      if (n <= 0)
        break;
      std::string chunk(buf, static_cast<size_t>(n));
      auto first = chunk.substr(0, chunk.find("\r\n"));
      if (first.rfind("POST ", 0) == 0 && first.find(slow_) != std::string::npos) {
        hold = true;
        ++delayed_;
      }
      if (!write_all(engine, buf, static_cast<size_t>(n)))
        break;
    }
    client_gone = true;
  }};
  char buf[65536];
  auto waited_since = std::chrono::steady_clock::now();
  for (;;) {
    pollfd p{engine, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) {
      auto answered_or_stuck = !hold || std::chrono::steady_clock::now() - waited_since
                                          > std::chrono::seconds{30};
      if ((client_gone && answered_or_stuck) || stop_)
        break;
      continue;
    }
    auto n = ::read(engine, buf, sizeof buf);
    if (n <= 0)
      break;
    waited_since = std::chrono::steady_clock::now();
    if (hold.exchange(false))
      std::this_thread::sleep_for(delay_);
    if (!write_all(client, buf, static_cast<size_t>(n)) && client_gone)
      break;
  }
  ::shutdown(client, SHUT_RDWR);
  up.join();
  ::close(engine);
  ::close(client);
}

} // namespace spawn::test
