#include "infra/curl_easy.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "core/error.hpp"

namespace spawn::curl {

namespace {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

} // namespace

easy_request::easy_request(const http_request& req) : what_(req.method + " " + req.url) {
  // curl_global_init is not thread-safe; run it once before the first handle.
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  handle_.reset(curl_easy_init());
  CURL* h = handle_.get();
  if (h == nullptr)
    return;
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf_);
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  if (!req.unix_socket.empty())
    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, req.unix_socket.c_str());
  if (!req.ca_file.empty())
    curl_easy_setopt(h, CURLOPT_CAINFO, req.ca_file.c_str());
  if (!req.verify_host && !req.ca_file.empty()) // the chain is still checked against the CA
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  if (!req.cert_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, req.cert_file.c_str());
    curl_easy_setopt(h, CURLOPT_SSLKEY, req.key_file.c_str());
  }
  if (req.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (req.method == "GET" && req.body.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    // Any other method (or a GET with a body) sends req.body, possibly empty.
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  auto add = [this](const std::string& line) {
    if (auto* next = curl_slist_append(headers_.get(), line.c_str())) {
      (void) headers_.release();
      headers_.reset(next);
    }
  };
  for (const auto& [name, value] : req.headers)
    add(value.empty() ? name + ";" : name + ": " + value);
  add("Expect:"); // no 100-continue round trip for larger bodies
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_.get());
}

caf::error easy_request::failure(CURLcode rc) const {
  std::string msg = what_ + ": " + curl_easy_strerror(rc);
  if (errbuf_[0] != '\0')
    msg += std::string{" ("} + errbuf_ + ")";
  return make_error(rc == CURLE_OPERATION_TIMEDOUT ? errc::timeout : errc::io_error,
                    std::move(msg));
}

void add_header_line(std::string line, std::map<std::string, std::string>& headers) {
  if (line.rfind("HTTP/", 0) == 0) {
    headers.clear();
    return;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos)
    return;
  auto name = trim(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto value = trim(line.substr(colon + 1));
  auto [it, fresh] = headers.emplace(name, value);
  if (!fresh)
    it->second += ", " + value; // repeated headers fold as RFC 9110 allows
}

} // namespace spawn::curl
