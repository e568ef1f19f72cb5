#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace spawn::test {

/// What one `ws_client::read_text` gave.
enum class ws_read {
  text,    ///< a complete text message
  closed,  ///< the server sent a close frame or closed the connection
  timeout, ///< nothing complete arrived in time; the connection stays usable
  error,   ///< a protocol or transport error; see `ws_client::error()`
};

const char* to_string(ws_read x);

/// A minimal blocking WebSocket client (RFC 6455) for tests: plain TCP to
/// 127.0.0.1, the HTTP/1.1 upgrade handshake with a checked
/// Sec-WebSocket-Accept, masked client frames, 7/16/64-bit payload lengths,
/// fragmented messages, answered pings and close frames. Not thread-safe.
class ws_client {
public:
  /// Largest message it accepts; anything bigger is a protocol error.
  static constexpr size_t max_message_bytes = 16u << 20;

  ws_client() = default;
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;
  ~ws_client();

  /// Connects to 127.0.0.1:`port` and upgrades `path`. False on any failure:
  /// `error()` says why and `status()` holds the HTTP status if one came back.
  /// For /ws/v1/sessions/<id> it sends the manage token noted for the session
  /// (`known_manage_token`) unless `show_known_token(false)` was called.
  bool connect(int port, const std::string& path,
               std::chrono::milliseconds timeout = std::chrono::milliseconds{5000});

  /// The same to `address` (a loopback address such as 127.0.0.11).
  bool connect(const std::string& address, int port, const std::string& path,
               std::chrono::milliseconds timeout = std::chrono::milliseconds{5000});

  /// Whether `connect` sends the manage token noted for a session (default true).
  void show_known_token(bool on) noexcept {
    show_known_token_ = on;
  }

  /// Waits at most `timeout` for the next text message and stores it in `out`.
  /// Pings are answered with pongs, pongs and binary messages are skipped; a
  /// close frame is echoed, recorded in `close_code()` and gives `closed`.
  /// A timeout in the middle of a frame keeps the bytes for the next call.
  ws_read read_text(std::string& out, std::chrono::milliseconds timeout);

  /// Sends one masked text frame.
  bool send_text(const std::string& text);

  /// Sends `bytes` as they are (for tests that feed a server garbage).
  bool send_raw(const std::string& bytes);

  /// Sends a close frame when the connection is open, then closes the socket.
  void close();

  bool is_open() const noexcept {
    return fd_ >= 0;
  }

  /// HTTP status of the upgrade answer (101 on success, 0 when none came).
  int status() const noexcept {
    return status_;
  }

  /// Head of the upgrade answer (status line and headers).
  const std::string& response_head() const noexcept {
    return head_;
  }

  /// The last failure, human readable.
  const std::string& error() const noexcept {
    return error_;
  }

  /// Status code of the server's close frame (1005 when it carried none, 0 before).
  uint16_t close_code() const noexcept {
    return close_code_;
  }

private:
  using clock = std::chrono::steady_clock;

  /// One frame taken off the input.
  struct frame {
    bool fin = false;
    uint8_t opcode = 0;
    std::string payload; ///< unmasked
  };

  enum class frame_status { complete, incomplete, bad };

  /// Takes the first complete frame off `in_`; `bad` means a protocol error
  /// (recorded by `fail`), `incomplete` leaves `in_` untouched.
  frame_status take_frame(frame& f);

  /// Reads more bytes into `in_` until `deadline`; false on timeout or error.
  bool fill(clock::time_point deadline);

  bool send_frame(uint8_t opcode, const std::string& payload);
  bool send_all(const char* data, size_t size);
  /// Records `why`, drops the connection and returns false.
  bool fail(std::string why);
  /// Like `fail`, for `read_text`.
  ws_read bad(std::string why);
  void drop();

  int fd_ = -1;
  int status_ = 0;
  uint16_t close_code_ = 0;
  bool close_sent_ = false;
  bool peer_gone_ = false;
  bool show_known_token_ = true;
  std::string head_;
  std::string error_;
  std::string in_;       ///< received bytes not yet consumed
  std::string partial_;  ///< payload of an unfinished fragmented message
  uint8_t partial_opcode_ = 0;
};

/// Connects to 127.0.0.1:`port`, sends `bytes`, then reads until the peer
/// closes or `timeout` passes; returns everything received (empty when
/// nothing was, or when no connection could be made).
std::string tcp_exchange(int port, const std::string& bytes,
                         std::chrono::milliseconds timeout);

} // namespace spawn::test
