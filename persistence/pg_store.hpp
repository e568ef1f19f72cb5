#pragma once

#include <memory>
#include <string>

#include "persistence/store.hpp"

namespace spawn {

/// The PostgreSQL adapter of `store` (libpqxx 6).
///
/// Owns one connection, opened lazily by the first call and opened again by the
/// call after a broken one, so a database restart costs callers one
/// `errc::unavailable` per store, not a restart of spawnd. No libpqxx or JSON
/// exception leaves this class: every failure is a value (`errc::conflict` for
/// a duplicate key, `errc::not_found` for a missing row or unknown session,
/// `errc::unavailable` when the server cannot be reached, `errc::invalid_input`
/// for data PostgreSQL rejects, `errc::internal` otherwise).
///
/// Not thread-safe, by contract: one `pg_store` per worker thread. Concurrency
/// between stores (or between spawnd processes) is handled in SQL: row locks
/// for event numbering and an advisory lock for migrations.
///
/// Timestamps are epoch milliseconds, `0` stored as SQL NULL.
class pg_store : public store {
public:
  /// Takes a libpq connection string (`postgresql://user@host:port/db` or
  /// `key=value` form). Does not connect; the first call does.
  explicit pg_store(std::string dsn);

  ~pg_store() override;

  pg_store(const pg_store&) = delete;
  pg_store& operator=(const pg_store&) = delete;

  /// Applies missing migrations in version order, each in its own transaction
  /// under `pg_advisory_xact_lock`, so concurrent starts apply each one once.
  caf::error migrate() override;

  bool ping() override;

  /// Fails with `errc::conflict` when the id exists.
  caf::error insert_session(const session_record& s) override;

  /// Locks the session row, updates its mutable columns (all but id, owner,
  /// prompt, app_type, created_at), and appends `ev` with the next `seq`, all
  /// in one transaction. `ev.session_id` is set to `s.id`; an empty
  /// `ev.phase` becomes `s.state`; `ev.at == 0` means now.
  caf::expected<event_record> save_transition(const session_record& s,
                                              event_record ev) override;

  /// Appends `ev` with the next `seq` of its session (`errc::not_found` for an
  /// unknown session); `ev.at == 0` means now.
  caf::expected<event_record> append_event(event_record ev, const session_owner& by) override;

  caf::expected<session_record> get_session(const std::string& id) override;

  /// Newest first (`created_at`, then id); `limit` clamped to 1..500,
  /// negative `offset` read as 0.
  caf::expected<std::vector<session_record>>
  list_sessions(const session_filter& f) override;

  /// Not destroyed and `expires_at < now`, soonest expiry first.
  caf::expected<std::vector<session_record>> expired_sessions(epoch_ms now) override;

  /// Oldest first; `limit <= 0` reads as 1000, larger values clamp to 10000.
  caf::expected<std::vector<event_record>>
  list_events(const std::string& session_id, int64_t after_seq, int limit) override;

  /// Fails with `errc::conflict` when the version exists and `errc::not_found`
  /// for an unknown session. Files are stored as a jsonb array of
  /// `{path, content}`; content PostgreSQL's jsonb cannot hold (a NUL
  /// character, invalid UTF-8) gives `errc::invalid_input`.
  caf::error save_artifact(const std::string& session_id, int version,
                           const generated_app& app) override;

  /// The highest stored version; `errc::not_found` when there is none.
  caf::expected<generated_app> load_artifact(const std::string& session_id) override;

  caf::error save_artifact_keyed(const std::string& session_id, int version,
                                 const generated_app& app, const std::string& cache_key) override;
  caf::expected<generated_app> find_cached_artifact(const std::string& cache_key,
                                                    epoch_ms since) override;
  caf::expected<int64_t> owner_tokens_since(const std::string& owner, epoch_ms since) override;
  // The cluster (issue 14; persistence/pg_cluster.cpp): rare calls, unprepared.
  caf::expected<int64_t> join_cluster(const node_record& n, int64_t lease_ms) override;
  caf::expected<bool> renew_lease(const node_record& n, int64_t lease_ms) override;
  caf::error leave_cluster(const std::string& id, int64_t epoch) override;
  caf::expected<std::vector<node_record>> declare_dead(const std::string& cluster, const std::string& by) override;
  caf::expected<std::vector<node_record>> declare_gone(const session_owner& node, const std::string& by,
                                                       const std::string& why) override;
  caf::expected<std::vector<session_record>>
  claim_orphans(const session_owner& by, int limit, const std::string& of_node,
                const std::string& cluster) override;
  caf::expected<session_record> hand_over(const std::string& id, const session_owner& from,
                                          const session_owner& to) override;
  caf::expected<std::vector<std::string>> owned_sessions(const session_owner& o) override;
  caf::expected<std::vector<remote_route>> remote_routes(const std::string& node_id, const std::string& cluster) override;
  caf::error log_cluster_event(const cluster_event& e) override;
  caf::expected<std::vector<cluster_event>> cluster_events(int64_t after_seq, int limit) override;
  caf::expected<std::vector<node_record>> list_nodes() override;

  // Group commit of session writes (persistence/pg_batch.cpp).
  std::vector<caf::expected<event_record>>
  write_batch(const std::vector<store_write>& writes) override;
  // Custom domains (issue 18; persistence/pg_domains.cpp).
  caf::error claim_domain(const std::string& session_id, const std::string& domain) override;
  caf::error release_domain(const std::string& session_id, const std::string& domain) override;
  caf::expected<std::string> domain_holder(const std::string& domain) override;
  // Docker hosts (issue 17; persistence/pg_hosts.cpp).
  caf::error save_host(const std::string& node_id, const host_record& h) override;
  caf::expected<std::vector<host_record>> list_hosts(const std::string& node_id) override;
  caf::error delete_host(const std::string& node_id, const std::string& id) override;
  caf::error save_host_cost(const std::string& node_id, const host_cost& c) override;
  caf::expected<std::vector<host_cost>> list_host_costs(const std::string& node_id) override;
  caf::expected<std::vector<host_cost_row>> list_host_cost_items(const host_cost_filter& f) override;
  // Accounts and costs (issue 6): rare calls, run unprepared.
  caf::error insert_api_key(const api_key_record& k) override;
  caf::expected<std::vector<api_key_record>> list_api_keys() override;
  caf::expected<api_key_record> revoke_api_key(const std::string& id) override;
  caf::error save_costs(const std::string& session_id, double actual_cost,
                        const std::vector<cost_item>& items) override;
  caf::expected<std::vector<cost_item>> list_cost_items(const std::string& session_id) override;
  // Turns and versions (issue 15).
  caf::expected<turn_record> insert_turn(turn_record t) override;
  caf::error update_turn(const turn_record& t) override;
  caf::expected<std::vector<turn_record>> list_turns(const std::string& session_id) override;
  caf::error save_version(const std::string& session_id, int version, const generated_app& app,
                          const version_origin& origin) override;
  caf::expected<std::vector<version_info>> list_versions(const std::string& session_id) override;
  caf::expected<generated_app> load_version(const std::string& session_id, int version) override;

  /// Batches that failed as a whole and were written again one write at a
  /// time (a duplicate key, a bad value, a deadlock): a rare event, counted
  /// so a test can tell the batch path from the fallback.
  int64_t batches_redone() const noexcept {
    return batches_redone_;
  }

  /// The connection string this store was built from.
  const std::string& dsn() const noexcept {
    return dsn_;
  }

private:
  struct connection_box;

  /// Runs `body` with an open connection and turns every exception into an
  /// error value; drops the connection when it broke.
  template <class T, class F>
  caf::expected<T> guarded(const char* what, F&& body);

  /// Maps the exception in flight to an error value.
  caf::error failure(const char* what);

  std::string dsn_;
  std::unique_ptr<connection_box> conn_;
  int64_t batches_redone_ = 0;
};

} // namespace spawn
