#pragma once

#include <memory>
#include <string>
#include <vector>

#include "infra/generator.hpp"

namespace spawn {

/// How the command backend runs its CLI.
struct command_settings {
  std::vector<std::string> argv;       ///< e.g. {"claude", "-p"}; each step's instruction is appended
  int64_t step_timeout_ms = 300000;
  bool sandbox = true;                 ///< bubblewrap: only the workspace is writable
  std::vector<std::string> pass_env;   ///< variables of spawnd handed to the CLI
  std::string workspace_root;          ///< where per-generation workspaces live
  bool keep_workspace = false;         ///< for debugging; removed otherwise
};

/// The command backend (seed 003): runs a coding CLI (for example Claude
/// Code in print mode) inside a per-generation workspace seeded from the
/// template generator's app, in four steps, each a progress report: analyse
/// the request, write the content, adapt the design, validate. The request
/// (prompt, type, client details) is in `.spawn/request.json` of the
/// workspace; each step appends its instruction to `argv`. Every step runs
/// under bubblewrap (read-only system, a private /tmp, only the workspace
/// writable, no other process visible) with a deadline; the whole group is
/// killed past it. Then the workspace is read back (regular files only:
/// symlinks and devices are refused; hidden entries skipped), checked like
/// model output, and "built": a site by check_site, an api or script by
/// `node --check` of its entry in the same sandbox.
class command_generator : public generator {
public:
  command_generator(command_settings s, std::shared_ptr<generator> seed);

  std::string name() const override;
  std::string model() const override;
  caf::expected<generated_app> generate(const generation_request& req) override;
  caf::expected<generated_app> generate_observed(const generation_request& req,
                                                 const generation_observer& obs) override;

private:
  command_settings s_;
  std::shared_ptr<generator> seed_;
};

/// The steps of the command backend, in order: {name, instruction}.
std::vector<std::pair<std::string, std::string>> command_steps(app_type type);

} // namespace spawn
