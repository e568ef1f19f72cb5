#pragma once

#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/generated_app.hpp"
#include "core/session.hpp"

namespace spawn {

/// Which sessions a listing returns; empty fields do not filter.
struct session_filter {
  std::string owner;
  std::string state;    ///< a phase name
  std::string node_id;
  bool live_only = false; ///< only sessions not yet destroyed
  int limit = 50;
  int offset = 0;
};

/// Port: the store of record. Every call blocks on I/O, so actors call it from
/// a dedicated worker, never from a scheduler thread. Errors are values:
/// `errc::not_found`, `errc::conflict` (duplicate id), `errc::unavailable`
/// (database down), `errc::internal`.
class store {
public:
  virtual ~store() = default;

  /// Applies the numbered migrations not yet applied, one transaction each.
  virtual caf::error migrate() = 0;

  /// True when the database answers a trivial query.
  virtual bool ping() = 0;

  virtual caf::error insert_session(const session_record& s) = 0;

  /// Writes every mutable column of `s` and appends `ev` in one transaction.
  /// Returns the event with its `seq` and `at` filled in.
  virtual caf::expected<event_record> save_transition(const session_record& s,
                                                      event_record ev) = 0;

  /// Appends one event; returns it with `seq` and `at` filled in.
  virtual caf::expected<event_record> append_event(event_record ev) = 0;

  virtual caf::expected<session_record> get_session(const std::string& id) = 0;

  /// Sessions matching `f`, newest first.
  virtual caf::expected<std::vector<session_record>>
  list_sessions(const session_filter& f) = 0;

  /// Sessions not destroyed whose `expires_at` is before `now`.
  virtual caf::expected<std::vector<session_record>> expired_sessions(epoch_ms now) = 0;

  /// Events of a session with `seq > after_seq`, oldest first.
  virtual caf::expected<std::vector<event_record>>
  list_events(const std::string& session_id, int64_t after_seq, int limit) = 0;

  /// Stores version `version` of a session's generated files.
  virtual caf::error save_artifact(const std::string& session_id, int version,
                                   const generated_app& app) = 0;

  /// The latest stored version of a session's files.
  virtual caf::expected<generated_app> load_artifact(const std::string& session_id) = 0;

  // --- generation: prompt cache and token budgets (issue 5) ---

  /// Like `save_artifact`, filed under the prompt cache key `cache_key`
  /// ("" : never served from the cache).
  virtual caf::error save_artifact_keyed(const std::string& session_id, int version,
                                         const generated_app& app,
                                         const std::string& cache_key) = 0;

  /// The newest artifact filed under `cache_key` at or after `since`;
  /// `errc::not_found` when there is none.
  virtual caf::expected<generated_app> find_cached_artifact(const std::string& cache_key,
                                                            epoch_ms since) = 0;

  /// Tokens (input + output) spent by the sessions of `owner` created at or
  /// after `since`.
  virtual caf::expected<int64_t> owner_tokens_since(const std::string& owner,
                                                    epoch_ms since) = 0;
};

} // namespace spawn
