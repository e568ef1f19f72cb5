#pragma once

#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/api_keys.hpp"
#include "core/cost_model.hpp"
#include "core/generated_app.hpp"
#include "core/hosts.hpp"
#include "core/records.hpp"
#include "core/session.hpp"
#include "core/turns.hpp"

namespace spawn {

/// One write of a batch (`store::write_batch`): a new session, a transition
/// (`session` with `event`, owned by `session`'s node and epoch), an event
/// (`event`, checked against `by`) or the generated files of a session
/// (`app` as version `version` of `session.id`, filed under `cache_key`).
struct store_write {
  enum class kind { insert, transition, append, artifact };
  kind what = kind::append;
  session_record session;
  event_record event;
  session_owner by;
  int version = 0;
  generated_app app;
  std::string cache_key;
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

  /// Writes every mutable column of `s` and appends `ev` in one transaction,
  /// if the session is still owned by (`s.node_id`, `s.owner_epoch`), else
  /// `errc::fenced` and nothing is written. Returns the event with its `seq`
  /// and `at` filled in.
  virtual caf::expected<event_record> save_transition(const session_record& s,
                                                      event_record ev) = 0;

  /// Appends one event if `by` owns the session (`errc::fenced` otherwise; an
  /// empty `by.node_id` checks nothing); returns it with `seq` and `at` filled in.
  virtual caf::expected<event_record> append_event(event_record ev, const session_owner& by) = 0;

  /// Writes `writes` in order, each with the result its own call would have
  /// (an insert's is an empty event). The default makes one call per write; a
  /// database may commit them together (one commit for the batch: group
  /// commit), as long as each write's result stays its own.
  virtual std::vector<caf::expected<event_record>>
  write_batch(const std::vector<store_write>& writes);

  /// One write of a batch through its own call.
  caf::expected<event_record> write_one(const store_write& w);

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
  // --- the cluster (issue 14); defaults: not supported -----------------------------
  // Times are the database's clock, so nodes need not agree on theirs.

  /// Registers a new incarnation of node `n`: its epoch becomes the last one
  /// + 1, its state `up`, its lease `lease_ms` from now; logs a `join`.
  /// Returns the new epoch.
  virtual caf::expected<int64_t> join_cluster(const node_record& n, int64_t lease_ms);

  /// Renews the lease of incarnation (`n.id`, `n.epoch`) and records its load
  /// (`n.metadata`, `n.queued`); false when that incarnation is not `up` any
  /// more (declared dead, or replaced by a newer start).
  virtual caf::expected<bool> renew_lease(const node_record& n, int64_t lease_ms);

  /// Incarnation (`id`, `epoch`) stops: state `left`, lease over; logs `leave`.
  virtual caf::error leave_cluster(const std::string& id, int64_t epoch);

  /// Marks `dead` every `up` node of `cluster` (not empty) whose lease ran out
  /// and returns them, each to exactly one caller; logs a `death` by `by`.
  virtual caf::expected<std::vector<node_record>> declare_dead(const std::string& cluster, const std::string& by);

  /// Marks `dead` the incarnation `node` of a cluster while it is still `up`,
  /// before its lease runs out: its process was found gone (the link to it
  /// dropped and its port refuses connections). Returns it to exactly one
  /// caller (empty when it was not up any more); logs a `death` by `by` with
  /// `why`. A node wrongly declared so learns it at its next renewal and
  /// fences itself, as after a pause.
  virtual caf::expected<std::vector<node_record>> declare_gone(const session_owner& node, const std::string& by,
                                                               const std::string& why);

  /// Makes `by` the owner of up to `limit` live sessions whose owner
  /// incarnation is not `up` (dead, left, or replaced by a newer start), oldest
  /// first: `by`'s own, and with a non-empty `cluster` those of the nodes of
  /// that cluster; with a non-empty `of_node` only sessions of that node. Each session
  /// is claimed exactly once across concurrent callers (a conditional write);
  /// logs a `claim` per former owner. Returns the claimed sessions.
  virtual caf::expected<std::vector<session_record>>
  claim_orphans(const session_owner& by, int limit, const std::string& of_node,
                const std::string& cluster);

  /// Hands session `id` from `from` to `to` (a drain); `errc::fenced` when
  /// `from` does not own it any more.
  virtual caf::expected<session_record> hand_over(const std::string& id, const session_owner& from,
                                                  const session_owner& to);

  /// Ids of the live sessions `o` owns.
  virtual caf::expected<std::vector<std::string>> owned_sessions(const session_owner& o);

  /// Live sessions owned by `up` nodes of `cluster` other than `node_id` that
  /// have an edge.
  virtual caf::expected<std::vector<remote_route>> remote_routes(const std::string& node_id, const std::string& cluster);

  virtual caf::error log_cluster_event(const cluster_event& e);

  /// Cluster events with `seq > after_seq`, oldest first.
  virtual caf::expected<std::vector<cluster_event>> cluster_events(int64_t after_seq, int limit);

  /// Every node, by id, with `alive` and `live_sessions` filled in.
  virtual caf::expected<std::vector<node_record>> list_nodes();

  // --- accounts and costs (issue 6); defaults: not supported -----------------------

  virtual caf::error insert_api_key(const api_key_record& k);

  /// Every key (revoked ones too), oldest first.
  virtual caf::expected<std::vector<api_key_record>> list_api_keys();

  /// Marks key `id` revoked; returns it (`errc::not_found` for an unknown id).
  virtual caf::expected<api_key_record> revoke_api_key(const std::string& id);

  /// Sets the session's actual cost; non-empty `items` replace its cost items
  /// (the final bill), in one transaction.
  virtual caf::error save_costs(const std::string& session_id, double actual_cost,
                                const std::vector<cost_item>& items);

  /// The cost items of a session, oldest first.
  virtual caf::expected<std::vector<cost_item>> list_cost_items(const std::string& session_id);

  // --- turns and versions (issue 15); defaults: not supported -------------------

  /// Inserts turn `t` with the next number of its session; answers it with
  /// `number`, `created_at` and `base_version` (the newest stored version) set.
  virtual caf::expected<turn_record> insert_turn(turn_record t);

  /// Writes a turn's outcome (status, reply, version, tokens, cost, finished).
  virtual caf::error update_turn(const turn_record& t);

  /// A session's turns, oldest first.
  virtual caf::expected<std::vector<turn_record>> list_turns(const std::string& session_id);

  /// Stores version `version` of a session's files with where it came from,
  /// then removes the oldest versions beyond `origin.keep` (never `version`).
  virtual caf::error save_version(const std::string& session_id, int version,
                                  const generated_app& app, const version_origin& origin);

  /// A session's stored versions, oldest first (the newest is the current one).
  virtual caf::expected<std::vector<version_info>> list_versions(const std::string& session_id);

  /// Version `version` of a session's files; `errc::not_found` when not stored.
  virtual caf::expected<generated_app> load_version(const std::string& session_id, int version);

  // --- custom domains (issue 18); defaults: not supported -----------------------

  /// Makes session `session_id` the holder of `domain` (already normalized):
  /// a holder that is no longer live (failed, destroying, destroyed) loses it;
  /// holding it already is fine. `errc::conflict` when a live session holds it.
  virtual caf::error claim_domain(const std::string& session_id, const std::string& domain);

  /// Gives `domain` up if `session_id` holds it (not holding it is no error).
  virtual caf::error release_domain(const std::string& session_id, const std::string& domain);

  /// The session holding `domain`; `errc::not_found` when none does.
  virtual caf::expected<std::string> domain_holder(const std::string& domain);

  // --- Docker hosts (issue 17); defaults: not supported ---------------------------

  /// Inserts or updates host `h` of node `node_id`.
  virtual caf::error save_host(const std::string& node_id, const host_record& h);

  /// The hosts of node `node_id`, oldest first.
  virtual caf::expected<std::vector<host_record>> list_hosts(const std::string& node_id);

  /// Deletes host `id` of node `node_id` (a missing one is not an error).
  virtual caf::error delete_host(const std::string& node_id, const std::string& id);

  /// Inserts or updates the ledger line of a droplet of node `node_id` and, in
  /// the same transaction, its host-level `cost_items` lines
  /// (`host_cost_items`). A line already saved as ended is final: later saves
  /// of it change nothing.
  virtual caf::error save_host_cost(const std::string& node_id, const host_cost& c);

  /// The host-level `cost_items` lines matching `f`, newest first, each with
  /// the sessions whose compute line names its host.
  virtual caf::expected<std::vector<host_cost_row>> list_host_cost_items(const host_cost_filter& f);

  /// The ledger lines of node `node_id`, oldest first (destroyed droplets too).
  virtual caf::expected<std::vector<host_cost>> list_host_costs(const std::string& node_id);
};

} // namespace spawn
