#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "core/app_type.hpp"

namespace spawn {

/// The kinds of uploaded code spawnd knows how to run (issue 18).
enum class framework { static_site, node, express, vite, react, next };

/// The wire name ("static", "node", "express", "vite", "react", "next").
std::string_view to_string(framework f);

/// How an uploaded tree is installed, built and run; what
/// `detect_framework` read from it.
struct source_plan {
  framework kind = framework::static_site;
  /// Dependencies to install first (a package.json with dependencies).
  bool install = false;
  /// package-lock.json (or npm-shrinkwrap.json) present: `npm ci`, else `npm install`.
  bool lockfile = false;
  /// Runtime dependencies only (`--omit=dev`): the app runs from its tree.
  bool omit_dev = false;
  /// The build step, an npm script name ("build"); empty: none.
  std::string build_script;
  /// The folder the build leaves the static site in ("dist", "build",
  /// "out"); empty: the app runs from the whole tree.
  std::string output;
  /// The command that starts the app in its folder; empty: served statically.
  std::vector<std::string> run;
  /// The file that must exist in what is deployed.
  std::string entry;
  /// Next.js only: serve `out/` when the build made a static export, else
  /// run `next start`.
  bool next_export_or_start = false;
  app_type type = app_type::webapp;
};

/// The plan as JSON object text for the session ("framework", "build",
/// "run", "install", "output").
std::string describe_plan(const source_plan& p);

/// Detects the framework of an uploaded tree from its file names (relative,
/// '/'-separated) and the text of its top-level package.json (null: none):
/// a static folder (index.html), Node (the `start` script `node <file>`, or
/// `main`, or server.js / index.js / app.js), Express (its dependency), Vite
/// or React (create-react-app) built with `npm run build` to `dist/` or
/// `build/`, Next.js (`next build`, then a static export or `next start`).
/// `errc::invalid_input` with the reason: a package.json that is not JSON or
/// not an object, a start script that is not `node <file>`, a missing entry,
/// nothing recognisable.
caf::expected<source_plan> detect_framework(const std::vector<std::string>& files,
                                            const std::string* package_json);

/// The folder every name of `files` starts with when the archive wraps the
/// whole tree in one ("app/index.html", "app/style.css" → "app"); "" otherwise.
std::string common_root(const std::vector<std::string>& files);

} // namespace spawn
