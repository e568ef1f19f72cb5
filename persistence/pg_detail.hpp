#pragma once

// What the PostgreSQL adapter's source files share (not part of the port):
// the session column list and its row reader, the fencing check, and the
// `guarded` wrapper that turns every libpqxx exception into an error value.

#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "core/error.hpp"
#include "core/records.hpp"
#include "core/session.hpp"
#include "persistence/pg_store.hpp"

// Timestamps cross the boundary as epoch milliseconds: SPAWN_PG_TS($n) turns a
// parameter into 'epoch' + NULLIF($n, 0) ms (so 0 is NULL) and SPAWN_PG_MS(col)
// is its inverse. The macros only splice literals.
#define SPAWN_PG_TS(n) "('epoch'::timestamptz + NULLIF($" #n "::bigint, 0) * interval '1 millisecond')"
// SPAWN_PG_TS_OF(col) is SPAWN_PG_TS for a column or expression of epoch ms.
#define SPAWN_PG_TS_OF(col) "('epoch'::timestamptz + NULLIF(" col ", 0) * interval '1 millisecond')"
#define SPAWN_PG_MS(col) "COALESCE(floor(extract(epoch FROM " col ") * 1000)::bigint, 0)"

/// Every column of a session row, in the order `pg_detail::to_session` reads.
#define SPAWN_PG_SESSION_COLUMNS                                                  \
  "id, owner, prompt, app_type, state, tier, node_id, app_url, "                  \
  "manage_token_hash, container_id, host_port, message, failure_reason, "         \
  SPAWN_PG_MS("created_at") ", " SPAWN_PG_MS("started_at") ", "                   \
  SPAWN_PG_MS("expires_at") ", " SPAWN_PG_MS("destroyed_at") ", "                 \
  "estimated_cost, actual_cost, metadata::text, "                                \
  "input_tokens, output_tokens, generation_cost_usd, owner_epoch"

namespace spawn {

namespace pg_detail {

/// Reads a row of SPAWN_PG_SESSION_COLUMNS.
caf::expected<session_record> to_session(const pqxx::row& r);

caf::expected<std::vector<session_record>> to_sessions(const pqxx::result& rows);

/// The fencing check: `errc::fenced` unless the locked row's owner (node_id,
/// owner_epoch) is `by` (an empty `by.node_id` checks nothing).
caf::error check_owner(const std::string& session_id, const pqxx::row& owner_row,
                       const session_owner& by);

/// Locks the session row, checks that `by` owns it, and appends `ev` in
/// `tx`; fills in `seq` and `at`.
caf::expected<event_record> append_locked(pqxx::work& tx, event_record ev,
                                          const session_owner& by);

/// `append_locked` for the session's owner, then every mutable column of `s`
/// (`ev.session_id` and `ev.phase` already set).
caf::expected<event_record> transition_locked(pqxx::work& tx, const session_record& s,
                                              event_record ev);

/// Files `app` as version `version` of `session_id` in `tx` (the statement
/// of `save_artifact_keyed`); `errc::invalid_input` before any SQL when a
/// file is not valid UTF-8.
caf::error insert_artifact(pqxx::work& tx, const std::string& session_id, int version,
                           const generated_app& app, const std::string& cache_key);

} // namespace pg_detail

struct pg_store::connection_box {
  explicit connection_box(const std::string& dsn);
  pqxx::connection conn;
};

template <class T, class F>
caf::expected<T> pg_store::guarded(const char* what, F&& body) {
  try {
    if (conn_ && !conn_->conn.is_open())
      conn_.reset();
    if (!conn_)
      conn_ = std::make_unique<connection_box>(dsn_);
    return body(conn_->conn);
  } catch (...) {
    return failure(what);
  }
}

} // namespace spawn
