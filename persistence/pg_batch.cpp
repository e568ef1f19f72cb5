// Group commit (issue 12): the session writes a store worker holds are written
// in one transaction, one statement each, and committed once. Each write keeps
// its own result: a session that is gone or fenced gets its error and the
// others are written. When a statement fails (a duplicate key, a bad value)
// nothing of the batch is kept and each write is made again on its own, so the
// failure reaches only the write that caused it.

#include "persistence/pg_detail.hpp"

namespace spawn {

namespace {

/// No row back from an owned write: the session is gone, or someone else
/// owns it.
caf::error why_not_written(pqxx::work& tx, const std::string& id, const session_owner& by) {
  auto owner = tx.exec_prepared("session_owner", id);
  if (owner.empty())
    return make_error(errc::not_found, "no session " + id);
  if (auto err = pg_detail::check_owner(id, owner[0], by))
    return err;
  return make_error(errc::internal, "session " + id + ": the write matched no row");
}

caf::expected<event_record> read_event(const pqxx::result& rows, event_record ev) {
  ev.seq = rows[0][0].as<int64_t>();
  ev.at = rows[0][1].as<epoch_ms>();
  return ev;
}

caf::expected<event_record> transition_in(pqxx::work& tx, const session_record& s,
                                          event_record ev) {
  ev.session_id = s.id;
  if (ev.phase.empty())
    ev.phase = std::string{to_string(s.state)};
  if (s.node_id.empty()) // nobody to check: the two-step write, as a single call makes it
    return pg_detail::transition_locked(tx, s, std::move(ev));
  auto rows = tx.exec_prepared("transition_owned", s.id, std::string{to_string(s.state)},
                               s.tier, s.node_id, s.app_url, s.manage_token_hash,
                               s.container_id, s.host_port, s.message, s.failure_reason,
                               s.started_at, s.expires_at, s.destroyed_at, s.estimated_cost,
                               s.actual_cost, s.metadata, s.input_tokens, s.output_tokens,
                               s.generation_cost_usd, s.owner_epoch, ev.at, ev.level,
                               ev.phase, ev.message);
  if (rows.empty())
    return why_not_written(tx, s.id, session_owner{s.node_id, s.owner_epoch});
  return read_event(rows, std::move(ev));
}

caf::expected<event_record> append_in(pqxx::work& tx, event_record ev, const session_owner& by) {
  if (by.node_id.empty())
    return pg_detail::append_locked(tx, std::move(ev), by);
  auto rows = tx.exec_prepared("append_owned", ev.session_id, ev.at, ev.level, ev.phase,
                               ev.message, by.node_id, by.epoch);
  if (rows.empty())
    return why_not_written(tx, ev.session_id, by);
  return read_event(rows, std::move(ev));
}

caf::expected<event_record> write_in(pqxx::work& tx, const store_write& w) {
  switch (w.what) {
    case store_write::kind::insert: {
      const auto& s = w.session;
      tx.exec_prepared("insert_session", s.id, s.owner, s.prompt,
                       std::string{to_string(s.type)}, std::string{to_string(s.state)},
                       s.tier, s.node_id, s.app_url, s.manage_token_hash, s.container_id,
                       s.host_port, s.message, s.failure_reason, s.created_at, s.started_at,
                       s.expires_at, s.destroyed_at, s.estimated_cost, s.actual_cost,
                       s.metadata, s.owner_epoch);
      return event_record{};
    }
    case store_write::kind::transition:
      return transition_in(tx, w.session, w.event);
    case store_write::kind::append:
    default:
      return append_in(tx, w.event, w.by);
  }
}

} // namespace

std::vector<caf::expected<event_record>>
pg_store::write_batch(const std::vector<store_write>& writes) {
  using results = std::vector<caf::expected<event_record>>;
  if (writes.size() < 2)
    return store::write_batch(writes);
  auto batch = guarded<results>("write_batch", [&writes](pqxx::connection& c) {
    pqxx::work tx{c};
    results out;
    out.reserve(writes.size());
    for (const auto& w : writes)
      out.push_back(write_in(tx, w));
    tx.commit();
    return out;
  });
  if (batch)
    return std::move(*batch);
  // The database is away (or the commit's outcome is unknown): every write
  // hears it, and its session retries it with backoff as after a single call.
  if (code_of(batch.error()) == errc::unavailable)
    return results(writes.size(), batch.error());
  return store::write_batch(writes);
}

} // namespace spawn
