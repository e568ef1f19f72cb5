#include "infra/command_generator.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/model_output.hpp"
#include "core/site_check.hpp"
#include "infra/process_runner.hpp"

namespace spawn {

namespace fs = std::filesystem;

std::vector<std::pair<std::string, std::string>> command_steps(app_type type) {
  std::string what = type == app_type::site ? "website" : "app";
  return {
    {"analyse", "Step analyse: read .spawn/request.json and the files of this " + what
                  + " folder; write your plan to .spawn/plan.md. Change no other file."},
    {"write content", "Step write content: following .spawn/plan.md, rewrite the text of the "
                        + what + " for the request in .spawn/request.json (real, specific content; "
                          "keep the file names). Paths stay relative to this folder."},
    {"adapt design", "Step adapt design: adapt colours, typography and layout to the request "
                     "and client details in .spawn/request.json; keep every page working without "
                     "network access."},
    {"validate", "Step validate: check that every page or file is complete, links resolve and "
                 "nothing refers to a file outside this folder; fix what is wrong."},
  };
}

command_generator::command_generator(command_settings s, std::shared_ptr<generator> seed)
  : s_(std::move(s)), seed_(std::move(seed)) {
  // nop
}

std::string command_generator::name() const {
  return "command";
}

std::string command_generator::model() const {
  return s_.argv.empty() ? std::string{} : fs::path{s_.argv[0]}.filename().string();
}

caf::expected<generated_app> command_generator::generate(const generation_request& req) {
  return generate_observed(req, {});
}

namespace {

caf::error fail(std::string why) {
  return make_error(errc::generation_failed, "command backend: " + std::move(why));
}

/// Removes the workspace when the generation ends, however it ends.
struct workspace_guard {
  fs::path dir;
  bool keep = false;
  ~workspace_guard() {
    std::error_code ec;
    if (!keep && !dir.empty())
      fs::remove_all(dir, ec);
  }
};

caf::error write_file(const fs::path& root, const std::string& rel, const std::string& content) {
  auto path = root / rel;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out{path, std::ios::binary};
  out << content;
  if (!out)
    return make_error(errc::io_error, "cannot write " + path.string());
  return {};
}

/// The argv that runs `cmd` in `ws`: under bubblewrap, or directly.
std::vector<std::string> sandboxed(const command_settings& s, const fs::path& ws,
                                   std::vector<std::string> cmd) {
  if (!s.sandbox)
    return cmd;
  std::vector<std::string> out{"bwrap", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin",
                               "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64",
                               "/lib64", "--symlink", "usr/sbin", "/sbin", "--proc", "/proc",
                               "--dev", "/dev", "--tmpfs", "/tmp"};
  // What a CLI needs to reach its API over TLS, read-only.
  for (auto* p : {"/etc/ssl", "/etc/ca-certificates", "/etc/resolv.conf", "/etc/hosts",
                  "/etc/nsswitch.conf", "/etc/alternatives", "/etc/passwd", "/etc/group"})
    if (fs::exists(p))
      out.insert(out.end(), {"--ro-bind", p, p});
  // A CLI living outside /usr (a test double, ~/.local/bin/claude) is bound read-only.
  std::error_code ec;
  auto prog = fs::path{cmd[0]};
  if (prog.is_absolute() && prog.string().rfind("/usr/", 0) != 0) {
    auto real = fs::canonical(prog, ec);
    if (!ec)
      out.insert(out.end(), {"--ro-bind", real.parent_path().string(), real.parent_path().string()});
  }
  out.insert(out.end(), {"--bind", ws.string(), "/workspace", "--chdir", "/workspace",
                         "--unshare-all", "--share-net", "--die-with-parent", "--new-session",
                         "--setenv", "HOME", "/tmp", "--"});
  out.insert(out.end(), cmd.begin(), cmd.end());
  return out;
}

std::vector<std::string> child_env(const command_settings& s) {
  std::vector<std::string> env{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8"};
  for (auto& name : s.pass_env)
    if (const char* v = std::getenv(name.c_str()))
      env.push_back(name + "=" + v);
  return env;
}

std::string tail_of(const std::string& s) {
  auto t = s.size() > 300 ? s.substr(s.size() - 300) : s;
  for (auto& c : t)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n')
      c = '?';
  return t;
}

/// Reads the workspace back into files: regular files only, hidden entries
/// (".spawn", ".git") skipped, symlinks refused, limits of the output contract.
caf::expected<std::vector<app_file>> read_back(const fs::path& ws) {
  output_limits lim;
  std::vector<app_file> files;
  size_t total = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it{ws, fs::directory_options::none, ec}, end;
  if (ec)
    return make_error(errc::io_error, "cannot read the workspace: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec)
      return make_error(errc::io_error, "cannot read the workspace: " + ec.message());
    auto rel = fs::relative(it->path(), ws, ec).generic_string();
    auto name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec) && !it->is_symlink(ec))
        it.disable_recursion_pending();
      continue;
    }
    auto st = it->symlink_status(ec);
    if (fs::is_symlink(st))
      return fail("the CLI left a symbolic link '" + rel + "' (refused)");
    if (fs::is_directory(st))
      continue;
    if (!fs::is_regular_file(st))
      return fail("the CLI left a special file '" + rel + "' (refused)");
    auto size = fs::file_size(it->path(), ec);
    if (size > lim.max_file_bytes)
      return fail("file '" + rel + "' has " + std::to_string(size) + " bytes");
    total += size;
    if (files.size() >= lim.max_files || total > lim.max_total_bytes)
      return fail("the workspace holds too many or too large files");
    std::ifstream in{it->path(), std::ios::binary};
    std::stringstream buf;
    buf << in.rdbuf();
    files.push_back({rel, buf.str()});
  }
  return files;
}

} // namespace

caf::expected<generated_app> command_generator::generate_observed(const generation_request& req,
                                                                  const generation_observer& obs) {
  auto say = [&](const std::string& s) {
    if (obs.progress)
      obs.progress(s);
  };
  if (s_.argv.empty())
    return make_error(errc::invalid_input, "command backend: no CLI configured");
  // 1. The workspace, seeded from the template (a follow-up turn, issue 15:
  // from the app's current files).
  auto turn = !req.instruction.empty();
  auto seed = turn ? caf::expected<generated_app>{req.base} : seed_->generate(req);
  if (!seed)
    return seed.error();
  std::error_code ec;
  fs::create_directories(s_.workspace_root, ec);
  auto pattern = (fs::path{s_.workspace_root} / "ws-XXXXXX").string();
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr)
    return make_error(errc::io_error, "cannot create a workspace under " + s_.workspace_root);
  workspace_guard guard{fs::path{buf.data()}, s_.keep_workspace};
  auto ws = guard.dir;
  for (auto& f : seed->files)
    if (auto err = write_file(ws, f.path, f.content))
      return err;
  nlohmann::json request{{"prompt", req.prompt}, {"app_type", std::string{to_string(req.type)}},
                         {"entry", std::string{default_entry(req.type)}}};
  auto details = nlohmann::json::parse(req.details.empty() ? "{}" : req.details, nullptr, false);
  request["client"] = details.is_object() ? details : nlohmann::json::object();
  if (turn)
    request["instruction"] = req.instruction;
  if (auto err = write_file(ws, ".spawn/request.json", request.dump(2)))
    return err;
  say(turn ? "Workspace seeded with the current version (" + std::to_string(seed->files.size())
               + " files)"
           : "Workspace seeded from the " + seed->template_name + " template ("
               + std::to_string(seed->files.size()) + " files)");
  // 2. The steps (a turn: one, the instruction).
  auto steps = turn ? std::vector<std::pair<std::string, std::string>>{
                        {"apply the change",
                         "Change the app in this directory as follows, keeping everything else "
                         "working (files only; the request is in .spawn/request.json): "
                           + req.instruction}}
                    : command_steps(req.type);
  for (size_t i = 0; i < steps.size(); ++i) {
    auto& [step, instruction] = steps[i];
    auto label = "Step " + std::to_string(i + 1) + " of " + std::to_string(steps.size()) + ": " + step;
    say(label);
    auto cmd = s_.argv;
    cmd.push_back(instruction);
    process_spec ps;
    ps.argv = sandboxed(s_, ws, cmd);
    ps.env = child_env(s_);
    ps.cwd = ws.string();
    ps.timeout_ms = s_.step_timeout_ms;
    auto r = run_process(ps);
    if (!r)
      return make_error(code_of(r.error()), "command backend, " + label + ": " + message_of(r.error()));
    if (r->exit_code != 0)
      return fail(label + ": the CLI exited with code " + std::to_string(r->exit_code) + ": "
                  + tail_of(r->err.empty() ? r->out : r->err));
    say(label + " done in " + std::to_string(r->took_ms) + " ms");
  }
  // 3. Read back and check like any model output.
  auto files = read_back(ws);
  if (!files)
    return files.error();
  nlohmann::json manifest{{"title", seed->title}, {"files", nlohmann::json::array()}};
  for (auto& f : *files) {
    if (!is_text_content(f.content))
      return fail("file '" + f.path + "' is not UTF-8 text (binary content)");
    manifest["files"].push_back({{"path", f.path}, {"content", f.content}});
  }
  if (!seed->run.empty())
    manifest["run"] = seed->run;
  auto app = parse_model_output(manifest.dump(), req.type);
  if (!app)
    return fail(message_of(app.error()));
  // 4. Build before deploy.
  say("Validating by building");
  if (req.type == app_type::site || req.type == app_type::webapp) {
    if (req.type == app_type::site)
      if (auto err = check_site(*app))
        return err;
  } else {
    process_spec check;
    check.argv = sandboxed(s_, ws, {"node", "--check", app->entry});
    check.env = child_env(s_);
    check.cwd = ws.string();
    check.timeout_ms = std::min<int64_t>(s_.step_timeout_ms, 30000);
    auto r = run_process(check);
    if (!r || r->exit_code != 0)
      return fail("the build failed: node --check " + app->entry + ": "
                  + (r ? tail_of(r->err) : message_of(r.error())));
  }
  app->title = seed->title;
  app->template_name = seed->template_name;
  app->backend = name();
  app->model = model();
  return app;
}

} // namespace spawn
