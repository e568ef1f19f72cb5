// Group commit (issue 12): the session writes a store worker holds are written
// in one transaction and committed once, each keeping its own result: a
// session that is gone or fenced gets its error and the others are written.
//
// A batch goes in waves: wave k holds the k-th write of each session in the
// batch, so a session's writes keep their order and no session is twice in a
// wave. Each wave is at most three statements, whatever its size: the
// inserts, the owned transitions and the owned appends, each one multi-row
// statement over arrays (unnest), so a batch of a hundred writes costs a few
// round trips to the server instead of a hundred. A write without an owner to
// check goes through its own statements (as a single call makes it).
//
// An artifact (the generated files of a session) is one statement of its own
// in the same transaction: it no longer costs a commit of its own, nor cuts a
// batch short.
//
// When a statement fails (a duplicate key, a bad value) nothing of the batch
// is kept and each write is made again on its own, so the failure reaches
// only the write that caused it.

#include <cstdio>
#include <map>
#include <unordered_map>

#include "persistence/pg_detail.hpp"

namespace spawn {

namespace {

/// A PostgreSQL array literal, built element by element: text elements are
/// quoted (backslash and double quote escaped), numbers written as they are.
class array_literal {
public:
  void add(const std::string& v) {
    next();
    text_ += '"';
    for (char c : v) {
      if (c == '"' || c == '\\')
        text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void add(int64_t v) {
    next();
    text_ += std::to_string(v);
  }
  void add(double v) {
    next();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    text_ += buf;
  }
  std::string str() const {
    return text_ + "}";
  }

private:
  void next() {
    if (text_.size() > 1)
      text_ += ',';
  }
  std::string text_ = "{";
};

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

/// A write without an owner to check, through its own statements.
caf::expected<event_record> write_unowned(pqxx::work& tx, const store_write& w) {
  if (w.what == store_write::kind::transition) {
    auto ev = w.event;
    ev.session_id = w.session.id;
    if (ev.phase.empty())
      ev.phase = std::string{to_string(w.session.state)};
    return pg_detail::transition_locked(tx, w.session, std::move(ev));
  }
  return pg_detail::append_locked(tx, w.event, w.by);
}

/// The session a write is about.
const std::string& session_of(const store_write& w) {
  return w.what == store_write::kind::append ? w.event.session_id : w.session.id;
}

using results = std::vector<caf::expected<event_record>>;

/// Reads the (session_id, seq, at) rows of a multi-row event insert into the
/// results of `wave` (indexes into `writes`); a write without its row was
/// not written: why not, one look-up each.
void read_events(pqxx::work& tx, const pqxx::result& rows, const std::vector<store_write>& writes,
                 const std::vector<size_t>& wave, results& out) {
  std::unordered_map<std::string, std::pair<int64_t, epoch_ms>> got;
  got.reserve(rows.size());
  for (const auto& r : rows)
    got.emplace(r[0].as<std::string>(), std::make_pair(r[1].as<int64_t>(), r[2].as<epoch_ms>()));
  for (auto i : wave) {
    const auto& w = writes[i];
    auto hit = got.find(session_of(w));
    if (hit == got.end()) {
      auto by = w.what == store_write::kind::append
                  ? w.by
                  : session_owner{w.session.node_id, w.session.owner_epoch};
      out[i] = why_not_written(tx, session_of(w), by);
      continue;
    }
    auto ev = w.event;
    ev.session_id = session_of(w);
    if (w.what == store_write::kind::transition && ev.phase.empty())
      ev.phase = std::string{to_string(w.session.state)};
    ev.seq = hit->second.first;
    ev.at = hit->second.second;
    out[i] = std::move(ev);
  }
}

/// The columns a new session and a transition both write, as arrays: the
/// parameters $2 to $17 of both statements (persistence/pg_store.cpp).
struct session_columns {
  array_literal state, tier, node, url, token, container, port, message, failure, started,
    expires, destroyed, estimated, actual, metadata, epoch;

  void add(const session_record& s) {
    state.add(std::string{to_string(s.state)});
    tier.add(s.tier);
    node.add(s.node_id);
    url.add(s.app_url);
    token.add(s.manage_token_hash);
    container.add(s.container_id);
    port.add(int64_t{s.host_port});
    message.add(s.message);
    failure.add(s.failure_reason);
    started.add(int64_t{s.started_at});
    expires.add(int64_t{s.expires_at});
    destroyed.add(int64_t{s.destroyed_at});
    estimated.add(s.estimated_cost);
    actual.add(s.actual_cost);
    metadata.add(s.metadata);
    epoch.add(s.owner_epoch);
  }
};

void insert_wave(pqxx::work& tx, const std::vector<store_write>& writes,
                 const std::vector<size_t>& wave, results& out) {
  if (wave.empty())
    return;
  array_literal id, owner, prompt, type, created;
  session_columns c;
  for (auto i : wave) {
    const auto& s = writes[i].session;
    id.add(s.id);
    owner.add(s.owner);
    prompt.add(s.prompt);
    type.add(std::string{to_string(s.type)});
    c.add(s);
    created.add(int64_t{s.created_at});
  }
  tx.exec_prepared("insert_sessions", id.str(), c.state.str(), c.tier.str(), c.node.str(),
                   c.url.str(), c.token.str(), c.container.str(), c.port.str(),
                   c.message.str(), c.failure.str(), c.started.str(), c.expires.str(),
                   c.destroyed.str(), c.estimated.str(), c.actual.str(), c.metadata.str(),
                   c.epoch.str(), owner.str(), prompt.str(), type.str(), created.str());
  for (auto i : wave)
    out[i] = event_record{};
}

void transition_wave(pqxx::work& tx, const std::vector<store_write>& writes,
                     const std::vector<size_t>& wave, results& out) {
  if (wave.empty())
    return;
  array_literal id, in, out_tokens, gen_cost, at, level, phase_, text;
  session_columns c;
  for (auto i : wave) {
    const auto& s = writes[i].session;
    const auto& ev = writes[i].event;
    id.add(s.id);
    c.add(s);
    in.add(s.input_tokens);
    out_tokens.add(s.output_tokens);
    gen_cost.add(s.generation_cost_usd);
    at.add(int64_t{ev.at});
    level.add(ev.level);
    phase_.add(ev.phase.empty() ? std::string{to_string(s.state)} : ev.phase);
    text.add(ev.message);
  }
  auto rows = tx.exec_prepared(
    "transition_sessions", id.str(), c.state.str(), c.tier.str(), c.node.str(), c.url.str(),
    c.token.str(), c.container.str(), c.port.str(), c.message.str(), c.failure.str(),
    c.started.str(), c.expires.str(), c.destroyed.str(), c.estimated.str(), c.actual.str(),
    c.metadata.str(), c.epoch.str(), in.str(), out_tokens.str(), gen_cost.str(), at.str(),
    level.str(), phase_.str(), text.str());
  read_events(tx, rows, writes, wave, out);
}

void append_wave(pqxx::work& tx, const std::vector<store_write>& writes,
                 const std::vector<size_t>& wave, results& out) {
  if (wave.empty())
    return;
  array_literal id, at, level, phase_, text, node, epoch;
  for (auto i : wave) {
    const auto& w = writes[i];
    id.add(w.event.session_id);
    at.add(int64_t{w.event.at});
    level.add(w.event.level);
    phase_.add(w.event.phase);
    text.add(w.event.message);
    node.add(w.by.node_id);
    epoch.add(w.by.epoch);
  }
  auto rows = tx.exec_prepared("append_events", id.str(), at.str(), level.str(), phase_.str(),
                               text.str(), node.str(), epoch.str());
  read_events(tx, rows, writes, wave, out);
}

/// Writes every write of `writes` in `tx`, wave after wave.
results write_waves(pqxx::work& tx, const std::vector<store_write>& writes) {
  results out(writes.size(), make_error(errc::internal, "not written"));
  // The k-th write of each session goes in wave k.
  std::unordered_map<std::string, size_t> seen;
  std::vector<std::vector<size_t>> waves;
  for (size_t i = 0; i < writes.size(); ++i) {
    auto k = seen[session_of(writes[i])]++;
    if (k == waves.size())
      waves.emplace_back();
    waves[k].push_back(i);
  }
  for (const auto& wave : waves) {
    std::vector<size_t> inserts, transitions, appends;
    for (auto i : wave) {
      const auto& w = writes[i];
      switch (w.what) {
        case store_write::kind::insert:
          inserts.push_back(i);
          break;
        case store_write::kind::transition:
          if (w.session.node_id.empty())
            out[i] = write_unowned(tx, w);
          else
            transitions.push_back(i);
          break;
        case store_write::kind::artifact:
          // Rare next to the session writes (one per generation): its own statement.
          if (auto err = pg_detail::insert_artifact(tx, w.session.id, w.version, w.app,
                                                    w.cache_key))
            out[i] = err;
          else
            out[i] = event_record{};
          break;
        case store_write::kind::append:
        default:
          if (w.by.node_id.empty())
            out[i] = write_unowned(tx, w);
          else
            appends.push_back(i);
      }
    }
    insert_wave(tx, writes, inserts, out);
    transition_wave(tx, writes, transitions, out);
    append_wave(tx, writes, appends, out);
  }
  return out;
}

} // namespace

std::vector<caf::expected<event_record>>
pg_store::write_batch(const std::vector<store_write>& writes) {
  if (writes.size() < 2)
    return store::write_batch(writes);
  auto batch = guarded<results>("write_batch", [&writes](pqxx::connection& c) {
    pqxx::work tx{c};
    auto out = write_waves(tx, writes);
    tx.commit();
    return out;
  });
  if (batch)
    return std::move(*batch);
  // The database is away (or the commit's outcome is unknown): every write
  // hears it, and its session retries it with backoff as after a single call.
  if (code_of(batch.error()) == errc::unavailable)
    return results(writes.size(), batch.error());
  ++batches_redone_;
  return store::write_batch(writes);
}

} // namespace spawn
