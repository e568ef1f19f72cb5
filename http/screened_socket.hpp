#pragma once

#include <array>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
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
  /// Unanswered requests RESTinio is given at most on one connection
  /// (http.max_pipelined_requests). The bytes of further pipelined requests
  /// wait here until an answer is written: RESTinio 0.6 drops a connection
  /// whose queue of responses is full while it writes, so its own limit is
  /// set above this one and never reached.
  static inline std::size_t max_in_flight = 128;

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
    abort_parked(*state_);
    state_->sock.cancel(std::forward<Args>(args)...);
  }
  template <class... Args>
  void shutdown(Args&&... args) {
    state_->sock.shutdown(std::forward<Args>(args)...);
  }
  template <class... Args>
  void close(Args&&... args) {
    abort_parked(*state_);
    state_->sock.close(std::forward<Args>(args)...);
  }

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    auto st = state_;
    asio::mutable_buffer into = *asio::buffer_sequence_begin(buffers);
    auto ex = asio::get_associated_executor(handler, st->sock.get_executor());
    if (st->held_pos < st->held.size() || st->refused) {
      park(st, into, ex, std::forward<Handler>(handler)); // bytes read earlier come first
      return;
    }
    st->sock.async_read_some(
      buffers, asio::bind_executor(ex, [st, into, ex, h = std::forward<Handler>(handler)](
                                         const asio::error_code& ec, std::size_t n) mutable {
        if (ec || n == 0)
          return h(ec, n);
        auto bytes = static_cast<const char*>(into.data());
        if (st->screening && !st->screen.feed(bytes, n))
          refuse(*st);
        auto give = allowance(*st, n);
        if (give == n && !st->refused) { // the usual case: nothing held back
          st->delivered += n;
          return h(ec, n);
        }
        st->held.assign(bytes + give, n - give);
        st->held_pos = 0;
        if (give > 0) {
          st->delivered += give;
          return h(ec, give);
        }
        park(st, into, ex, std::move(h));
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
        st->screen.forget_up_to(st->responses);
        h(ec, n);
        resume(st); // an answer written: held requests may go on
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
    uint64_t delivered = 0;    ///< bytes handed to RESTinio
    std::string held;          ///< bytes read but not handed over yet (from held_pos)
    std::size_t held_pos = 0;
    bool refused = false;      ///< a framing error: the answer follows the earlier ones
    uint64_t good_end = 0;     ///< where the last sound request before the error ends
    asio::mutable_buffer into; ///< RESTinio's buffer of the parked read
    std::function<void(const asio::error_code&, std::size_t)> parked; ///< RESTinio's read
  };

  /// A framing error: RESTinio gets the sound requests before it, never the
  /// refused bytes; the answer is written once those are answered.
  static void refuse(state& st) {
    st.screening = false;
    st.refused = true;
    auto complete = st.screen.complete_requests();
    auto end = complete == 0 ? uint64_t{0} : st.screen.end_of_request(complete);
    st.good_end = end == framing_screen::not_seen ? st.delivered : std::max(end, st.delivered);
  }

  /// How many of `available` bytes (next after `delivered`) RESTinio may have.
  static std::size_t allowance(const state& st, std::size_t available) {
    auto limit = st.screen.end_of_request(st.responses + max_in_flight);
    if (st.refused)
      limit = std::min(limit, st.good_end);
    if (limit == framing_screen::not_seen)
      return available;
    return limit <= st.delivered
             ? 0
             : static_cast<std::size_t>(std::min<uint64_t>(available, limit - st.delivered));
  }

  /// Holds RESTinio's read until bytes may go to it (or the refusal is answered).
  template <class Executor, class Handler>
  static void park(const std::shared_ptr<state>& st, asio::mutable_buffer into, Executor ex,
                   Handler&& handler) {
    auto h = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
    st->into = into;
    st->parked = [ex, h](const asio::error_code& ec, std::size_t n) {
      asio::post(ex, [h, ec, n]() mutable { (*h)(ec, n); });
    };
    resume(st);
  }

  /// Hands held bytes to a parked read when the answers written allow it;
  /// after a refusal whose earlier requests are all answered, writes the
  /// answer and then tells RESTinio the connection ended.
  static void resume(const std::shared_ptr<state>& st) {
    if (!st->parked)
      return;
    if (st->refused && st->delivered >= st->good_end && st->writes == 0
        && st->screen.complete_requests() <= st->responses) {
      auto reader = std::exchange(st->parked, nullptr);
      st->held.clear();
      st->held_pos = 0;
      answer_then(st, st->sock.get_executor(), [reader] { reader(asio::error::eof, 0); });
      return;
    }
    auto left = st->held.size() - st->held_pos;
    auto give = std::min(allowance(*st, left), st->into.size());
    if (give == 0)
      return; // until the next answer is written
    std::memcpy(st->into.data(), st->held.data() + st->held_pos, give);
    st->held_pos += give;
    st->delivered += give;
    if (st->held_pos == st->held.size()) {
      st->held.clear();
      st->held_pos = 0;
    }
    std::exchange(st->parked, nullptr)(asio::error_code{}, give);
  }

  /// The connection is closing: a parked read ends as aborted (it holds
  /// RESTinio's connection, which holds this socket).
  static void abort_parked(state& st) {
    if (st.parked)
      std::exchange(st.parked, nullptr)(asio::error::operation_aborted, 0);
  }

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
