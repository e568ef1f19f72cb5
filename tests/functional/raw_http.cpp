#include "tests/functional/raw_http.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include "tests/functional/ws_client.hpp"

namespace spawn::test {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

long status_field(int pid, const std::string& name) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(name + ":", 0) == 0)
      return std::atol(line.c_str() + name.size() + 1);
  return 0;
}

} // namespace

std::vector<raw_response> parse_responses(const std::string& bytes, std::string* rest) {
  std::vector<raw_response> out;
  size_t pos = 0;
  for (;;) {
    auto head_end = bytes.find("\r\n\r\n", pos);
    if (head_end == std::string::npos || bytes.compare(pos, 5, "HTTP/") != 0)
      break;
    raw_response r;
    std::istringstream head{bytes.substr(pos, head_end - pos)};
    std::string line;
    std::getline(head, line);
    auto sp = line.find(' ');
    if (sp == std::string::npos)
      break;
    r.status = std::atoi(line.c_str() + sp + 1);
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      auto colon = line.find(':');
      if (colon == std::string::npos)
        continue;
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.erase(value.begin());
      r.headers[lower(line.substr(0, colon))] = value;
    }
    auto body_start = head_end + 4;
    if (r.headers.count("content-length")) {
      auto len = static_cast<size_t>(std::atoll(r.headers["content-length"].c_str()));
      if (body_start + len > bytes.size())
        break;
      r.body = bytes.substr(body_start, len);
      pos = body_start + len;
    } else if (lower(r.headers["transfer-encoding"]).find("chunked") != std::string::npos) {
      size_t p = body_start;
      bool done = false;
      while (!done) {
        auto eol = bytes.find("\r\n", p);
        if (eol == std::string::npos)
          break;
        auto size = std::stoul(bytes.substr(p, eol - p), nullptr, 16);
        if (size == 0) {
          p = eol + 4;
          done = true;
        } else {
          r.body += bytes.substr(eol + 2, size);
          p = eol + 2 + size + 2;
        }
      }
      if (!done || p > bytes.size())
        break;
      pos = p;
    } else if (r.status == 101 || r.status == 204 || r.status == 304) {
      pos = body_start;
    } else {
      r.body = bytes.substr(body_start); // until the close
      pos = bytes.size();
    }
    out.push_back(std::move(r));
  }
  if (rest)
    *rest = bytes.substr(pos);
  return out;
}

std::vector<raw_response> raw_exchange(int port, const std::string& request,
                                       std::chrono::milliseconds timeout) {
  return parse_responses(tcp_exchange(port, request, timeout));
}

std::string raw_get(const std::string& target, const std::string& extra) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "Connection: close\r\n\r\n";
}

long rss_kib(int pid) {
  return status_field(pid, "VmRSS");
}

long peak_rss_kib(int pid) {
  return status_field(pid, "VmHWM");
}

} // namespace spawn::test
