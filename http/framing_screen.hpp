#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include <http_parser.h>

namespace spawn {

/// The limits of one HTTP request, the same ones RESTinio's parser enforces
/// (restinio::incoming_http_msg_limits_t, set from these in http/server.cpp).
struct framing_limits {
  size_t max_url = 8 * 1024;
  size_t max_field_name = 256;
  size_t max_field_value = 16 * 1024;
  size_t max_fields = 100;
  uint64_t max_body = 8u << 20;
};

/// Follows the bytes a client sends on one connection with a parser of its
/// own (the http-parser RESTinio uses, with RESTinio's limits) to tell what
/// RESTinio will silently close the connection for: a framing error. RESTinio
/// 0.6 answers nothing then; `http/screened_socket.hpp` answers for it with
/// the status `verdict()` gives. Pure: bytes in, a verdict out.
class framing_screen {
public:
  explicit framing_screen(framing_limits limits = {});
  framing_screen(const framing_screen&) = delete;
  framing_screen& operator=(const framing_screen&) = delete;

  /// Feeds bytes read from the client. Returns false once a framing error is
  /// found (then `status()` and `reason()` say which); after an upgrade or the
  /// end of a `Connection: close` request it stops looking and returns true.
  bool feed(const char* data, size_t size);

  /// 0 while the framing is sound, else the status that fits: 400, 413, 414,
  /// 431 or 501.
  int status() const noexcept {
    return status_;
  }

  const std::string& reason() const noexcept {
    return reason_;
  }

  /// Requests seen complete so far.
  size_t complete_requests() const noexcept {
    return complete_;
  }

  /// Where the n-th request (counted from 1) ends, in bytes fed since the
  /// start, when it is complete; no value when fewer have been seen (or the
  /// end was forgotten). `http/screened_socket.hpp` gives RESTinio the bytes
  /// of at most a bounded number of unanswered requests with it.
  uint64_t end_of_request(size_t n) const noexcept;
  static constexpr uint64_t not_seen = UINT64_MAX;

  /// Ends of requests up to the n-th are no longer asked for.
  void forget_up_to(size_t n);

  /// Bytes fed so far (up to the error, once there is one).
  uint64_t fed() const noexcept {
    return fed_;
  }

  /// The whole error answer: status line, JSON body, `Connection: close`.
  std::string response() const;

private:
  static int on_url(http_parser* p, const char* at, size_t n);
  static int on_header_field(http_parser* p, const char* at, size_t n);
  static int on_header_value(http_parser* p, const char* at, size_t n);
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, size_t n);
  static int on_message_begin(http_parser* p);
  static int on_message_complete(http_parser* p);

  int refuse(int status, std::string reason);

  framing_limits limits_;
  http_parser parser_{};
  http_parser_settings settings_{};
  int status_ = 0;
  std::string reason_;
  bool done_ = false;         ///< upgraded or closed: nothing more to screen
  bool in_value_ = false;     ///< the last header callback was a value
  size_t url_ = 0;
  size_t field_name_ = 0;
  size_t field_value_ = 0;
  size_t fields_ = 0;
  uint64_t body_ = 0;
  size_t complete_ = 0;
  uint64_t fed_ = 0;           ///< bytes parsed since the start
  std::deque<uint64_t> ends_;  ///< end offsets of requests first_end_ + 1, ...
  size_t first_end_ = 0;       ///< requests whose ends were forgotten
};

} // namespace spawn
