// The headless part of the fix loop's check (issue 15): a deployed page is
// loaded in Chromium and its uncaught errors are collected from the browser's
// log. Chromium runs sandboxed as `nobody` (never as root with --no-sandbox:
// the page is model-written code), and a dead proxy with one bypass keeps the
// page from reaching anything but its own app (the control plane, Caddy's
// admin API and the other apps all listen on loopback too).
#include "infra/page_check.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <pwd.h>
#include <unistd.h>

#include "core/error.hpp"
#include "infra/process_runner.hpp"

namespace spawn {

namespace fs = std::filesystem;

namespace {

bool executable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    auto end = dirs.find(':', start);
    if (end == std::string::npos)
      end = dirs.size();
    auto candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && executable(candidate))
      return candidate;
    start = end + 1;
  }
  return {};
}

/// "http://127.0.0.1:8123/x" → "127.0.0.1:8123" ("" if it is not http://host:port).
std::string authority_of(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return {};
  auto rest = url.substr(scheme.size());
  auto auth = rest.substr(0, rest.find('/'));
  auto colon = auth.rfind(':');
  if (auth.empty() || colon == std::string::npos || colon + 1 == auth.size())
    return {};
  for (auto c : auth)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-'))
      return {};
  return auth;
}

/// A private, empty profile directory the browser's user can write.
caf::expected<std::string> profile_dir(const passwd* user) {
  std::string tmpl = (fs::temp_directory_path() / "spawnai-page-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr)
    return make_error(errc::io_error, "cannot make a browser profile directory");
  if (user && ::chown(tmpl.c_str(), user->pw_uid, user->pw_gid) != 0) {
    std::error_code ec;
    fs::remove_all(tmpl, ec);
    return make_error(errc::io_error, "cannot hand the browser profile to " + std::string{user->pw_name});
  }
  return tmpl;
}

} // namespace

std::string find_browser(const std::string& configured) {
  if (configured == "none")
    return {};
  if (!configured.empty())
    return executable(configured) ? configured : on_path(configured);
  for (auto name : {"chromium", "chromium-browser", "google-chrome"})
    if (auto found = on_path(name); !found.empty())
      return found;
  return {};
}

std::vector<std::string> page_errors_in_log(const std::string& log, size_t max) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < log.size() && out.size() < max) {
    auto end = log.find('\n', start);
    if (end == std::string::npos)
      end = log.size();
    std::string_view line{log.data() + start, end - start};
    start = end + 1;
    // [pid:tid:date:INFO:CONSOLE:1] "Uncaught TypeError: x", source: http://... (12)
    auto tag = line.find(":CONSOLE");
    if (tag == std::string_view::npos)
      continue;
    auto open = line.find("] \"", tag);
    if (open == std::string_view::npos)
      continue;
    auto text = line.substr(open + 3);
    auto close = text.rfind("\", source: ");
    std::string_view message = close == std::string_view::npos ? text : text.substr(0, close);
    std::string_view source = close == std::string_view::npos ? std::string_view{}
                                                              : text.substr(close + 11);
    bool error = message.substr(0, 8) == "Uncaught" || message.find("Failed to load resource") == 0;
    if (!error)
      continue;
    std::string entry{message};
    if (!source.empty()) {
      // The page's own address is noise for the model: keep the path and line.
      auto scheme = source.find("://");
      auto path = scheme == std::string_view::npos ? std::string_view::npos
                                                   : source.find('/', scheme + 3);
      entry += " (at " + std::string{path == std::string_view::npos ? source : source.substr(path)}
               + ")";
    }
    if (entry.size() > 300)
      entry = entry.substr(0, 297) + "...";
    out.push_back(std::move(entry));
  }
  return out;
}

caf::expected<std::vector<std::string>> check_page(const std::string& url,
                                                   const page_check_options& opt) {
  if (opt.browser.empty())
    return make_error(errc::unavailable, "no headless browser to load the page");
  auto auth = authority_of(url);
  if (auth.empty())
    return make_error(errc::invalid_input, "not an http://host:port address: " + url);
  const passwd* user = ::geteuid() == 0 ? ::getpwnam("nobody") : nullptr;
  if (::geteuid() == 0 && !user)
    return make_error(errc::unavailable, "no unprivileged user 'nobody' to run the browser as");
  auto profile = profile_dir(user);
  if (!profile)
    return profile.error();
  process_spec spec;
  if (user)
    spec.argv = {"setpriv", "--reuid=" + std::to_string(user->pw_uid),
                 "--regid=" + std::to_string(user->pw_gid), "--clear-groups"};
  for (auto arg : {opt.browser, std::string{"--headless=new"}, std::string{"--disable-gpu"},
                   std::string{"--no-first-run"}, std::string{"--disable-extensions"},
                   std::string{"--disable-background-networking"},
                   std::string{"--disable-component-update"}, std::string{"--disable-sync"},
                   std::string{"--enable-logging=stderr"}, std::string{"--v=0"},
                   "--user-data-dir=" + *profile,
                   // Everything goes to a proxy that is not there, but the app itself.
                   std::string{"--proxy-server=http://127.0.0.1:9"},
                   "--proxy-bypass-list=<-loopback>;" + auth,
                   "--virtual-time-budget=" + std::to_string(opt.settle_ms),
                   std::string{"--dump-dom"}, url})
    spec.argv.push_back(arg);
  spec.env = {"HOME=" + *profile, "PATH=/usr/local/bin:/usr/bin:/bin"};
  spec.timeout_ms = opt.timeout_ms;
  spec.max_output = 256u << 10;
  auto run = run_process(spec);
  std::error_code ec;
  fs::remove_all(*profile, ec);
  if (!run)
    return run.error();
  // A page that does not load or renders nothing is the app's error, for
  // the model to fix, not the check's.
  if (auto failed = run->err.find("Page load failed: "); failed != std::string::npos) {
    auto reason = run->err.substr(failed + 18, 200);
    return std::vector<std::string>{"the page did not load: " + reason.substr(0, reason.find('\n'))};
  }
  if (run->out.find("<") == std::string::npos)
    return std::vector<std::string>{"the page rendered nothing (the browser exited with "
                                    + std::to_string(run->exit_code) + ")"};
  return page_errors_in_log(run->err, opt.max_errors);
}

} // namespace spawn
