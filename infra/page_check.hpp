#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace spawn {

/// How a deployed page is loaded headless (issue 15's fix loop).
struct page_check_options {
  std::string browser;           ///< a Chromium binary; see find_browser
  int64_t settle_ms = 2000;      ///< virtual time the page runs after loading
  int64_t timeout_ms = 20000;    ///< the whole browser run
  size_t max_errors = 20;
};

/// The browser to use: `configured` when it names an executable, else the
/// first of chromium, chromium-browser, google-chrome found on PATH; "" when
/// `configured` is "none" or nothing is found (the headless part is skipped).
std::string find_browser(const std::string& configured);

/// The page errors in a Chromium log (`--enable-logging=stderr`): uncaught
/// exceptions, unhandled rejections and resources that failed to load, each
/// with where it happened, in order, at most `max` of them, each cut to 300
/// characters. Anything else in the log is ignored.
std::vector<std::string> page_errors_in_log(const std::string& log, size_t max = 20);

/// Loads `url` (http://host:port/...) in a headless, sandboxed Chromium run as
/// an unprivileged user, whose every request except to that host and port is
/// refused, lets it run `settle_ms`, and returns the page's errors (empty: it
/// loaded cleanly; a page that does not load or renders nothing is one
/// error). Fails only when the browser cannot run (or past `timeout_ms`).
/// Blocking: call it on the I/O pool.
caf::expected<std::vector<std::string>> check_page(const std::string& url,
                                                   const page_check_options& opt);

} // namespace spawn
