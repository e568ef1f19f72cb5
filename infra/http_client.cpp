#include "infra/http_client.hpp"

#include "core/error.hpp"
#include "infra/curl_easy.hpp"

namespace spawn {

namespace {

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  out->append(data, size * count);
  return size * count;
}

/// Collects response headers with lower-cased names; only the final
/// response's remain (see curl::add_header_line).
size_t on_header(char* data, size_t size, size_t count, void* user) {
  curl::add_header_line(std::string(data, size * count),
                        *static_cast<std::map<std::string, std::string>*>(user));
  return size * count;
}

} // namespace

caf::expected<http_response> perform(const http_request& req) {
  curl::easy_request call{req};
  CURL* h = call.get();
  if (h == nullptr)
    return make_error(errc::io_error, "curl_easy_init failed");
  http_response resp;
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req.timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp.headers);
  auto rc = curl_easy_perform(h);
  if (rc != CURLE_OK)
    return call.failure(rc);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

} // namespace spawn
