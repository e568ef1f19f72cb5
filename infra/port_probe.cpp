#include "infra/port_probe.hpp"

#include <cerrno>
#include <string>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace spawn {

namespace {

/// One address: a non-blocking connect, waited for with poll.
port_answer connect_one(const addrinfo& a, int timeout_ms) {
  int fd = ::socket(a.ai_family, a.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a.ai_protocol);
  if (fd < 0)
    return port_answer::silent;
  struct closer {
    int fd;
    ~closer() {
      ::close(fd);
    }
  } guard{fd};
  if (::connect(fd, a.ai_addr, a.ai_addrlen) == 0)
    return port_answer::listening;
  if (errno == ECONNREFUSED)
    return port_answer::refused;
  if (errno != EINPROGRESS)
    return port_answer::silent;
  pollfd p{fd, POLLOUT, 0};
  int n;
  do {
    n = ::poll(&p, 1, timeout_ms);
  } while (n < 0 && errno == EINTR);
  if (n <= 0)
    return port_answer::silent;
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    return port_answer::silent;
  if (err == 0)
    return port_answer::listening;
  return err == ECONNREFUSED ? port_answer::refused : port_answer::silent;
}

} // namespace

port_answer probe_port(const std::string& host, int port, int timeout_ms) {
  if (host.empty() || port <= 0 || port > 65535)
    return port_answer::silent;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
    return port_answer::silent;
  // Refused only when every address refuses; listening when any listens.
  auto verdict = port_answer::refused;
  for (auto* a = found; a; a = a->ai_next) {
    auto r = connect_one(*a, timeout_ms);
    if (r == port_answer::listening) {
      verdict = r;
      break;
    }
    if (r == port_answer::silent)
      verdict = port_answer::silent;
  }
  ::freeaddrinfo(found);
  return verdict;
}

const char* to_string(port_answer a) {
  switch (a) {
    case port_answer::listening: return "listening";
    case port_answer::refused: return "refused";
    case port_answer::silent: return "silent";
  }
  return "?";
}

} // namespace spawn
