#pragma once

// Turns and versions (issue 15, DESIGN §8a): a session is a conversation; each
// follow-up prompt or rollback is a turn that may make a new version of the
// app (`app_artifacts` keyed by session and version). The records here cross
// actor boundaries (and, with the cluster, nodes): each has an `inspect`
// overload and is registered by `register_message_types`.

#include <cstdint>
#include <string>
#include <vector>

#include "core/generated_app.hpp"
#include "core/session.hpp"

namespace spawn {

/// How a turn ended (or that it is still going).
enum class turn_status : uint8_t {
  running,   ///< accepted, generating or switching
  done,      ///< made a version, which is live
  unchanged, ///< the instruction could not be done, or changed nothing: no version
  failed,    ///< something broke; the version before still serves
};

/// "running", "done", "unchanged", "failed".
const char* to_string(turn_status s);

/// One turn of a session's thread (table `session_turns`): the person's
/// message and the platform's answer.
struct turn_record {
  std::string session_id;
  int number = 0;             ///< 1, 2, ... per session (assigned by the store)
  std::string kind = "prompt"; ///< "prompt" or "rollback"
  std::string prompt;         ///< what the person asked ("Roll back to version 3")
  turn_status status = turn_status::running;
  std::string reply;          ///< what was done, or why not
  int base_version = 0;       ///< the version that served when the turn began
  int version = 0;            ///< the version it made (0: none)
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  double cost_usd = 0;
  epoch_ms created_at = 0;
  epoch_ms finished_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, turn_record& x) {
  return f(x.session_id, x.number, x.kind, x.prompt, x.status, x.reply, x.base_version,
           x.version, x.input_tokens, x.output_tokens, x.cost_usd, x.created_at,
           x.finished_at);
}

/// One stored version of a session's app, without its files.
struct version_info {
  int number = 0;
  epoch_ms created_at = 0;
  std::string prompt;     ///< the message that made it (the session's prompt for 1)
  int turn = 0;           ///< the turn that made it (0: the session's creation)
  int restored_from = 0;  ///< a rollback's copy of that version (0: none)
  int file_count = 0;
  int64_t size_bytes = 0;
  std::string backend;
  std::string model;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, version_info& x) {
  return f(x.number, x.created_at, x.prompt, x.turn, x.restored_from, x.file_count,
           x.size_bytes, x.backend, x.model);
}

/// What a version is stored with besides its files.
struct version_origin {
  int turn = 0;
  std::string prompt;
  int restored_from = 0;
  int keep = 20; ///< versions kept per session (`sessions.max_versions`); the newest always
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, version_origin& x) {
  return f(x.turn, x.prompt, x.restored_from, x.keep);
}

/// A session's conversation: its turns and its stored versions, oldest first.
struct session_thread {
  session_record session;
  std::vector<turn_record> turns;
  std::vector<version_info> versions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_thread& x) {
  return f(x.session, x.turns, x.versions);
}

/// The unified diff of one file between two versions.
struct file_diff {
  std::string path;
  std::string change; ///< "added", "removed", "modified"
  std::string diff;   ///< unified diff text (---/+++ headers, @@ hunks)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, file_diff& x) {
  return f(x.path, x.change, x.diff);
}

/// The files that differ between versions `from` and `to`.
struct version_diff {
  int from = 0;
  int to = 0;
  std::vector<file_diff> files;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, version_diff& x) {
  return f(x.from, x.to, x.files);
}

/// The unified diff (3 lines of context) turning `before` into `after`,
/// headed `--- a/<path>` / `+++ b/<path>`; empty when they are equal.
/// Files over 20,000 lines are shown as wholly replaced.
std::string unified_diff(const std::string& path, const std::string& before,
                         const std::string& after);

/// Every file that differs between `a` and `b`, by path.
version_diff diff_apps(const generated_app& a, int from, const generated_app& b, int to);

/// True when both apps have the same files (path and content) and run command.
bool same_files(const generated_app& a, const generated_app& b);

} // namespace spawn
