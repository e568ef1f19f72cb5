#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "persistence/store.hpp"

namespace spawn::test {

/// What a memory store holds; shared by every adapter made from it (one per
/// store worker), as one database is.
struct memory_db {
  std::mutex mutex;
  std::map<std::string, session_record> sessions;
  std::map<std::string, std::vector<event_record>> events;
  std::map<std::string, generated_app> artifacts;
  /// Versions (issue 15) by session and number, and each session's turns.
  std::map<std::string, std::map<int, std::pair<generated_app, version_info>>> versions;
  std::map<std::string, std::vector<turn_record>> turns;
  /// Custom domains (issue 18): domain → the session holding it.
  std::map<std::string, std::string> domains;
  int64_t next_seq = 0;
  /// The next `fail_writes` writes (transitions and appends) fail with
  /// `errc::unavailable`, as a database that is away.
  std::atomic<int> fail_writes{0};
  /// Writes that failed that way, and writes that went through.
  std::atomic<int> failed_writes{0}, writes{0};
};

/// An in-memory store port, for deterministic actor tests and benchmarks of
/// the actors alone. Thread-safe.
class memory_store : public store {
public:
  explicit memory_store(std::shared_ptr<memory_db> db) : db_(std::move(db)) {}

  caf::error migrate() override;
  bool ping() override;
  caf::error insert_session(const session_record& s) override;
  caf::expected<event_record> save_transition(const session_record& s, event_record ev) override;
  caf::expected<event_record> append_event(event_record ev, const session_owner& by) override;
  caf::expected<session_record> get_session(const std::string& id) override;
  caf::expected<std::vector<session_record>> list_sessions(const session_filter& f) override;
  caf::expected<std::vector<session_record>> expired_sessions(epoch_ms now) override;
  caf::expected<std::vector<event_record>> list_events(const std::string& id, int64_t after,
                                                       int limit) override;
  caf::error save_artifact(const std::string& id, int version, const generated_app& app) override;
  caf::expected<generated_app> load_artifact(const std::string& id) override;
  caf::error save_artifact_keyed(const std::string& id, int version, const generated_app& app,
                                 const std::string& cache_key) override;
  caf::expected<generated_app> find_cached_artifact(const std::string& cache_key,
                                                    epoch_ms since) override;
  caf::expected<int64_t> owner_tokens_since(const std::string& owner, epoch_ms since) override;
  caf::error save_costs(const std::string& id, double actual,
                        const std::vector<cost_item>& items) override;
  caf::error claim_domain(const std::string& id, const std::string& domain) override;
  caf::error release_domain(const std::string& id, const std::string& domain) override;
  caf::expected<std::string> domain_holder(const std::string& domain) override;
  caf::expected<turn_record> insert_turn(turn_record t) override;
  caf::error update_turn(const turn_record& t) override;
  caf::expected<std::vector<turn_record>> list_turns(const std::string& id) override;
  caf::error save_version(const std::string& id, int version, const generated_app& app,
                          const version_origin& origin) override;
  caf::expected<std::vector<version_info>> list_versions(const std::string& id) override;
  caf::expected<generated_app> load_version(const std::string& id, int version) override;

private:
  /// Consumes one planned failure; true when this write is to fail.
  bool fails();
  std::shared_ptr<memory_db> db_;
};

} // namespace spawn::test
