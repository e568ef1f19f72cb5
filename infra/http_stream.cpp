#include "infra/http_stream.hpp"

#include <algorithm>
#include <chrono>

#include "core/error.hpp"
#include "infra/curl_easy.hpp"

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

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  t->last_data = clock_type::now();
  curl::add_header_line(std::string(data, size * count), t->resp->headers);
  return size * count;
}

} // namespace

caf::expected<http_response> perform_stream(const http_request& req, const stream_timeouts& t,
                                            const chunk_handler& on_chunk) {
  curl::easy_request call{req};
  CURL* h = call.get();
  if (h == nullptr)
    return make_error(errc::io_error, "curl_easy_init failed");
  http_response resp;
  transfer tr;
  tr.handle = h;
  tr.on_chunk = &on_chunk;
  tr.resp = &resp;
  tr.idle_ms = t.idle_ms;
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, t.total_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, t.connect_ms);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &tr);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &tr);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &tr);
  auto rc = curl_easy_perform(h);
  // Messages name the method and URL only: a URL never carries a key here,
  // but headers do, and they are never part of an error.
  auto what = req.method + " " + req.url + ": ";
  if (rc != CURLE_OK) {
    if (tr.stopped)
      return make_error(errc::io_error, what + "stopped by the receiver");
    if (tr.idle_expired)
      return make_error(errc::timeout, what + "no data for " + std::to_string(t.idle_ms)
                                         + " ms (idle timeout)");
    return call.failure(rc);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

} // namespace spawn
