#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace spawn::test {

/// A test double of a paid LLM API that speaks the real wire protocol: an
/// HTTP/1.1 server on 127.0.0.1 (ephemeral port) answering each request with
/// the next scripted reply: a server-sent event stream in chunks (chunked
/// transfer encoding, optionally slow or cut), a status with headers (429
/// with retry-after, 500...), or raw garbage bytes. Records every request.
class llm_test_server {
public:
  struct reply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::string> chunks; ///< body pieces, written one by one
    int64_t delay_before_ms = 0;     ///< before the status line
    int64_t delay_between_ms = 0;    ///< between two chunks
    bool cut = false;                ///< close before the final chunk
    std::string raw;                 ///< when set: written as is, then close
  };

  struct request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers; ///< names lower-cased
    std::string body;
  };

  llm_test_server();
  ~llm_test_server();
  llm_test_server(const llm_test_server&) = delete;
  llm_test_server& operator=(const llm_test_server&) = delete;

  uint16_t port() const {
    return port_;
  }

  std::string base_url() const;

  /// Queues a reply for the next request; once the queue is empty the
  /// default reply (a 500 unless set) answers.
  void push(reply r);
  void set_default(reply r);

  std::vector<request> requests() const;
  size_t request_count() const;

private:
  void accept_loop();
  void serve(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mtx_;
  std::deque<reply> queue_;
  reply default_;
  std::vector<request> log_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

/// An Anthropic Messages stream answering `text`, split into `pieces` deltas.
std::vector<std::string> anthropic_stream(const std::string& text, int64_t input_tokens,
                                          int64_t output_tokens, size_t pieces = 4,
                                          bool with_stop = true);

/// An OpenAI chat completions stream answering `text`, with a usage chunk.
std::vector<std::string> openai_stream(const std::string& text, int64_t prompt_tokens,
                                       int64_t completion_tokens, size_t pieces = 4,
                                       bool with_done = true);

/// A reply carrying an SSE stream.
llm_test_server::reply sse_reply(std::vector<std::string> chunks);

/// A JSON error reply: {"type":"error","error":{"type","message"}}.
llm_test_server::reply error_reply(int status, const std::string& message,
                                   std::vector<std::pair<std::string, std::string>> headers = {});

/// A manifest for a one-page webapp titled `title` (the output contract).
std::string webapp_manifest(const std::string& title);

} // namespace spawn::test
