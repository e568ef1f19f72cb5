#include "tests/functional/ws_client.hpp"

#include "tests/functional/spawnd_process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace spawn::test {

namespace {

constexpr const char* ws_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr size_t max_head_bytes = 64 * 1024;

enum opcode : uint8_t {
  op_continuation = 0x0,
  op_text = 0x1,
  op_binary = 0x2,
  op_close = 0x8,
  op_ping = 0x9,
  op_pong = 0xA,
};

std::string base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                           static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string random_bytes(size_t n) {
  static thread_local std::mt19937 gen{std::random_device{}()};
  std::string out(n, '\0');
  for (auto& c : out)
    c = static_cast<char>(gen() & 0xFF);
  return out;
}

/// The Sec-WebSocket-Accept value a server must answer for `key`.
std::string expected_accept(const std::string& key) {
  auto text = key + ws_guid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base64(digest, sizeof(digest));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// The value of header `name` (case-insensitive) in an HTTP head, trimmed.
std::string header_value(const std::string& head, const std::string& name) {
  auto want = lower(name) + ":";
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    auto start = pos + 2;
    auto end = head.find("\r\n", start);
    auto line = head.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (lower(line.substr(0, want.size())) == want) {
      auto value = line.substr(want.size());
      auto first = value.find_first_not_of(" \t");
      auto last = value.find_last_not_of(" \t");
      return first == std::string::npos ? std::string{} : value.substr(first, last - first + 1);
    }
    pos = end;
  }
  return {};
}

/// A connected TCP socket to `address`:`port`, or -1 (errno set).
int connect_loopback(const std::string& address, int port,
                     std::chrono::milliseconds send_timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(send_timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((send_timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    errno = EINVAL;
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    auto saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
    deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

} // namespace

const char* to_string(ws_read x) {
  switch (x) {
    case ws_read::text:
      return "text";
    case ws_read::closed:
      return "closed";
    case ws_read::timeout:
      return "timeout";
    case ws_read::error:
      return "error";
  }
  return "?";
}

ws_client::~ws_client() {
  drop();
}

bool ws_client::connect(int port, const std::string& path, std::chrono::milliseconds timeout) {
  return connect("127.0.0.1", port, path, timeout);
}

bool ws_client::connect(const std::string& address, int port, const std::string& path,
                        std::chrono::milliseconds timeout) {
  drop();
  status_ = 0;
  close_code_ = 0;
  close_sent_ = false;
  peer_gone_ = false;
  head_.clear();
  error_.clear();
  in_.clear();
  partial_.clear();
  partial_opcode_ = 0;
  auto deadline = clock::now() + timeout;
  fd_ = connect_loopback(address, port, timeout);
  if (fd_ < 0)
    return fail("connect to " + address + ":" + std::to_string(port) + ": " + std::strerror(errno));
  auto raw_key = random_bytes(16);
  auto key = base64(reinterpret_cast<const unsigned char*>(raw_key.data()), raw_key.size());
  std::string token_header;
  constexpr std::string_view sessions = "/ws/v1/sessions/";
  if (show_known_token_ && path.rfind(sessions, 0) == 0) {
    auto id = path.substr(sessions.size(), path.find('?') - std::min(path.find('?'), sessions.size()));
    if (auto token = known_manage_token(id); !token.empty())
      token_header = "X-Manage-Token: " + token + "\r\n";
  }
  std::string request = "GET " + path + " HTTP/1.1\r\n"
                        "Host: " + address + ":" + std::to_string(port) + "\r\n"
                        "Upgrade: websocket\r\n"
                        "Connection: Upgrade\r\n"
                        "Sec-WebSocket-Key: " + key + "\r\n"
                        "Sec-WebSocket-Version: 13\r\n" + token_header + "\r\n";
  if (!send_all(request.data(), request.size()))
    return false;
  size_t end;
  while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
    if (in_.size() > max_head_bytes)
      return fail("the upgrade answer's head exceeds 64 KiB");
    if (!fill(deadline)) {
      if (!in_.empty() && error_.empty())
        error_ = "incomplete upgrade answer: " + in_.substr(0, 200);
      else if (error_.empty())
        error_ = "no upgrade answer";
      drop();
      return false;
    }
  }
  head_ = in_.substr(0, end);
  in_.erase(0, end + 4);
  // "HTTP/1.1 101 Switching Protocols"
  auto sp = head_.find(' ');
  if (head_.compare(0, 5, "HTTP/") != 0 || sp == std::string::npos)
    return fail("not an HTTP answer: " + head_.substr(0, 200));
  status_ = std::atoi(head_.c_str() + sp + 1);
  if (status_ != 101)
    return fail("upgrade refused with HTTP " + std::to_string(status_));
  if (lower(header_value(head_, "Upgrade")) != "websocket")
    return fail("the 101 answer lacks 'Upgrade: websocket'");
  if (header_value(head_, "Sec-WebSocket-Accept") != expected_accept(key))
    return fail("wrong Sec-WebSocket-Accept");
  return true;
}

ws_client::frame_status ws_client::take_frame(frame& f) {
  if (in_.size() < 2)
    return frame_status::incomplete;
  auto b0 = static_cast<uint8_t>(in_[0]);
  auto b1 = static_cast<uint8_t>(in_[1]);
  f.fin = (b0 & 0x80) != 0;
  f.opcode = b0 & 0x0F;
  uint64_t len = b1 & 0x7F;
  size_t header = 2;
  if (len >= 126) {
    header = len == 126 ? 4 : 10;
    if (in_.size() < header)
      return frame_status::incomplete;
    len = 0;
    for (size_t i = 2; i < header; ++i)
      len = (len << 8) | static_cast<uint8_t>(in_[i]);
  }
  if ((b0 & 0x70) != 0)
    return fail("frame with reserved bits set"), frame_status::bad;
  if (len > max_message_bytes)
    return fail("frame of " + std::to_string(len) + " bytes is too large"), frame_status::bad;
  if (f.opcode >= op_close && (!f.fin || len > 125))
    return fail("fragmented or oversized control frame"), frame_status::bad;
  size_t mask_at = header;
  bool masked = (b1 & 0x80) != 0; // servers must not mask, but tolerate it
  if (masked)
    header += 4;
  if (in_.size() < header + len)
    return frame_status::incomplete;
  f.payload = in_.substr(header, static_cast<size_t>(len));
  if (masked)
    for (size_t i = 0; i < f.payload.size(); ++i)
      f.payload[i] = static_cast<char>(f.payload[i] ^ in_[mask_at + i % 4]);
  in_.erase(0, header + static_cast<size_t>(len));
  return frame_status::complete;
}

ws_read ws_client::read_text(std::string& out, std::chrono::milliseconds timeout) {
  auto deadline = clock::now() + timeout;
  for (;;) {
    frame f;
    auto st = take_frame(f);
    if (st == frame_status::bad)
      return ws_read::error;
    if (st == frame_status::incomplete) {
      if (fd_ < 0)
        return peer_gone_ || close_code_ != 0 ? ws_read::closed : bad("not connected");
      if (fill(deadline))
        continue;
      if (peer_gone_)
        return ws_read::closed;
      return error_.empty() ? ws_read::timeout : ws_read::error;
    }
    switch (f.opcode) {
      case op_text:
      case op_binary:
        if (partial_opcode_ != 0)
          return bad("new message inside a fragmented one");
        if (!f.fin) {
          partial_opcode_ = f.opcode;
          partial_ = std::move(f.payload);
        } else if (f.opcode == op_text) {
          out = std::move(f.payload);
          return ws_read::text;
        }
        break;
      case op_continuation:
        if (partial_opcode_ == 0)
          return bad("continuation frame without a message");
        if (partial_.size() + f.payload.size() > max_message_bytes)
          return bad("fragmented message is too large");
        partial_ += f.payload;
        if (f.fin) {
          bool text = partial_opcode_ == op_text;
          partial_opcode_ = 0;
          if (text) {
            out = std::move(partial_);
            partial_.clear();
            return ws_read::text;
          }
          partial_.clear();
        }
        break;
      case op_close:
        close_code_ = f.payload.size() >= 2
                        ? static_cast<uint16_t>((static_cast<uint8_t>(f.payload[0]) << 8)
                                                | static_cast<uint8_t>(f.payload[1]))
                        : 1005;
        if (!close_sent_) {
          close_sent_ = true;
          send_frame(op_close, f.payload.substr(0, 2));
        }
        drop();
        return ws_read::closed;
      case op_ping:
        if (!send_frame(op_pong, f.payload))
          return ws_read::error;
        break;
      case op_pong:
        break;
      default:
        return bad("unknown opcode " + std::to_string(f.opcode));
    }
  }
}

bool ws_client::send_text(const std::string& text) {
  return send_frame(op_text, text);
}

bool ws_client::send_raw(const std::string& bytes) {
  return send_all(bytes.data(), bytes.size());
}

void ws_client::close() {
  if (fd_ >= 0 && status_ == 101 && !close_sent_) {
    close_sent_ = true;
    send_frame(op_close, std::string{"\x03\xE8", 2}); // 1000: normal closure
  }
  drop();
}

bool ws_client::fill(clock::time_point deadline) {
  error_.clear();
  if (fd_ < 0)
    return false;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail(std::string{"poll: "} + std::strerror(errno));
    if (n == 0)
      return false; // timeout: error_ stays empty
    char buf[16384];
    auto got = ::recv(fd_, buf, sizeof(buf), 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      if (errno == ECONNRESET) {
        peer_gone_ = true;
        close_code_ = close_code_ ? close_code_ : 1006;
        drop();
        return false;
      }
      return fail(std::string{"recv: "} + std::strerror(errno));
    }
    if (got == 0) {
      peer_gone_ = true;
      close_code_ = close_code_ ? close_code_ : 1006; // closed without a close frame
      drop();
      return false;
    }
    in_.append(buf, static_cast<size_t>(got));
    return true;
  }
}

bool ws_client::send_frame(uint8_t op, const std::string& payload) {
  std::string frame;
  frame.reserve(payload.size() + 14);
  frame.push_back(static_cast<char>(0x80 | op));
  auto len = payload.size();
  if (len < 126) {
    frame.push_back(static_cast<char>(0x80 | len));
  } else if (len <= 0xFFFF) {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>((len >> 8) & 0xFF));
    frame.push_back(static_cast<char>(len & 0xFF));
  } else {
    frame.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      frame.push_back(static_cast<char>((static_cast<uint64_t>(len) >> shift) & 0xFF));
  }
  auto mask = random_bytes(4);
  frame += mask;
  for (size_t i = 0; i < len; ++i)
    frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return send_all(frame.data(), frame.size());
}

bool ws_client::send_all(const char* data, size_t size) {
  if (fd_ < 0)
    return fail("not connected");
  while (size > 0) {
    auto n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return fail(std::string{"send: "} + std::strerror(errno));
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

ws_read ws_client::bad(std::string why) {
  fail(std::move(why));
  return ws_read::error;
}

bool ws_client::fail(std::string why) {
  error_ = std::move(why);
  drop();
  return false;
}

void ws_client::drop() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

std::string tcp_exchange(int port, const std::string& bytes, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int fd = connect_loopback("127.0.0.1", port, timeout);
  if (fd < 0)
    return {};
  std::string out;
  const char* data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    auto n = ::send(fd, data, left, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break; // the server may hang up early; read what it said
    data += n;
    left -= static_cast<size_t>(n);
  }
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    char buf[16384];
    auto got = ::recv(fd, buf, sizeof(buf), 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    out.append(buf, static_cast<size_t>(got));
  }
  ::close(fd);
  return out;
}

} // namespace spawn::test
