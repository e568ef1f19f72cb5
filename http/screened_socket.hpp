#pragma once

#include <array>
#include <chrono>
#include <cstring>
#include <memory>
#include <utility>

#include <restinio/all.hpp>

#include "http/framing_screen.hpp"

namespace spawn {

/// The socket type of spawnd's RESTinio server (http_traits::stream_socket_t):
/// a TCP socket that watches what the client sends with a `framing_screen`.
/// RESTinio 0.6 closes a connection without a word when its parser refuses
/// the framing (unknown method, bad or duplicate Content-Length, both
/// Content-Length and Transfer-Encoding, oversized head, NUL in a header, a
/// declared body over the limit). When the screen sees such an error, this
/// socket first writes the fitting answer (400, 413, 414, 431, 501; JSON,
/// `Connection: close`), half-closes and drains the rest of the request for
/// up to 2 s, and only then tells RESTinio the connection ended: the client
/// reads the answer instead of a reset. It answers only when every
/// earlier request on the connection has been answered and no write is under
/// way (otherwise the answer could overtake a response): then it stays silent
/// like RESTinio. After an upgrade it passes bytes through untouched.
class screened_socket {
public:
  using socket_t = asio::ip::tcp::socket;
  using executor_type = restinio::default_asio_executor;

  /// The limits every connection is screened with (set before the server starts).
  static inline framing_limits limits;

  explicit screened_socket(asio::io_context& io) : io_(&io), state_(std::make_shared<state>(io)) {
  }
  /// A moved-from socket stays usable, like an asio socket (RESTinio's
  /// acceptor accepts the next connection into it).
  screened_socket(screened_socket&& other)
    : io_(other.io_), state_(std::exchange(other.state_, std::make_shared<state>(*other.io_))) {
  }
  screened_socket& operator=(screened_socket&& other) {
    io_ = other.io_;
    state_ = std::exchange(other.state_, std::make_shared<state>(*other.io_));
    return *this;
  }

  socket_t& lowest_layer() {
    return state_->sock;
  }
  const socket_t& lowest_layer() const {
    return state_->sock;
  }
  auto get_executor() {
    return state_->sock.get_executor();
  }
  auto remote_endpoint() const {
    return state_->sock.remote_endpoint();
  }
  bool is_open() const {
    return state_->sock.is_open();
  }
  template <class... Args>
  void cancel(Args&&... args) {
    state_->sock.cancel(std::forward<Args>(args)...);
  }
  template <class... Args>
  void shutdown(Args&&... args) {
    state_->sock.shutdown(std::forward<Args>(args)...);
  }
  template <class... Args>
  void close(Args&&... args) {
    state_->sock.close(std::forward<Args>(args)...);
  }

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    auto st = state_;
    asio::mutable_buffer into = *asio::buffer_sequence_begin(buffers);
    auto ex = asio::get_associated_executor(handler, st->sock.get_executor());
    st->sock.async_read_some(
      buffers, asio::bind_executor(ex, [st, into, ex, h = std::forward<Handler>(handler)](
                                         const asio::error_code& ec, std::size_t n) mutable {
        if (!ec && n > 0 && st->screening
            && !st->screen.feed(static_cast<const char*>(into.data()), n)) {
          st->screening = false;
          if (st->screen.complete_requests() == st->responses && st->writes == 0) {
            // RESTinio never sees the refused bytes (its parser may even
            // accept some, e.g. a leading NUL): it reads the end instead.
            answer_then(st, ex, [h = std::move(h)]() mutable { h(asio::error::eof, 0); });
            return;
          }
        }
        h(ec, n);
      }));
  }

  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    auto st = state_;
    ++st->writes;
    auto ex = asio::get_associated_executor(handler, st->sock.get_executor());
    st->sock.async_write_some(
      buffers, asio::bind_executor(ex, [st, buffers, h = std::forward<Handler>(handler)](
                                         const asio::error_code& ec, std::size_t n) mutable {
        --st->writes;
        // A response starts with its status line: count those written.
        std::size_t offset = 0;
        for (auto b = asio::buffer_sequence_begin(buffers);
             b != asio::buffer_sequence_end(buffers) && offset < n; ++b) {
          asio::const_buffer cb{*b};
          if (cb.size() >= 7 && std::memcmp(cb.data(), "HTTP/1.", 7) == 0)
            ++st->responses;
          offset += cb.size();
        }
        h(ec, n);
      }));
  }

private:
  struct state {
    explicit state(asio::io_context& io) : sock(io), screen(limits) {
    }
    socket_t sock;
    framing_screen screen;
    bool screening = true;     ///< until an error or an upgrade
    std::size_t responses = 0; ///< status lines written
    int writes = 0;            ///< writes under way
    std::array<char, 4096> drain{};
  };

  /// Writes the screen's answer, half-closes, drains the request's rest for
  /// up to 2 s (or 1 MiB), then calls `resume` on `ex`.
  template <class Executor, class Resume>
  static void answer_then(std::shared_ptr<state> st, Executor ex, Resume resume) {
    asio::error_code ignored;
    auto answer = st->screen.response();
    asio::write(st->sock, asio::buffer(answer), ignored);
    st->sock.shutdown(socket_t::shutdown_send, ignored);
    auto timer = std::make_shared<asio::steady_timer>(st->sock.get_executor());
    timer->expires_after(std::chrono::seconds{2});
    timer->async_wait(asio::bind_executor(ex, [st](const asio::error_code& ec) {
      if (!ec) {
        asio::error_code e;
        st->sock.cancel(e);
      }
    }));
    auto resume_ptr = std::make_shared<Resume>(std::move(resume));
    drain(st, ex, timer, resume_ptr, 0);
  }

  template <class Executor, class Resume>
  static void drain(std::shared_ptr<state> st, Executor ex,
                    std::shared_ptr<asio::steady_timer> timer, std::shared_ptr<Resume> resume,
                    std::size_t so_far) {
    st->sock.async_read_some(
      asio::buffer(st->drain),
      asio::bind_executor(ex, [st, ex, timer, resume, so_far](const asio::error_code& ec,
                                                              std::size_t n) {
        if (!ec && so_far + n < (1u << 20))
          return drain(st, ex, timer, resume, so_far + n);
        timer->cancel();
        (*resume)();
      }));
  }

  asio::io_context* io_;
  std::shared_ptr<state> state_;
};

/// RESTinio's hooks for a socket type (found by argument-dependent lookup):
/// a plain socket needs no preparation and is no TLS socket.
template <class Connection, class Start_Read_CB, class Failed_CB>
void prepare_connection_and_start_read(screened_socket&, Connection&, Start_Read_CB start_read,
                                       Failed_CB) {
  start_read();
}

inline restinio::impl::tls_socket_t*
make_tls_socket_pointer_for_state_listener(screened_socket&) noexcept {
  return nullptr;
}

} // namespace spawn
