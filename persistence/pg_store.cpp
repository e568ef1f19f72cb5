#include "persistence/pg_store.hpp"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "core/error.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_detail.hpp"

namespace spawn {

namespace {

// --- SQL ------------------------------------------------------------------------
// Every statement is a constant; values only ever travel as parameters.
// Timestamps cross the boundary as epoch milliseconds (persistence/pg_detail.hpp:
// SPAWN_TS($n) and its inverse SPAWN_MS(col), undefined below).

/// Serialises concurrent `migrate()` calls across processes ("SPAWNAI" + 1).
constexpr long long migration_lock_key = 0x5350'4157'4e41'4901LL;

constexpr const char* sql_lock_migrations = "SELECT pg_advisory_xact_lock($1)";
constexpr const char* sql_migration_applied =
  "SELECT 1 FROM schema_migrations WHERE version = $1";
constexpr const char* sql_record_migration =
  "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

#define SPAWN_TS(n) SPAWN_PG_TS(n)
#define SPAWN_TS_OF(col) SPAWN_PG_TS_OF(col)
// The session columns a batch's new sessions and transitions both carry:
// parameters $2 to $17 of both statements, as arrays (persistence/pg_batch.cpp:
// session_columns), and their names in the unnest.
#define SPAWN_SESSION_ARRAYS                                                           \
  "$2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], " \
  "$9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], "           \
  "$14::float8[], $15::float8[], $16::text[], $17::bigint[]"
#define SPAWN_SESSION_ARRAY_NAMES                                                       \
  "state, tier, node_id, app_url, token, container_id, host_port, message, "          \
  "failure_reason, started_at, expires_at, destroyed_at, estimated_cost, actual_cost, " \
  "metadata, owner_epoch"
#define SPAWN_MS(col) SPAWN_PG_MS(col)
#define SPAWN_SESSION_COLUMNS SPAWN_PG_SESSION_COLUMNS

/// Prepared statements registered on every new connection (prepared lazily).
const std::pair<const char*, const char*> statements[] = {
  {"ping", "SELECT 1"},
  {"insert_session",
   "INSERT INTO sessions (id, owner, prompt, app_type, state, tier, node_id, "
   "app_url, manage_token_hash, container_id, host_port, message, failure_reason, "
   "created_at, started_at, expires_at, destroyed_at, estimated_cost, actual_cost, "
   "metadata, owner_epoch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
   SPAWN_TS(14) ", " SPAWN_TS(15) ", " SPAWN_TS(16) ", " SPAWN_TS(17)
   ", $18, $19, $20::jsonb, $21)"},
  {"lock_session", "SELECT node_id, owner_epoch FROM sessions WHERE id = $1 FOR UPDATE"},
  {"update_session",
   "UPDATE sessions SET state = $2, tier = $3, node_id = $4, app_url = $5, "
   "manage_token_hash = $6, container_id = $7, host_port = $8, message = $9, "
   "failure_reason = $10, started_at = " SPAWN_TS(11) ", expires_at = " SPAWN_TS(12)
   ", destroyed_at = " SPAWN_TS(13) ", estimated_cost = $14, actual_cost = $15, "
   "metadata = $16::jsonb, input_tokens = $17, output_tokens = $18, "
   "generation_cost_usd = $19 WHERE id = $1 AND node_id = $4 AND owner_epoch = $20"},
  // Runs after lock_session in the same transaction, so under READ COMMITTED
  // its snapshot sees every event committed by the previous lock holder.
  {"append_event",
   "INSERT INTO session_events (session_id, seq, at, level, phase, message) "
   "SELECT $1, COALESCE(max(seq), 0) + 1, COALESCE(" SPAWN_TS(2) ", now()), "
   "$3, $4, $5 FROM session_events WHERE session_id = $1 "
   "RETURNING seq, " SPAWN_MS("at")},
  // One statement per kind of write for a whole wave of a batch
  // (persistence/pg_batch.cpp), over arrays of the writes' values: the owner
  // check is the UPDATE's (or the locking join's) condition, and a write with
  // no row back was not found or fenced. An event's seq reads the statement's
  // snapshot: a concurrent writer of the same session makes it a duplicate
  // key, and the batch is then written again one call at a time.
  {"insert_sessions",
   "INSERT INTO sessions (id, owner, prompt, app_type, state, tier, node_id, "
   "app_url, manage_token_hash, container_id, host_port, message, failure_reason, "
   "started_at, expires_at, destroyed_at, estimated_cost, actual_cost, metadata, "
   "owner_epoch, created_at) "
   "SELECT v.id, v.owner, v.prompt, v.app_type, v.state, v.tier, v.node_id, v.app_url, "
   "v.token, v.container_id, v.host_port, v.message, v.failure_reason, "
   SPAWN_TS_OF("v.started_at") ", " SPAWN_TS_OF("v.expires_at") ", "
   SPAWN_TS_OF("v.destroyed_at") ", v.estimated_cost, v.actual_cost, v.metadata::jsonb, "
   "v.owner_epoch, " SPAWN_TS_OF("v.created_at") " "
   "FROM unnest($1::text[], " SPAWN_SESSION_ARRAYS ", $18::text[], $19::text[], "
   "$20::text[], $21::bigint[]) AS v(id, " SPAWN_SESSION_ARRAY_NAMES ", owner, prompt, "
   "app_type, created_at)"},
  {"transition_sessions",
   "WITH v AS (SELECT * FROM unnest($1::text[], " SPAWN_SESSION_ARRAYS ", $18::bigint[], "
   "$19::bigint[], $20::float8[], $21::bigint[], $22::text[], $23::text[], $24::text[]) "
   "AS v(id, " SPAWN_SESSION_ARRAY_NAMES ", input_tokens, output_tokens, "
   "generation_cost_usd, at, level, phase, text)), "
   "u AS (UPDATE sessions s SET state = v.state, tier = v.tier, app_url = v.app_url, "
   "manage_token_hash = v.token, container_id = v.container_id, host_port = v.host_port, "
   "message = v.message, failure_reason = v.failure_reason, "
   "started_at = " SPAWN_TS_OF("v.started_at") ", expires_at = " SPAWN_TS_OF("v.expires_at")
   ", destroyed_at = " SPAWN_TS_OF("v.destroyed_at") ", estimated_cost = v.estimated_cost, "
   "actual_cost = v.actual_cost, metadata = v.metadata::jsonb, "
   "input_tokens = v.input_tokens, output_tokens = v.output_tokens, "
   "generation_cost_usd = v.generation_cost_usd FROM v "
   "WHERE s.id = v.id AND s.node_id = v.node_id AND s.owner_epoch = v.owner_epoch "
   "RETURNING s.id) "
   "INSERT INTO session_events (session_id, seq, at, level, phase, message) "
   "SELECT v.id, COALESCE((SELECT max(e.seq) FROM session_events e "
   "WHERE e.session_id = v.id), 0) + 1, COALESCE(" SPAWN_TS_OF("v.at") ", now()), "
   "v.level, v.phase, v.text FROM v JOIN u ON u.id = v.id "
   "RETURNING session_id, seq, " SPAWN_MS("at")},
  {"append_events",
   "WITH v AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], "
   "$5::text[], $6::text[], $7::bigint[]) AS v(id, at, level, phase, text, node_id, "
   "owner_epoch)), "
   "o AS (SELECT s.id FROM sessions s JOIN v ON s.id = v.id AND s.node_id = v.node_id "
   "AND s.owner_epoch = v.owner_epoch FOR UPDATE OF s) "
   "INSERT INTO session_events (session_id, seq, at, level, phase, message) "
   "SELECT v.id, COALESCE((SELECT max(e.seq) FROM session_events e "
   "WHERE e.session_id = v.id), 0) + 1, COALESCE(" SPAWN_TS_OF("v.at") ", now()), "
   "v.level, v.phase, v.text FROM v JOIN o ON o.id = v.id "
   "RETURNING session_id, seq, " SPAWN_MS("at")},
  {"session_owner", "SELECT node_id, owner_epoch FROM sessions WHERE id = $1"},
  {"get_session", "SELECT " SPAWN_SESSION_COLUMNS " FROM sessions WHERE id = $1"},
  {"list_sessions",
   "SELECT " SPAWN_SESSION_COLUMNS " FROM sessions "
   "WHERE ($1 = '' OR owner = $1) AND ($2 = '' OR state = $2) "
   "AND ($3 = '' OR node_id = $3) AND (NOT $4::boolean OR state <> 'destroyed') "
   "ORDER BY created_at DESC NULLS LAST, id DESC LIMIT $5 OFFSET $6"},
  {"expired_sessions",
   "SELECT " SPAWN_SESSION_COLUMNS " FROM sessions "
   "WHERE state <> 'destroyed' AND expires_at < " SPAWN_TS(1)
   " ORDER BY expires_at, id"},
  {"list_events",
   "SELECT seq, session_id, " SPAWN_MS("at") ", level, phase, message "
   "FROM session_events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"},
  {"insert_artifact",
   "INSERT INTO app_artifacts (session_id, version, title, template_name, entry, "
   "run, files, backend, model, cache_key, bundle) "
   "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, decode($11, 'hex'))"},
  {"load_artifact",
   "SELECT title, template_name, entry, run::text, files::text, backend, model, "
   "encode(bundle, 'hex') FROM app_artifacts WHERE session_id = $1 ORDER BY version DESC LIMIT 1"},
  {"find_cached_artifact",
   "SELECT title, template_name, entry, run::text, files::text, backend, model "
   "FROM app_artifacts WHERE cache_key = $1 AND created_at >= " SPAWN_TS(2)
   " ORDER BY created_at DESC LIMIT 1"},
  {"owner_tokens_since",
   "SELECT COALESCE(sum(input_tokens + output_tokens), 0)::bigint FROM sessions "
   "WHERE owner = $1 AND created_at >= " SPAWN_TS(2)},
};

#undef SPAWN_SESSION_COLUMNS
#undef SPAWN_MS
#undef SPAWN_TS
#undef SPAWN_TS_OF
#undef SPAWN_SESSION_ARRAYS
#undef SPAWN_SESSION_ARRAY_NAMES

/// libpq messages end in a newline; error values read better without it.
std::string trimmed(const char* text) {
  std::string s{text};
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

/// SQLSTATEs that mean the server went away (class 08, admin or crash shutdown).
bool lost_connection(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01"
         || sqlstate == "57P02" || sqlstate == "57P03";
}

caf::error to_error(caf::expected<bool>&& x) {
  return x ? caf::error{} : std::move(x.error());
}

} // namespace

namespace pg_detail {

caf::expected<session_record> to_session(const pqxx::row& r) {
  session_record s;
  s.id = r[0].as<std::string>();
  s.owner = r[1].as<std::string>();
  s.prompt = r[2].as<std::string>();
  auto type = parse_app_type(r[3].c_str());
  auto state = parse_phase(r[4].c_str());
  if (!type || !state)
    return make_error(errc::internal, "session " + s.id + " has an unknown app_type "
                                        "or state in the database");
  s.type = *type;
  s.state = *state;
  s.tier = r[5].as<std::string>();
  s.node_id = r[6].as<std::string>();
  s.app_url = r[7].as<std::string>();
  s.manage_token_hash = r[8].as<std::string>();
  s.container_id = r[9].as<std::string>();
  s.host_port = r[10].as<int>();
  s.message = r[11].as<std::string>();
  s.failure_reason = r[12].as<std::string>();
  s.created_at = r[13].as<epoch_ms>();
  s.started_at = r[14].as<epoch_ms>();
  s.expires_at = r[15].as<epoch_ms>();
  s.destroyed_at = r[16].as<epoch_ms>();
  s.estimated_cost = r[17].as<double>();
  s.actual_cost = r[18].as<double>();
  s.metadata = r[19].as<std::string>();
  s.input_tokens = r[20].as<int64_t>();
  s.output_tokens = r[21].as<int64_t>();
  s.generation_cost_usd = r[22].as<double>();
  s.owner_epoch = r[23].as<int64_t>();
  return s;
}

caf::expected<std::vector<session_record>> to_sessions(const pqxx::result& rows) {
  std::vector<session_record> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    auto s = to_session(row);
    if (!s)
      return std::move(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

/// Locks the session row, checks that `by` owns it, and appends `ev`; fills
/// in `seq` and `at`.
caf::expected<event_record> append_locked(pqxx::work& tx, event_record ev,
                                          const session_owner& by) {
  auto owner = tx.exec_prepared("lock_session", ev.session_id);
  if (owner.empty())
    return make_error(errc::not_found, "no session " + ev.session_id);
  if (auto err = pg_detail::check_owner(ev.session_id, owner[0], by))
    return err;
  auto row = tx.exec_prepared1("append_event", ev.session_id, ev.at, ev.level,
                               ev.phase, ev.message);
  ev.seq = row[0].as<int64_t>();
  ev.at = row[1].as<epoch_ms>();
  return ev;
}

caf::expected<event_record> transition_locked(pqxx::work& tx, const session_record& s,
                                              event_record ev) {
  auto appended = append_locked(tx, std::move(ev), session_owner{s.node_id, s.owner_epoch});
  if (!appended)
    return appended;
  tx.exec_prepared("update_session", s.id, std::string{to_string(s.state)}, s.tier, s.node_id,
                   s.app_url, s.manage_token_hash, s.container_id, s.host_port, s.message,
                   s.failure_reason, s.started_at, s.expires_at, s.destroyed_at,
                   s.estimated_cost, s.actual_cost, s.metadata, s.input_tokens,
                   s.output_tokens, s.generation_cost_usd, s.owner_epoch);
  return appended;
}

caf::error check_owner(const std::string& session_id, const pqxx::row& owner_row,
                       const session_owner& by) {
  if (by.node_id.empty())
    return {};
  auto node = owner_row[0].as<std::string>();
  auto epoch = owner_row[1].as<int64_t>();
  if (node == by.node_id && epoch == by.epoch)
    return {};
  return make_error(errc::fenced, "session " + session_id + " is owned by " + node + " (epoch "
                                    + std::to_string(epoch) + "), not by " + by.node_id
                                    + " (epoch " + std::to_string(by.epoch) + ")");
}

} // namespace pg_detail

using pg_detail::to_session;
using pg_detail::to_sessions;

pg_store::connection_box::connection_box(const std::string& dsn) : conn(dsn) {
  for (const auto& [name, sql] : statements)
    conn.prepare(name, sql);
}

pg_store::pg_store(std::string dsn) : dsn_(std::move(dsn)) {
  // nop
}

pg_store::~pg_store() = default;

caf::error pg_store::failure(const char* what) {
  auto fail = [what](errc code, const char* text) {
    return make_error(code, std::string{what} + ": " + trimmed(text));
  };
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    conn_.reset();
    return fail(errc::unavailable, e.what());
  } catch (const pqxx::in_doubt_error& e) {
    conn_.reset();
    return fail(errc::unavailable, e.what());
  } catch (const pqxx::unique_violation& e) {
    return fail(errc::conflict, e.what());
  } catch (const pqxx::foreign_key_violation& e) {
    return fail(errc::not_found, e.what());
  } catch (const pqxx::data_exception& e) {
    return fail(errc::invalid_input, e.what());
  } catch (const pqxx::sql_error& e) {
    if (lost_connection(e.sqlstate()) || (conn_ && !conn_->conn.is_open())) {
      conn_.reset();
      return fail(errc::unavailable, e.what());
    }
    return fail(errc::internal, e.what());
  } catch (const std::exception& e) {
    if (conn_ && !conn_->conn.is_open())
      conn_.reset();
    return fail(errc::internal, e.what());
  } catch (...) {
    return fail(errc::internal, "unknown exception");
  }
}

caf::error pg_store::migrate() {
  for (const auto& m : migrations()) {
    auto applied = guarded<bool>("migrate", [&m](pqxx::connection& c) {
      pqxx::work tx{c};
      tx.exec_params(sql_lock_migrations, migration_lock_key);
      tx.exec(schema_migrations_ddl);
      if (tx.exec_params(sql_migration_applied, m.version).empty()) {
        tx.exec(m.sql);
        tx.exec_params(sql_record_migration, m.version, m.name);
      }
      tx.commit();
      return true;
    });
    if (!applied)
      return make_error(code_of(applied.error()),
                        "migration " + std::to_string(m.version) + " ("
                          + m.name + "): " + message_of(applied.error()));
  }
  return caf::none;
}

bool pg_store::ping() {
  auto ok = guarded<bool>("ping", [](pqxx::connection& c) {
    pqxx::nontransaction tx{c};
    return tx.exec_prepared("ping").size() == 1;
  });
  return ok && *ok;
}

caf::error pg_store::insert_session(const session_record& s) {
  return to_error(guarded<bool>("insert_session", [&s](pqxx::connection& c) {
    pqxx::work tx{c};
    tx.exec_prepared("insert_session", s.id, s.owner, s.prompt,
                     std::string{to_string(s.type)}, std::string{to_string(s.state)},
                     s.tier, s.node_id, s.app_url, s.manage_token_hash,
                     s.container_id, s.host_port, s.message, s.failure_reason,
                     s.created_at, s.started_at, s.expires_at, s.destroyed_at,
                     s.estimated_cost, s.actual_cost, s.metadata, s.owner_epoch);
    tx.commit();
    return true;
  }));
}

caf::expected<event_record> pg_store::save_transition(const session_record& s,
                                                      event_record ev) {
  ev.session_id = s.id;
  if (ev.phase.empty())
    ev.phase = std::string{to_string(s.state)};
  return guarded<event_record>("save_transition", [&](pqxx::connection& c)
                                 -> caf::expected<event_record> {
    pqxx::work tx{c};
    auto appended = pg_detail::transition_locked(tx, s, std::move(ev));
    if (appended)
      tx.commit();
    return appended;
  });
}

caf::expected<event_record> pg_store::append_event(event_record ev, const session_owner& by) {
  return guarded<event_record>("append_event", [&](pqxx::connection& c)
                                 -> caf::expected<event_record> {
    pqxx::work tx{c};
    auto appended = pg_detail::append_locked(tx, std::move(ev), by);
    if (appended)
      tx.commit();
    return appended;
  });
}

caf::expected<session_record> pg_store::get_session(const std::string& id) {
  return guarded<session_record>("get_session", [&id](pqxx::connection& c)
                                   -> caf::expected<session_record> {
    pqxx::read_transaction tx{c};
    auto rows = tx.exec_prepared("get_session", id);
    if (rows.empty())
      return make_error(errc::not_found, "no session " + id);
    return to_session(rows[0]);
  });
}

caf::expected<std::vector<session_record>>
pg_store::list_sessions(const session_filter& f) {
  using result_t = std::vector<session_record>;
  return guarded<result_t>("list_sessions", [&f](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    return to_sessions(tx.exec_prepared("list_sessions", f.owner, f.state,
                                        f.node_id, f.live_only,
                                        std::clamp(f.limit, 1, 500),
                                        std::max(f.offset, 0)));
  });
}

caf::expected<std::vector<session_record>> pg_store::expired_sessions(epoch_ms now) {
  using result_t = std::vector<session_record>;
  return guarded<result_t>("expired_sessions", [now](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    return to_sessions(tx.exec_prepared("expired_sessions", now));
  });
}

caf::expected<std::vector<event_record>>
pg_store::list_events(const std::string& session_id, int64_t after_seq, int limit) {
  using result_t = std::vector<event_record>;
  limit = limit <= 0 ? 1000 : std::min(limit, 10000);
  return guarded<result_t>("list_events", [&](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    result_t out;
    for (const auto& r : tx.exec_prepared("list_events", session_id, after_seq, limit)) {
      event_record ev;
      ev.seq = r[0].as<int64_t>();
      ev.session_id = r[1].as<std::string>();
      ev.at = r[2].as<epoch_ms>();
      ev.level = r[3].as<std::string>();
      ev.phase = r[4].as<std::string>();
      ev.message = r[5].as<std::string>();
      out.push_back(std::move(ev));
    }
    return out;
  });
}

caf::error pg_store::save_artifact(const std::string& session_id, int version,
                                   const generated_app& app) {
  return save_artifact_keyed(session_id, version, app, "");
}

namespace {

/// A bundle's bytes as the hex text PostgreSQL's decode(…, 'hex') reads.
std::string to_hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string from_hex(const char* hex) {
  auto val = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  for (; hex[0] && hex[1]; hex += 2)
    out.push_back(static_cast<char>((val(hex[0]) << 4) | val(hex[1])));
  return out;
}

/// The JSON columns of a stored app: its run command and its files.
/// `errc::invalid_input` (named after `what`) when a file is not valid UTF-8.
caf::error encode_app(const generated_app& app, const char* what, std::string& run,
                      std::string& files) {
  try {
    auto array = nlohmann::json::array();
    for (const auto& f : app.files)
      array.push_back({{"path", f.path}, {"content", f.content}});
    run = nlohmann::json(app.run).dump();
    files = array.dump();
  } catch (const nlohmann::json::exception& e) {
    return make_error(errc::invalid_input, std::string{what} + ": " + e.what());
  }
  return {};
}

} // namespace

caf::error pg_store::save_artifact_keyed(const std::string& session_id, int version,
                                         const generated_app& app, const std::string& cache_key) {
  std::string run;
  std::string files;
  if (auto err = encode_app(app, "save_artifact", run, files))
    return err;
  return to_error(guarded<bool>("save_artifact", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    tx.exec_prepared("insert_artifact", session_id, version, app.title,
                     app.template_name, app.entry, run, files, app.backend, app.model,
                     cache_key, to_hex(app.bundle));
    tx.commit();
    return true;
  }));
}

namespace pg_detail {

caf::error insert_artifact(pqxx::work& tx, const std::string& session_id, int version,
                           const generated_app& app, const std::string& cache_key) {
  std::string run;
  std::string files;
  if (auto err = encode_app(app, "save_artifact", run, files))
    return err;
  tx.exec_prepared("insert_artifact", session_id, version, app.title, app.template_name,
                   app.entry, run, files, app.backend, app.model, cache_key, to_hex(app.bundle));
  return {};
}

} // namespace pg_detail

namespace {

/// `bundle_col`: the column holding the bundle as hex text (-1: not selected).
generated_app to_artifact(const pqxx::row& row, int bundle_col = -1) {
  generated_app app;
  app.title = row[0].as<std::string>();
  app.template_name = row[1].as<std::string>();
  app.entry = row[2].as<std::string>();
  app.run = nlohmann::json::parse(row[3].c_str()).get<std::vector<std::string>>();
  for (const auto& f : nlohmann::json::parse(row[4].c_str()))
    app.files.push_back({f.at("path").get<std::string>(), f.at("content").get<std::string>()});
  app.backend = row[5].as<std::string>();
  app.model = row[6].as<std::string>();
  if (bundle_col >= 0)
    app.bundle = from_hex(row[bundle_col].c_str());
  return app;
}

} // namespace

caf::expected<generated_app> pg_store::find_cached_artifact(const std::string& cache_key,
                                                            epoch_ms since) {
  return guarded<generated_app>("find_cached_artifact", [&](pqxx::connection& c)
                                  -> caf::expected<generated_app> {
    pqxx::read_transaction tx{c};
    auto rows = tx.exec_prepared("find_cached_artifact", cache_key, since);
    if (cache_key.empty() || rows.empty())
      return make_error(errc::not_found, "no cached artifact");
    return to_artifact(rows[0]);
  });
}

caf::expected<int64_t> pg_store::owner_tokens_since(const std::string& owner, epoch_ms since) {
  return guarded<int64_t>("owner_tokens_since", [&](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    return tx.exec_prepared1("owner_tokens_since", owner, since)[0].as<int64_t>();
  });
}

caf::expected<generated_app> pg_store::load_artifact(const std::string& session_id) {
  return guarded<generated_app>("load_artifact", [&](pqxx::connection& c)
                                  -> caf::expected<generated_app> {
    pqxx::read_transaction tx{c};
    auto rows = tx.exec_prepared("load_artifact", session_id);
    if (rows.empty())
      return make_error(errc::not_found, "no artifact for session " + session_id);
    return to_artifact(rows[0], 7);
  });
}

// --- turns and versions (issue 15) -------------------------------------------------

namespace {

#define SPAWN_TURN_TS(n) "('epoch'::timestamptz + NULLIF($" #n "::bigint, 0) * interval '1 millisecond')"
#define SPAWN_TURN_MS(col) "COALESCE(floor(extract(epoch FROM " col ") * 1000)::bigint, 0)"

constexpr const char* sql_insert_turn =
  "INSERT INTO session_turns (session_id, number, kind, prompt, status, base_version) "
  "SELECT $1, COALESCE((SELECT max(number) FROM session_turns WHERE session_id = $1), 0) + 1, "
  "$2, $3, $4, COALESCE((SELECT max(version) FROM app_artifacts WHERE session_id = $1), 0) "
  "RETURNING number, base_version, " SPAWN_TURN_MS("created_at");
constexpr const char* sql_update_turn =
  "UPDATE session_turns SET status = $3, reply = $4, version = $5, input_tokens = $6, "
  "output_tokens = $7, cost_usd = $8, finished_at = " SPAWN_TURN_TS(9)
  " WHERE session_id = $1 AND number = $2";
constexpr const char* sql_list_turns =
  "SELECT number, kind, prompt, status, reply, base_version, version, input_tokens, "
  "output_tokens, cost_usd, " SPAWN_TURN_MS("created_at") ", " SPAWN_TURN_MS("finished_at")
  " FROM session_turns WHERE session_id = $1 ORDER BY number";
constexpr const char* sql_insert_version =
  "INSERT INTO app_artifacts (session_id, version, title, template_name, entry, run, files, "
  "backend, model, turn, prompt, restored_from, edits, bundle) "
  "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12, $13, "
  "decode($14, 'hex'))";
/// Keeps the newest `$2` versions and always `$3` (the one just stored).
constexpr const char* sql_prune_versions =
  "DELETE FROM app_artifacts WHERE session_id = $1 AND version <> $3 AND version NOT IN "
  "(SELECT version FROM app_artifacts WHERE session_id = $1 ORDER BY version DESC LIMIT $2)";
constexpr const char* sql_list_versions =
  "SELECT a.version, " SPAWN_TURN_MS("a.created_at") ", CASE WHEN a.turn = 0 AND a.prompt = '' "
  "THEN s.prompt ELSE a.prompt END, a.turn, a.restored_from, jsonb_array_length(a.files), "
  "((SELECT COALESCE(sum(octet_length(f->>'content')), 0) FROM jsonb_array_elements(a.files) f) + octet_length(a.bundle))::bigint, "
  "a.backend, a.model FROM app_artifacts a JOIN sessions s ON s.id = a.session_id "
  "WHERE a.session_id = $1 ORDER BY a.version";
constexpr const char* sql_load_version =
  "SELECT title, template_name, entry, run::text, files::text, backend, model, edits, "
  "encode(bundle, 'hex') FROM app_artifacts WHERE session_id = $1 AND version = $2";

#undef SPAWN_TURN_TS
#undef SPAWN_TURN_MS

} // namespace

caf::expected<turn_record> pg_store::insert_turn(turn_record t) {
  return guarded<turn_record>("insert_turn", [&](pqxx::connection& c) -> caf::expected<turn_record> {
    pqxx::work tx{c};
    if (tx.exec_prepared("lock_session", t.session_id).empty())
      return make_error(errc::not_found, "no session " + t.session_id);
    auto row = tx.exec_params1(sql_insert_turn, t.session_id, t.kind, t.prompt,
                               std::string{to_string(t.status)});
    tx.commit();
    t.number = row[0].as<int>();
    t.base_version = row[1].as<int>();
    t.created_at = row[2].as<epoch_ms>();
    return t;
  });
}

caf::error pg_store::update_turn(const turn_record& t) {
  return to_error(guarded<bool>("update_turn", [&](pqxx::connection& c) -> caf::expected<bool> {
    pqxx::work tx{c};
    auto r = tx.exec_params(sql_update_turn, t.session_id, t.number,
                            std::string{to_string(t.status)}, t.reply, t.version,
                            t.input_tokens, t.output_tokens, t.cost_usd, t.finished_at);
    tx.commit();
    if (r.affected_rows() == 0)
      return make_error(errc::not_found, "no turn " + std::to_string(t.number) + " of "
                                           + t.session_id);
    return true;
  }));
}

caf::expected<std::vector<turn_record>> pg_store::list_turns(const std::string& session_id) {
  return guarded<std::vector<turn_record>>("list_turns", [&](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    std::vector<turn_record> out;
    for (const auto& r : tx.exec_params(sql_list_turns, session_id)) {
      turn_record t;
      t.session_id = session_id;
      t.number = r[0].as<int>();
      t.kind = r[1].as<std::string>();
      t.prompt = r[2].as<std::string>();
      auto st = r[3].as<std::string>();
      t.status = st == "done" ? turn_status::done
                 : st == "unchanged" ? turn_status::unchanged
                 : st == "failed" ? turn_status::failed
                                  : turn_status::running;
      t.reply = r[4].as<std::string>();
      t.base_version = r[5].as<int>();
      t.version = r[6].as<int>();
      t.input_tokens = r[7].as<int64_t>();
      t.output_tokens = r[8].as<int64_t>();
      t.cost_usd = r[9].as<double>();
      t.created_at = r[10].as<epoch_ms>();
      t.finished_at = r[11].as<epoch_ms>();
      out.push_back(std::move(t));
    }
    return out;
  });
}

caf::error pg_store::save_version(const std::string& session_id, int version,
                                  const generated_app& app, const version_origin& origin) {
  std::string run;
  std::string files;
  if (auto err = encode_app(app, "save_version", run, files))
    return err;
  return to_error(guarded<bool>("save_version", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    tx.exec_params(sql_insert_version, session_id, version, app.title, app.template_name,
                   app.entry, run, files, app.backend, app.model, origin.turn, origin.prompt,
                   origin.restored_from, app.edits, to_hex(app.bundle));
    tx.exec_params(sql_prune_versions, session_id, std::max(1, origin.keep), version);
    tx.commit();
    return true;
  }));
}

caf::expected<std::vector<version_info>> pg_store::list_versions(const std::string& session_id) {
  return guarded<std::vector<version_info>>("list_versions", [&](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    std::vector<version_info> out;
    for (const auto& r : tx.exec_params(sql_list_versions, session_id)) {
      version_info v;
      v.number = r[0].as<int>();
      v.created_at = r[1].as<epoch_ms>();
      v.prompt = r[2].as<std::string>();
      v.turn = r[3].as<int>();
      v.restored_from = r[4].as<int>();
      v.file_count = r[5].as<int>();
      v.size_bytes = r[6].as<int64_t>();
      v.backend = r[7].as<std::string>();
      v.model = r[8].as<std::string>();
      out.push_back(std::move(v));
    }
    return out;
  });
}

caf::expected<generated_app> pg_store::load_version(const std::string& session_id, int version) {
  return guarded<generated_app>("load_version", [&](pqxx::connection& c)
                                  -> caf::expected<generated_app> {
    pqxx::read_transaction tx{c};
    auto rows = tx.exec_params(sql_load_version, session_id, version);
    if (rows.empty())
      return make_error(errc::not_found, "session " + session_id + " has no version "
                                           + std::to_string(version));
    auto app = to_artifact(rows[0], 8);
    app.edits = rows[0][7].as<std::string>();
    return app;
  });
}

// --- accounts, nodes and costs (issue 6) ------------------------------------------

// --- accounts and costs (issue 6; nodes: persistence/pg_cluster.cpp) ------------------------------------------

namespace {

#define SPAWN_TS(n) SPAWN_PG_TS(n)
#define SPAWN_TS_OF(col) SPAWN_PG_TS_OF(col)
// The session columns a batch's new sessions and transitions both carry, as
// 16 array parameters from $n on (persistence/pg_batch.cpp: session_columns),
// and their names in the unnest.
#define SPAWN_P(n) "$" #n
#define SPAWN_SESSION_ARRAYS_AT(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)          \
  SPAWN_P(a) "::text[], " SPAWN_P(b) "::text[], " SPAWN_P(c) "::text[], " SPAWN_P(d)     \
  "::text[], " SPAWN_P(e) "::text[], " SPAWN_P(f) "::text[], " SPAWN_P(g) "::int[], "    \
  SPAWN_P(h) "::text[], " SPAWN_P(i) "::text[], " SPAWN_P(j) "::bigint[], " SPAWN_P(k)   \
  "::bigint[], " SPAWN_P(l) "::bigint[], " SPAWN_P(m) "::float8[], " SPAWN_P(n)          \
  "::float8[], " SPAWN_P(o) "::text[], " SPAWN_P(p) "::bigint[]"
#define SPAWN_SESSION_ARRAYS(first) SPAWN_SESSION_ARRAYS_##first
#define SPAWN_SESSION_ARRAYS_5 \
  SPAWN_SESSION_ARRAYS_AT(5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)
#define SPAWN_SESSION_ARRAYS_2 \
  SPAWN_SESSION_ARRAYS_AT(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)
#define SPAWN_SESSION_ARRAY_NAMES                                                        \
  "state, tier, node_id, app_url, token, container_id, host_port, message, "           \
  "failure_reason, started_at, expires_at, destroyed_at, estimated_cost, actual_cost, " \
  "metadata, owner_epoch"
#define SPAWN_MS(col) SPAWN_PG_MS(col)

constexpr const char* sql_insert_api_key =
  "INSERT INTO api_keys (id, owner, key_hash, created_at) VALUES ($1, $2, $3, "
  "COALESCE(" SPAWN_TS(4) ", now()))";
constexpr const char* sql_list_api_keys =
  "SELECT id, owner, key_hash, " SPAWN_MS("created_at") ", " SPAWN_MS("revoked_at")
  " FROM api_keys ORDER BY created_at, id";
constexpr const char* sql_revoke_api_key =
  "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 "
  "RETURNING id, owner, key_hash, " SPAWN_MS("created_at") ", " SPAWN_MS("revoked_at");
constexpr const char* sql_set_actual_cost = "UPDATE sessions SET actual_cost = $2 WHERE id = $1";
constexpr const char* sql_clear_cost_items = "DELETE FROM cost_items WHERE session_id = $1";
constexpr const char* sql_insert_cost_item =
  "INSERT INTO cost_items (session_id, kind, quantity, unit, unit_price, amount, at, node_id, "
  "host_id) VALUES ($1, $2, $3, $4, $5, $6, COALESCE(" SPAWN_TS(7) ", now()), $8, $9)";
constexpr const char* sql_list_cost_items =
  "SELECT kind, quantity, unit, unit_price, amount, " SPAWN_MS("at")
  ", node_id, host_id FROM cost_items WHERE session_id = $1 ORDER BY id";

#undef SPAWN_MS
#undef SPAWN_TS

api_key_record to_api_key(const pqxx::row& r) {
  api_key_record k;
  k.id = r[0].as<std::string>();
  k.owner = r[1].as<std::string>();
  k.key_hash = r[2].as<std::string>();
  k.created_at = r[3].as<epoch_ms>();
  k.revoked_at = r[4].as<epoch_ms>();
  return k;
}

} // namespace

caf::error pg_store::insert_api_key(const api_key_record& k) {
  return to_error(guarded<bool>("insert_api_key", [&k](pqxx::connection& c) {
    pqxx::work tx{c};
    tx.exec_params(sql_insert_api_key, k.id, k.owner, k.key_hash, k.created_at);
    tx.commit();
    return true;
  }));
}

caf::expected<std::vector<api_key_record>> pg_store::list_api_keys() {
  return guarded<std::vector<api_key_record>>("list_api_keys", [](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    std::vector<api_key_record> out;
    for (const auto& r : tx.exec(sql_list_api_keys))
      out.push_back(to_api_key(r));
    return out;
  });
}

caf::expected<api_key_record> pg_store::revoke_api_key(const std::string& id) {
  return guarded<api_key_record>("revoke_api_key", [&id](pqxx::connection& c)
                                   -> caf::expected<api_key_record> {
    pqxx::work tx{c};
    auto rows = tx.exec_params(sql_revoke_api_key, id);
    if (rows.empty())
      return make_error(errc::not_found, "no API key " + id);
    auto k = to_api_key(rows[0]);
    tx.commit();
    return k;
  });
}

caf::error pg_store::save_costs(const std::string& session_id, double actual_cost,
                                const std::vector<cost_item>& items) {
  return to_error(guarded<bool>("save_costs", [&](pqxx::connection& c) -> caf::expected<bool> {
    pqxx::work tx{c};
    if (tx.exec_params(sql_set_actual_cost, session_id, actual_cost).affected_rows() == 0)
      return make_error(errc::not_found, "no session " + session_id);
    if (!items.empty()) {
      tx.exec_params(sql_clear_cost_items, session_id);
      for (const auto& i : items)
        tx.exec_params(sql_insert_cost_item, session_id, i.kind, i.quantity, i.unit,
                       i.unit_price, i.amount, i.at, i.node_id, i.host_id);
    }
    tx.commit();
    return true;
  }));
}

caf::expected<std::vector<cost_item>> pg_store::list_cost_items(const std::string& session_id) {
  return guarded<std::vector<cost_item>>("list_cost_items", [&](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    std::vector<cost_item> out;
    for (const auto& r : tx.exec_params(sql_list_cost_items, session_id)) {
      cost_item i;
      i.kind = r[0].as<std::string>();
      i.quantity = r[1].as<double>();
      i.unit = r[2].as<std::string>();
      i.unit_price = r[3].as<double>();
      i.amount = r[4].as<double>();
      i.at = r[5].as<epoch_ms>();
      i.node_id = r[6].as<std::string>();
      i.host_id = r[7].as<std::string>();
      out.push_back(std::move(i));
    }
    return out;
  });
}

} // namespace spawn
