#include "infra/http_stream.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>

#include <curl/curl.h>

#include "core/error.hpp"

namespace spawn {

namespace {

using clock_type = std::chrono::steady_clock;

struct transfer {
  CURL* handle = nullptr;
  const chunk_handler* on_chunk = nullptr;
  http_response* resp = nullptr;
  clock_type::time_point last_data = clock_type::now();
  long idle_ms = 0;
  bool idle_expired = false;
  bool stopped = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  auto n = size * count;
  t->last_data = clock_type::now();
  long status = 0;
  curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    auto room = (64u << 10) - std::min<size_t>(t->resp->body.size(), 64u << 10);
    t->resp->body.append(data, std::min(n, room));
    return n;
  }
  if (!(*t->on_chunk)(std::string_view{data, n})) {
    t->stopped = true;
    return 0; // makes curl stop with CURLE_WRITE_ERROR
  }
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<transfer*>(user);
  auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now()
                                                                      - t->last_data);
  if (silent.count() > t->idle_ms) {
    t->idle_expired = true;
    return 1;
  }
  return 0;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  t->last_data = clock_type::now();
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    t->resp->headers.clear();
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos)
    return size * count;
  auto name = trim(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t->resp->headers[name] = trim(line.substr(colon + 1));
  return size * count;
}

struct easy_deleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};

struct slist_deleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

} // namespace

caf::expected<http_response> perform_stream(const http_request& req, const stream_timeouts& t,
                                            const chunk_handler& on_chunk) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, easy_deleter> handle{curl_easy_init()};
  if (!handle)
    return make_error(errc::io_error, "curl_easy_init failed");
  CURL* h = handle.get();
  http_response resp;
  transfer tr;
  tr.handle = h;
  tr.on_chunk = &on_chunk;
  tr.resp = &resp;
  tr.idle_ms = t.idle_ms;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, t.total_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, t.connect_ms);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &tr);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &tr);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &tr);
  if (req.method == "GET" && req.body.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  std::unique_ptr<curl_slist, slist_deleter> headers;
  for (const auto& line : [&] {
         std::vector<std::string> lines;
         for (const auto& [name, value] : req.headers)
           lines.push_back(value.empty() ? name + ";" : name + ": " + value);
         lines.push_back("Expect:");
         return lines;
       }()) {
    if (auto* next = curl_slist_append(headers.get(), line.c_str())) {
      (void) headers.release();
      headers.reset(next);
    }
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  auto rc = curl_easy_perform(h);
  // Messages name the method and host path only: a URL never carries a key here,
  // but headers do, and they are never part of an error.
  auto what = req.method + " " + req.url + ": ";
  if (rc != CURLE_OK) {
    if (tr.stopped)
      return make_error(errc::io_error, what + "stopped by the receiver");
    if (tr.idle_expired)
      return make_error(errc::timeout, what + "no data for " + std::to_string(t.idle_ms)
                                         + " ms (idle timeout)");
    std::string msg = what + curl_easy_strerror(rc);
    if (errbuf[0] != '\0')
      msg += std::string{" ("} + errbuf + ")";
    return make_error(rc == CURLE_OPERATION_TIMEDOUT ? errc::timeout : errc::io_error,
                      std::move(msg));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

} // namespace spawn
