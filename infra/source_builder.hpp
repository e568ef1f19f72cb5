#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "core/source_plan.hpp"
#include "infra/config.hpp"
#include "infra/generator.hpp"

namespace spawn {

/// An upload once extracted and read: where its tree is and how to build it.
struct inspected_upload {
  source_plan plan;
  std::string tree;  ///< the folder the app's tree starts in (a wrapping folder skipped)
  size_t files = 0;
  uint64_t bytes = 0;
};

/// Extracts `archive` into `dest` under the caps of `cfg` (infra/archive_extract)
/// and detects its framework (core/source_plan). `errc::invalid_input` with the
/// reason for a hostile or unrecognisable upload. Blocking (disk).
caf::expected<inspected_upload> inspect_upload(std::string_view archive, const std::string& dest,
                                               const source_config& cfg);

/// Keeps an upload under `<state_dir>/uploads` (empty state dir:
/// /var/lib/spawnai) for `generation_request::source`; returns its path.
caf::expected<std::string> store_upload(const std::string& state_dir, std::string_view archive);

/// The builder of uploaded code (issue 18), as the generator of upload
/// sessions: it reads the stored upload a request names
/// (`generation_request::source`), extracts and detects it, installs and
/// builds it in the builder sandbox (a container of `source.image` on
/// `source.network`, with CPU, memory, pids, time and tmpfs disk limits, as
/// uid 65534, no capabilities, read-only root) and answers the app with its
/// built tree as `bundle`. Static sites need no container. Dependencies are
/// cached per lockfile hash under `<state>/deps`. Each builder line is a
/// progress step (the session's events). Blocking: runs on a pool thread.
class source_builder : public generator {
public:
  source_builder(source_config cfg, std::string state_dir, std::string docker_socket);

  std::string name() const override {
    return "upload";
  }

  caf::expected<generated_app> generate(const generation_request& req) override {
    return generate_observed(req, {});
  }

  caf::expected<generated_app> generate_observed(const generation_request& req,
                                                 const generation_observer& obs) override;

  /// Stops the build of `session` now: its process group is killed and its
  /// builder container (label spawnai.build_owner) removed. Blocking.
  void cancel(const std::string& session);

private:
  caf::expected<generated_app> build_in_sandbox(const std::string& session,
                                                const inspected_upload& up,
                                                const std::string& work,
                                                const generation_observer& obs);

  source_config cfg_;
  std::string state_;
  std::string docker_;
  std::mutex mx_;
  std::map<std::string, int> running_; ///< session → process group of its build
};

} // namespace spawn
