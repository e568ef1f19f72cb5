#pragma once

// Internal to infra/http_client.cpp and infra/http_stream.cpp: what both
// do with libcurl before and after their own transfer callbacks.

#include <map>
#include <memory>
#include <string>

#include <caf/error.hpp>
#include <curl/curl.h>

#include "infra/http_client.hpp"

namespace spawn::curl {

/// One easy handle set up for `req`: URL, method and body (HEAD, GET, or any
/// other method sending `req.body`), request headers (no 100-continue round
/// trip), the Unix socket if any, no signals, no redirects, an error buffer.
/// Timeouts and callbacks are the caller's.
class easy_request {
public:
  explicit easy_request(const http_request& req);
  easy_request(const easy_request&) = delete;
  easy_request& operator=(const easy_request&) = delete;

  /// Null when curl could not make a handle.
  CURL* get() const {
    return handle_.get();
  }

  /// The transport failure of a transfer that ended with `rc`, naming the
  /// method and URL only (headers may carry keys; they are never in errors).
  caf::error failure(CURLcode rc) const;

private:
  struct easy_deleter {
    void operator()(CURL* h) const {
      curl_easy_cleanup(h);
    }
  };
  struct slist_deleter {
    void operator()(curl_slist* l) const {
      curl_slist_free_all(l);
    }
  };
  std::string what_; ///< "METHOD URL"
  std::unique_ptr<CURL, easy_deleter> handle_;
  std::unique_ptr<curl_slist, slist_deleter> headers_;
  char errbuf_[CURL_ERROR_SIZE] = {0};
};

/// Adds one received header line to `headers` (name lower-cased, value
/// trimmed, repeated headers folded with ", "). A status line (a new
/// response after a 100 Continue, say) starts the set afresh.
void add_header_line(std::string line, std::map<std::string, std::string>& headers);

} // namespace spawn::curl
