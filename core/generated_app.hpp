#pragma once

#include <string>
#include <vector>

#include "core/app_type.hpp"

namespace spawn {

/// One file of a generated app; `path` is relative and never contains "..".
struct app_file {
  std::string path;
  std::string content;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, app_file& x) {
  return f(x.path, x.content);
}

/// The output contract every generator honours: files plus how to run them.
///
/// `run` is the command the runtime starts in the app directory (empty for a
/// static webapp, which the runtime serves itself). An `api` listens on the port
/// in the `PORT` environment variable; a `script` runs once and its standard
/// output becomes the page.
struct generated_app {
  std::string title;
  std::string template_name;
  std::string entry; ///< the file that must exist (index.html, server.js, main.js)
  std::vector<std::string> run;
  std::vector<app_file> files;
  std::string backend; ///< the generator that made it ("template", "anthropic", ...)
  std::string model;   ///< the model behind it, when a model made it
  /// The template generator's accumulated edits of this version (JSON object
  /// text, core/template_edits.hpp; "" for none or another backend), so the
  /// next turn re-renders from them.
  std::string edits{};
  /// What the generator says about this version, for a turn's reply ("" :
  /// nothing); not stored with the files.
  std::string summary{};
  /// Uploaded code (issue 18): the .tar.gz of the built tree the app runs
  /// from, dependencies included ("" : the app is `files`). Stored with the
  /// version; extracted into the slot with infra/archive_extract's checks.
  std::string bundle{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generated_app& x) {
  return f(x.title, x.template_name, x.entry, x.run, x.files, x.backend, x.model, x.edits,
           x.summary, x.bundle);
}

/// What a generator is asked for: one person's sentence and the kind of app.
struct generation_request {
  std::string prompt;
  app_type type = app_type::webapp;
  /// Client details of a `site` as a JSON object text (name, trade, city,
  /// colours, source_url); empty for other types.
  std::string details{};
  /// Tokens (input + output) this generation may still spend, retries and
  /// fallbacks included; 0: no limit. A backend stops a stream that would
  /// exceed it and fails with `errc::budget_exceeded`.
  int64_t token_budget = 0;
  /// A follow-up turn (issue 15): what to change in `base`, the version that
  /// serves now. Empty on a session's first generation.
  std::string instruction{};
  generated_app base{};
  /// Uploaded code (issue 18): JSON object text naming the stored upload
  /// ("archive": its path on this node, "session": the owner) that the
  /// source builder turns into the app; "" for a prompt.
  std::string source{};
};

} // namespace spawn

namespace spawn {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generation_request& x) {
  return f(x.prompt, x.type, x.details, x.token_budget, x.instruction, x.base, x.source);
}

} // namespace spawn

#include <caf/error.hpp>

#include "core/path_safety.hpp" // is_safe_relative_path

namespace spawn {

/// Checks an app before it is written anywhere: safe paths, no duplicates, at
/// most 200 files and 2 MiB in all, the entry file present (unless the app is a
/// static webapp without one). An app with a `bundle` may have no files: its
/// tree is checked as it is extracted. An `errc::generation_failed` error says why.
caf::error validate_app(const generated_app& app);

} // namespace spawn
