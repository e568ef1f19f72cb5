#include "infra/source_builder.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/tokens.hpp"
#include "infra/archive_extract.hpp"
#include "infra/process_runner.hpp"

namespace spawn {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

int64_t now_ms_steady() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  if (!in)
    return std::nullopt;
  return std::string{std::istreambuf_iterator<char>{in}, {}};
}

/// Every regular file of `dir`, relative, for detection.
std::vector<std::string> list_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) || it->is_symlink(ec))
      out.push_back(it->path().lexically_relative(dir).generic_string());
  return out;
}

void make_readable(const fs::path& dir) {
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec
                         | fs::perms::others_read | fs::perms::others_exec, ec);
  for (fs::recursive_directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec))
      continue;
    auto add = it->is_directory(ec) ? fs::perms::others_read | fs::perms::others_exec
                                       | fs::perms::group_read | fs::perms::group_exec
                                    : fs::perms::others_read | fs::perms::group_read;
    fs::permissions(it->path(), add, fs::perm_options::add, ec);
  }
}

struct run_outcome {
  int exit_code = -1;
  bool timed_out = false;
  std::vector<std::string> tail; ///< the last lines it printed
};

/// Runs `argv` through infra/process_runner (its own process group, stdin on
/// /dev/null, none of spawnd's descriptors, stdout and stderr merged), each
/// line handed to `line` as it comes; killed (the group) past `timeout_ms`.
/// `started` receives the group while it runs.
caf::expected<run_outcome> run_streaming(const std::vector<std::string>& argv,
                                         int64_t timeout_ms,
                                         const std::function<void(const std::string&)>& line,
                                         const std::function<void(int)>& started) {
  process_spec spec;
  spec.argv = argv;
  // The docker CLI needs little: where to find programs and a home for its config.
  for (auto* name : {"PATH", "HOME", "DOCKER_CONFIG"})
    if (const char* v = std::getenv(name))
      spec.env.push_back(std::string{name} + "=" + v);
  spec.timeout_ms = timeout_ms;
  spec.max_output = 1u << 20;
  run_outcome out;
  spec.on_line = [&](const std::string& l) {
    out.tail.push_back(l);
    if (out.tail.size() > 30)
      out.tail.erase(out.tail.begin());
    line(l);
  };
  spec.on_start = started;
  auto ran = run_process(spec);
  if (!ran) {
    if (code_of(ran.error()) != errc::timeout)
      return ran.error();
    out.timed_out = true;
    return out;
  }
  out.exit_code = ran->exit_code;
  return out;
}

} // namespace

caf::expected<inspected_upload> inspect_upload(std::string_view archive, const std::string& dest,
                                               const source_config& cfg) {
  if (static_cast<int64_t>(archive.size()) > cfg.max_upload_bytes)
    return make_error(errc::invalid_input, "the upload exceeds "
                                             + std::to_string(cfg.max_upload_bytes) + " bytes");
  extract_limits lim;
  lim.max_entries = static_cast<size_t>(cfg.max_entries);
  lim.max_total_bytes = static_cast<uint64_t>(cfg.max_unpacked_bytes);
  lim.max_file_bytes = static_cast<uint64_t>(cfg.max_file_bytes);
  lim.max_ratio = static_cast<double>(cfg.max_ratio);
  auto done = extract_archive(archive, dest, lim);
  if (!done)
    return done.error();
  inspected_upload up;
  up.files = done->files;
  up.bytes = done->bytes;
  up.tree = dest;
  auto files = list_files(dest);
  if (!fs::exists(fs::path{dest} / "package.json") && !fs::exists(fs::path{dest} / "index.html"))
    if (auto root = common_root(files); !root.empty()) {
      up.tree = dest + "/" + root;
      files = list_files(up.tree);
    }
  auto pkg = read_file(fs::path{up.tree} / "package.json");
  auto plan = detect_framework(files, pkg ? &*pkg : nullptr);
  if (!plan)
    return plan.error();
  up.plan = std::move(*plan);
  return up;
}

source_builder::source_builder(source_config cfg, std::string state_dir,
                               std::string docker_socket)
  : cfg_(std::move(cfg)),
    state_(state_dir.empty() ? std::string{"/var/lib/spawnai"} : std::move(state_dir)),
    docker_(std::move(docker_socket)) {
}

caf::expected<std::string> store_upload(const std::string& state_dir, std::string_view archive) {
  auto dir = (state_dir.empty() ? std::string{"/var/lib/spawnai"} : state_dir) + "/uploads";
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto path = dir + "/" + new_manage_token().substr(0, 24) + ".archive";
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out.write(archive.data(), static_cast<std::streamsize>(archive.size()));
  out.close();
  if (!out)
    return make_error(errc::io_error, "cannot store the upload in " + dir);
  return path;
}

void source_builder::cancel(const std::string& session) {
  int pgid = 0;
  {
    std::lock_guard<std::mutex> guard{mx_};
    auto it = running_.find(session);
    if (it != running_.end())
      pgid = it->second;
  }
  if (pgid > 0)
    ::kill(-pgid, SIGKILL);
  // The container outlives its client: remove it by its label.
  auto ids = run_streaming({"docker", "-H", "unix://" + docker_, "ps", "-aq", "--filter",
                            "label=spawnai.build_owner=" + session},
                           15000, [](const std::string&) {}, [](int) {});
  if (ids)
    for (auto& id : ids->tail)
      (void) run_streaming({"docker", "-H", "unix://" + docker_, "rm", "-f", id}, 15000,
                           [](const std::string&) {}, [](int) {});
}

caf::expected<generated_app> source_builder::generate_observed(const generation_request& req,
                                                               const generation_observer& obs) {
  auto say = [&](const std::string& s) {
    if (obs.progress)
      obs.progress(s);
  };
  auto src = json::parse(req.source, nullptr, false);
  if (!src.is_object() || !src.value("archive", json()).is_string())
    return make_error(errc::invalid_input, "the session names no upload to build");
  auto session = src.value("session", std::string{"unknown"});
  auto archive = read_file(src["archive"].get<std::string>());
  if (!archive)
    return make_error(errc::invalid_input, "the upload of this session is gone from this node");
  if (src.value("once", false)) {
    std::error_code ec;
    fs::remove(src["archive"].get<std::string>(), ec);
  }
  auto work = state_ + "/builds/" + session + "-" + std::to_string(now_ms_steady());
  struct cleanup {
    std::string dir;
    ~cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } gone{work};
  auto t0 = now_ms_steady();
  auto up = inspect_upload(*archive, work + "/src", cfg_);
  if (!up)
    return up.error();
  say("Upload: " + std::to_string(up->files) + " files, " + std::to_string(up->bytes / 1024)
      + " KiB; detected " + describe_plan(up->plan));
  generated_app app;
  app.title = "Uploaded " + std::string{to_string(up->plan.kind)} + " app";
  if (auto pkg = read_file(fs::path{up->tree} / "package.json")) {
    auto j = json::parse(*pkg, nullptr, false);
    if (j.is_object() && j.value("name", json()).is_string())
      app.title = j["name"].get<std::string>();
  }
  app.template_name = std::string{to_string(up->plan.kind)};
  app.backend = "upload";
  app.entry = up->plan.entry;
  app.run = up->plan.run;
  if (!up->plan.install && up->plan.build_script.empty()) {
    auto bundle = pack_directory(up->tree);
    if (!bundle)
      return bundle.error();
    app.bundle = std::move(*bundle);
    say("Static files packed (" + std::to_string(app.bundle.size() / 1024) + " KiB) in "
        + std::to_string(now_ms_steady() - t0) + " ms; no build needed");
    return app;
  }
  auto built = build_in_sandbox(session, *up, work, obs);
  if (!built)
    return built.error();
  built->title = app.title;
  built->template_name = app.template_name;
  built->backend = app.backend;
  return built;
}

caf::expected<generated_app> source_builder::build_in_sandbox(const std::string& session,
                                                              const inspected_upload& up,
                                                              const std::string& work,
                                                              const generation_observer& obs) {
  auto say = [&](const std::string& s) {
    if (obs.progress)
      obs.progress(s);
  };
  auto& p = up.plan;
  // The cache key: what decides node_modules (lockfile, else package.json),
  // and the install flags.
  auto lock = read_file(fs::path{up.tree} / "package-lock.json");
  if (!lock)
    lock = read_file(fs::path{up.tree} / "npm-shrinkwrap.json");
  auto manifest = read_file(fs::path{up.tree} / "package.json").value_or("");
  auto key = sha256_hex((lock ? *lock : manifest) + (p.omit_dev ? "|prod" : "|all")
                        + (cfg_.allow_install_scripts ? "|scripts" : "|noscripts") + "|"
                        + cfg_.image)
               .substr(0, 32);
  auto cache = state_ + "/deps/" + key;
  std::error_code ec;
  bool cached = p.install && fs::is_directory(cache + "/node_modules", ec);
  auto out = work + "/out";
  fs::create_directories(out, ec);
  fs::permissions(out, fs::perms::all, ec); // the builder runs as uid 65534
  fs::permissions(work, fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec, ec);
  make_readable(work + "/src");
  json plan{{"install", p.install},
            {"lockfile", p.lockfile},
            {"omit_dev", p.omit_dev},
            {"build_script", p.build_script},
            {"output", p.output},
            {"next", p.next_export_or_start},
            {"run", p.run},
            {"allow_scripts", cfg_.allow_install_scripts}};
  auto name = "spawnai-build-" + session + "-" + std::to_string(now_ms_steady() % 100000000);
  std::vector<std::string> argv{
    "docker", "-H", "unix://" + docker_, "run", "--rm", "--name", name,
    "--label", "spawnai.build_owner=" + session,
    "--network", cfg_.network,
    "--cpus", std::to_string(cfg_.cpus),
    "--memory", std::to_string(cfg_.memory_mb) + "m",
    "--memory-swap", std::to_string(cfg_.memory_mb) + "m",
    "--pids-limit", std::to_string(cfg_.pids),
    "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
    "--user", "65534:65534",
    "--tmpfs", "/work:size=" + std::to_string(cfg_.disk_mb) + "m,uid=65534,gid=65534,exec",
    "--tmpfs", "/tmp:size=64m",
    "-v", up.tree + ":/src:ro", "-v", out + ":/out"};
  if (cached) {
    argv.push_back("-v");
    argv.push_back(cache + ":/cache:ro");
  }
  for (auto& x : {std::string{cfg_.image}, std::string{"node"}, std::string{"/builder/build.js"},
                  plan.dump()})
    argv.push_back(x);
  say(std::string{"Building in the sandbox ("} + (cached ? "dependencies cached" : "fresh install")
      + ", " + std::to_string(cfg_.disk_mb) + " MiB disk, "
      + std::to_string(cfg_.timeout_ms / 1000) + " s)");
  auto t0 = now_ms_steady();
  // Builder steps go out at once; npm's own lines are batched, at most ~4
  // events a second (the session caps its progress events), none dropped.
  int64_t last_flush = 0;
  std::string batch;
  auto flush = [&] {
    if (batch.empty())
      return;
    if (batch.size() > 4000)
      batch = batch.substr(0, 4000) + "\n(cut)";
    say("build: " + batch);
    batch.clear();
    last_flush = now_ms_steady();
  };
  auto ran = run_streaming(
    argv, cfg_.timeout_ms,
    [&](const std::string& l) {
      batch += (batch.empty() ? "" : "\n") + l.substr(0, 400);
      if (l.rfind("builder: ", 0) == 0 || now_ms_steady() - last_flush >= 250)
        flush();
    },
    [&](int pgid) {
      std::lock_guard<std::mutex> guard{mx_};
      running_[session] = pgid;
    });
  flush();
  {
    std::lock_guard<std::mutex> guard{mx_};
    running_.erase(session);
  }
  if (!ran)
    return ran.error();
  if (ran->timed_out) {
    cancel(session);
    return make_error(errc::invalid_input, "the build did not finish within "
                                             + std::to_string(cfg_.timeout_ms / 1000)
                                             + " s (source.timeout_ms): stopped");
  }
  if (ran->exit_code != 0) {
    std::string why;
    for (auto it = ran->tail.rbegin(); it != ran->tail.rend() && why.empty(); ++it)
      if (it->rfind("builder: ", 0) == 0)
        why = it->substr(9);
    if (ran->exit_code == 3)
      return make_error(errc::invalid_input, "the build ran out of disk (source.disk_mb = "
                                               + std::to_string(cfg_.disk_mb) + "): " + why);
    if (ran->exit_code == 125 || ran->exit_code == 127)
      return make_error(errc::unavailable, "the builder sandbox did not start: "
                                             + (ran->tail.empty() ? "" : ran->tail.back()));
    if (ran->exit_code >= 128)
      return make_error(errc::invalid_input, "the build was stopped (signal "
                                               + std::to_string(ran->exit_code - 128) + ")");
    return make_error(errc::invalid_input,
                      "the build failed: "
                        + (why.empty() ? (ran->tail.empty() ? "exit "
                                            + std::to_string(ran->exit_code) : ran->tail.back())
                                       : why));
  }
  auto result = json::parse(read_file(out + "/result.json").value_or(""), nullptr, false);
  if (!result.is_object())
    return make_error(errc::invalid_input, "the build left no result");
  if (!cached && fs::is_directory(out + "/modules", ec)) {
    fs::create_directories(cache, ec);
    fs::rename(out + "/modules", cache + "/node_modules", ec); // a race: the first one stays
  }
  generated_app app;
  app.entry = p.entry;
  app.run = result.value("run", std::vector<std::string>{});
  if (result.value("static", false)) {
    app.run.clear();
    app.entry = "index.html";
  } else if (p.next_export_or_start) {
    app.entry = "package.json";
  }
  auto bundle = pack_directory(out + "/app");
  if (!bundle)
    return bundle.error();
  app.bundle = std::move(*bundle);
  say("Built in " + std::to_string(now_ms_steady() - t0) + " ms; the app is "
      + std::to_string(app.bundle.size() / 1024) + " KiB packed");
  return app;
}

} // namespace spawn
