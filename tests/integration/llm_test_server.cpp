#include "llm_test_server.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace spawn::test {

using nlohmann::json;

namespace {

bool send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    auto n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 529: return "Overloaded";
    default: return "Status";
  }
}

} // namespace

llm_test_server::llm_test_server() {
  default_ = error_reply(500, "no scripted reply left");
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0
      || ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("llm_test_server: cannot listen");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread{[this] { accept_loop(); }};
}

llm_test_server::~llm_test_server() {
  stop_ = true;
  acceptor_.join();
  for (auto& w : workers_)
    w.join();
  ::close(listen_fd_);
}

std::string llm_test_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void llm_test_server::push(reply r) {
  std::lock_guard<std::mutex> guard{mtx_};
  queue_.push_back(std::move(r));
}

void llm_test_server::set_default(reply r) {
  std::lock_guard<std::mutex> guard{mtx_};
  default_ = std::move(r);
}

std::vector<llm_test_server::request> llm_test_server::requests() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return log_;
}

size_t llm_test_server::request_count() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return log_.size();
}

void llm_test_server::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0)
      continue;
    workers_.emplace_back([this, fd] {
      serve(fd);
      ::close(fd);
    });
  }
}

void llm_test_server::serve(int fd) {
  // Read the head, then Content-Length bytes of body (5 s at most).
  std::string in;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  size_t head_end = std::string::npos;
  size_t need = 0;
  while (std::chrono::steady_clock::now() < deadline && !stop_) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      continue;
    char buf[8192];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0)
      return;
    in.append(buf, static_cast<size_t>(n));
    if (head_end == std::string::npos) {
      head_end = in.find("\r\n\r\n");
      if (head_end == std::string::npos)
        continue;
      auto lower = in.substr(0, head_end);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      auto cl = lower.find("content-length:");
      if (cl != std::string::npos)
        need = std::stoul(lower.substr(cl + 15));
    }
    if (in.size() >= head_end + 4 + need)
      break;
  }
  if (head_end == std::string::npos)
    return;
  request req;
  auto line_end = in.find("\r\n");
  auto first = in.substr(0, line_end);
  auto sp1 = first.find(' ');
  auto sp2 = first.find(' ', sp1 + 1);
  req.method = first.substr(0, sp1);
  req.path = first.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end + 2;
  while (pos < head_end) {
    auto e = in.find("\r\n", pos);
    auto l = in.substr(pos, e - pos);
    pos = e + 2;
    auto colon = l.find(':');
    if (colon == std::string::npos)
      continue;
    auto name = l.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = l.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.erase(value.begin());
    req.headers[name] = value;
  }
  req.body = in.substr(head_end + 4, need);
  reply r;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    log_.push_back(req);
    if (queue_.empty()) {
      r = default_;
    } else {
      r = std::move(queue_.front());
      queue_.pop_front();
    }
  }
  auto pause = [this](int64_t ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds{ms};
    while (!stop_ && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
  };
  pause(r.delay_before_ms);
  if (!r.raw.empty()) {
    send_all(fd, r.raw);
    return;
  }
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) + "\r\n";
  bool has_type = false;
  for (auto& [k, v] : r.headers) {
    head += k + ": " + v + "\r\n";
    has_type = has_type || k == "content-type";
  }
  if (!has_type)
    head += r.status == 200 ? "content-type: text/event-stream\r\n"
                            : "content-type: application/json\r\n";
  head += "transfer-encoding: chunked\r\nconnection: close\r\n\r\n";
  if (!send_all(fd, head))
    return;
  for (size_t i = 0; i < r.chunks.size(); ++i) {
    if (i > 0)
      pause(r.delay_between_ms);
    auto& c = r.chunks[i];
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", c.size());
    if (!send_all(fd, size + c + "\r\n"))
      return;
  }
  if (!r.cut)
    send_all(fd, "0\r\n\r\n");
}

std::vector<std::string> anthropic_stream(const std::string& text, int64_t input_tokens,
                                          int64_t output_tokens, size_t pieces, bool with_stop) {
  auto ev = [](const std::string& name, const json& data) {
    return "event: " + name + "\ndata: " + data.dump() + "\n\n";
  };
  std::vector<std::string> out;
  out.push_back(ev("message_start",
                   {{"type", "message_start"},
                    {"message", {{"id", "msg_test"}, {"type", "message"}, {"role", "assistant"},
                                 {"content", json::array()}, {"model", "claude-test"},
                                 {"usage", {{"input_tokens", input_tokens}, {"output_tokens", 1}}}}}}));
  out.push_back(ev("content_block_start", {{"type", "content_block_start"}, {"index", 0},
                                           {"content_block", {{"type", "text"}, {"text", ""}}}}));
  out.push_back("event: ping\ndata: {\"type\": \"ping\"}\n\n");
  pieces = std::max<size_t>(1, pieces);
  auto step = (text.size() + pieces - 1) / pieces;
  for (size_t i = 0; i < text.size(); i += std::max<size_t>(step, 1))
    out.push_back(ev("content_block_delta",
                     {{"type", "content_block_delta"}, {"index", 0},
                      {"delta", {{"type", "text_delta"}, {"text", text.substr(i, step)}}}}));
  out.push_back(ev("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}));
  out.push_back(ev("message_delta", {{"type", "message_delta"},
                                     {"delta", {{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
                                     {"usage", {{"output_tokens", output_tokens}}}}));
  if (with_stop)
    out.push_back(ev("message_stop", {{"type", "message_stop"}}));
  return out;
}

std::vector<std::string> openai_stream(const std::string& text, int64_t prompt_tokens,
                                       int64_t completion_tokens, size_t pieces, bool with_done) {
  auto chunk = [](const json& j) { return "data: " + j.dump() + "\n\n"; };
  std::vector<std::string> out;
  auto base = json{{"id", "chatcmpl-test"}, {"object", "chat.completion.chunk"},
                   {"created", 1700000000}, {"model", "test-model"}};
  auto first = base;
  first["choices"] = json::array({{{"index", 0}, {"delta", {{"role", "assistant"}, {"content", ""}}},
                                   {"finish_reason", nullptr}}});
  out.push_back(chunk(first));
  pieces = std::max<size_t>(1, pieces);
  auto step = std::max<size_t>(1, (text.size() + pieces - 1) / pieces);
  for (size_t i = 0; i < text.size(); i += step) {
    auto c = base;
    c["choices"] = json::array({{{"index", 0}, {"delta", {{"content", text.substr(i, step)}}},
                                 {"finish_reason", nullptr}}});
    out.push_back(chunk(c));
  }
  auto last = base;
  last["choices"] = json::array({{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}});
  out.push_back(chunk(last));
  auto usage = base;
  usage["choices"] = json::array();
  usage["usage"] = {{"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens},
                    {"total_tokens", prompt_tokens + completion_tokens}};
  out.push_back(chunk(usage));
  if (with_done)
    out.push_back("data: [DONE]\n\n");
  return out;
}

llm_test_server::reply sse_reply(std::vector<std::string> chunks) {
  llm_test_server::reply r;
  r.chunks = std::move(chunks);
  return r;
}

llm_test_server::reply error_reply(int status, const std::string& message,
                                   std::vector<std::pair<std::string, std::string>> headers) {
  llm_test_server::reply r;
  r.status = status;
  r.headers = std::move(headers);
  r.chunks = {json{{"type", "error"}, {"error", {{"type", "api_error"}, {"message", message}}}}.dump()};
  return r;
}

std::string webapp_manifest(const std::string& title) {
  json files = json::array(
    {{{"path", "index.html"},
      {"content", "<!doctype html>\n<html><head><title>" + title
                    + "</title><link rel=\"stylesheet\" href=\"style.css\"></head>"
                      "<body><h1>" + title + "</h1><script src=\"app.js\"></script></body></html>\n"}},
     {{"path", "style.css"}, {"content", "body { font-family: sans-serif; }\n"}},
     {{"path", "app.js"}, {"content", "document.body.dataset.ready = 'yes';\n"}}});
  return "Here is the app.\n\n```json\n"
         + json{{"title", title}, {"entry", "index.html"}, {"run", json::array()}, {"files", files}}.dump(2)
         + "\n```\n";
}

} // namespace spawn::test
