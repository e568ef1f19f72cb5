#include "infra/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include <curl/curl.h>

#include "core/error.hpp"

namespace spawn {

namespace {

/// curl_global_init is not thread-safe; run it once before the first handle.
void global_init_once() {
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct easy_deleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};

struct slist_deleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

using easy_ptr = std::unique_ptr<CURL, easy_deleter>;
using slist_ptr = std::unique_ptr<curl_slist, slist_deleter>;

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  out->append(data, size * count);
  return size * count;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

/// Collects response headers with lower-cased names. A new status line (after
/// a 100 Continue, say) starts the set afresh, so only the final response's remain.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    out->clear();
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos)
    return size * count;
  auto name = trim(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto value = trim(line.substr(colon + 1));
  auto [it, fresh] = out->emplace(name, value);
  if (!fresh)
    it->second += ", " + value; // repeated headers fold as RFC 9110 allows
  return size * count;
}

bool is_timeout(CURLcode rc) {
  return rc == CURLE_OPERATION_TIMEDOUT;
}

} // namespace

caf::expected<http_response> perform(const http_request& req) {
  global_init_once();
  easy_ptr handle{curl_easy_init()};
  if (!handle)
    return make_error(errc::io_error, "curl_easy_init failed");
  CURL* h = handle.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  http_response resp;

  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req.timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp.headers);
  if (!req.unix_socket.empty())
    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, req.unix_socket.c_str());

  if (req.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (req.method == "GET" && req.body.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    // Any other method (or a GET with a body) sends req.body, possibly empty.
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }

  slist_ptr headers;
  auto add_header = [&headers](const std::string& line) {
    auto* next = curl_slist_append(headers.get(), line.c_str());
    if (next != nullptr) {
      (void) headers.release();
      headers.reset(next);
    }
  };
  for (const auto& [name, value] : req.headers)
    add_header(value.empty() ? name + ";" : name + ": " + value);
  add_header("Expect:"); // no 100-continue round trip for larger bodies
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  auto rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    std::string msg = req.method + " " + req.url + ": " + curl_easy_strerror(rc);
    if (errbuf[0] != '\0')
      msg += std::string{" ("} + errbuf + ")";
    return make_error(is_timeout(rc) ? errc::timeout : errc::io_error, std::move(msg));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

} // namespace spawn
