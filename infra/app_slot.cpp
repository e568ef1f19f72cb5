#include "infra/app_slot.hpp"

#include "infra/container_runtime.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "infra/archive_extract.hpp"
#include "infra/http_client.hpp"

namespace spawn {

namespace fs = std::filesystem;

namespace {

constexpr auto dir_perms = fs::perms::owner_all | fs::perms::group_read
                           | fs::perms::group_exec | fs::perms::others_read
                           | fs::perms::others_exec;
constexpr auto file_perms = fs::perms::owner_read | fs::perms::owner_write
                            | fs::perms::group_read | fs::perms::others_read;

caf::error write_file(const fs::path& path, const std::string& content) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out)
    return make_error(errc::io_error, "cannot write " + path.string());
  std::error_code ec;
  fs::permissions(path, file_perms, ec);
  return {};
}

caf::error make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(errc::io_error, "cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, dir_perms, ec);
  return {};
}

} // namespace

caf::error make_slot(const std::string& slot_dir) {
  return make_dirs(slot_dir);
}

caf::error write_slot(const std::string& slot_dir, const generated_app& app, app_type type) {
  if (auto err = validate_app(app))
    return err;
  fs::path root{slot_dir};
  fs::path app_dir = root / "app";
  if (auto err = make_dirs(app_dir))
    return err;
  if (!app.bundle.empty()) {
    extract_limits lim; // what the builder made: bounded like an upload
    lim.max_entries = 100000;
    lim.max_total_bytes = 1024ull << 20;
    lim.max_file_bytes = 256u << 20;
    auto done = extract_archive(app.bundle, app_dir.string(), lim);
    if (!done)
      return make_error(errc::runtime_failed, "the app's bundle: " + message_of(done.error()));
    std::error_code ec;
    if (!app.entry.empty() && !fs::exists(app_dir / app.entry, ec))
      return make_error(errc::runtime_failed, "the entry '" + app.entry + "' is not in the app");
  }
  for (auto& f : app.files) {
    fs::path target = app_dir / f.path;
    if (auto err = make_dirs(target.parent_path()))
      return err;
    if (auto err = write_file(target, f.content))
      return err;
  }
  // A built upload that runs a server (Next.js `next start`: its plan could
  // not know before the build whether it exports static files) runs as an
  // api; generated webapps carry no bundle.
  auto runs_as = type == app_type::webapp && !app.run.empty() && !app.bundle.empty()
                   ? app_type::api
                   : type;
  nlohmann::json manifest{{"type", std::string{to_string(runs_as)}},
                          {"run", app.run},
                          {"entry", app.entry},
                          {"title", app.title}};
  auto tmp = root / ".manifest.json.tmp";
  if (auto err = write_file(tmp, manifest.dump()))
    return err;
  std::error_code ec;
  fs::rename(tmp, root / "manifest.json", ec);
  if (ec)
    return make_error(errc::io_error, "cannot publish the manifest: " + ec.message());
  return {};
}

caf::error remove_slot(const std::string& slot_dir) {
  if (slot_dir.empty())
    return {};
  std::error_code ec;
  fs::remove_all(slot_dir, ec);
  if (ec)
    return make_error(errc::io_error, "cannot remove " + slot_dir + ": " + ec.message());
  return {};
}

caf::expected<long> container_runtime::wait_ready(const std::string& url, long timeout_ms) {
  return wait_until_answers(url, timeout_ms);
}

caf::expected<long> wait_until_answers(const std::string& url, long timeout_ms) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  auto deadline = start + std::chrono::milliseconds{timeout_ms};
  std::string last_error = "no answer";
  while (clock::now() < deadline) {
    http_request req;
    req.url = url;
    req.timeout_ms = 2000;
    req.connect_timeout_ms = 500;
    auto res = perform(req);
    if (res && res->status > 0)
      return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start).count());
    if (!res)
      last_error = message_of(res.error());
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return make_error(errc::runtime_failed, "the app did not answer at " + url + " within "
                                            + std::to_string(timeout_ms) + " ms ("
                                            + last_error + ")");
}

} // namespace spawn
