#include "actors/store_worker.hpp"

#include <caf/all.hpp>

#include "actors/result.hpp"

namespace spawn {

store_worker_actor::behavior_type
store_worker(store_worker_actor::stateful_pointer<store_worker_state> self, store_factory make) {
  self->state.db = make();
  auto db = [self]() -> store& { return *self->state.db; };
  return {
    [=](atoms::insert, const session_record& s) { return done(db().insert_session(s)); },
    [=](atoms::save, const session_record& s, event_record& ev) {
      return to_result(db().save_transition(s, std::move(ev)));
    },
    [=](atoms::append, event_record& ev, const session_owner& by) {
      return to_result(db().append_event(std::move(ev), by));
    },
    [=](atoms::get, const std::string& id) { return to_result(db().get_session(id)); },
    [=](atoms::list, const session_filter& f) { return to_result(db().list_sessions(f)); },
    [=](atoms::expired, int64_t now) { return to_result(db().expired_sessions(now)); },
    [=](atoms::events, const std::string& id, int64_t after, int limit) {
      return to_result(db().list_events(id, after, limit));
    },
    [=](atoms::artifact, const std::string& id, int version, const generated_app& app,
        const std::string& cache_key) {
      return done(cache_key.empty() ? db().save_artifact(id, version, app)
                                    : db().save_artifact_keyed(id, version, app, cache_key));
    },
    [=](atoms::artload, const std::string& id) { return to_result(db().load_artifact(id)); },
    [=](atoms::cached, const std::string& cache_key, int64_t since) {
      return to_result(db().find_cached_artifact(cache_key, since));
    },
    [=](atoms::tokens, const std::string& owner, int64_t since) {
      return to_result(db().owner_tokens_since(owner, since));
    },
    [=](atoms::ping) -> caf::result<bool> { return db().ping(); },
    [=](atoms::join, const node_record& n, int64_t lease_ms) {
      return to_result(db().join_cluster(n, lease_ms));
    },
    [=](atoms::heartbeat, const node_record& n, int64_t lease_ms) {
      return to_result(db().renew_lease(n, lease_ms));
    },
    [=](atoms::leave, const std::string& id, int64_t epoch) {
      return done(db().leave_cluster(id, epoch));
    },
    [=](atoms::dead, const std::string& cluster, const std::string& by) {
      return to_result(db().declare_dead(cluster, by));
    },
    [=](atoms::gone, const session_owner& node, const std::string& by, const std::string& why) {
      return to_result(db().declare_gone(node, by, why));
    },
    [=](atoms::claim, const session_owner& by, int limit, const std::string& of_node,
        const std::string& cluster) {
      return to_result(db().claim_orphans(by, limit, of_node, cluster));
    },
    [=](atoms::handover, const std::string& id, const session_owner& from,
        const session_owner& to) { return to_result(db().hand_over(id, from, to)); },
    [=](atoms::owned, const session_owner& o) { return to_result(db().owned_sessions(o)); },
    [=](atoms::rroutes, const std::string& node, const std::string& cluster) {
      return to_result(db().remote_routes(node, cluster));
    },
    [=](atoms::clog, const cluster_event& e) { return done(db().log_cluster_event(e)); },
    [=](atoms::clevents, int64_t after, int limit) {
      return to_result(db().cluster_events(after, limit));
    },
    [=](atoms::nodes) { return to_result(db().list_nodes()); },
    [=](atoms::keys) { return to_result(db().list_api_keys()); },
    [=](atoms::addkey, const api_key_record& k) { return done(db().insert_api_key(k)); },
    [=](atoms::revoke, const std::string& id) { return to_result(db().revoke_api_key(id)); },
    [=](atoms::costs, const std::string& id, double actual, const std::vector<cost_item>& items) {
      return done(db().save_costs(id, actual, items));
    },
    [=](atoms::costitems, const std::string& id) { return to_result(db().list_cost_items(id)); },
    // turns and versions (issue 15)
    [=](atoms::turnadd, const turn_record& t) { return to_result(db().insert_turn(t)); },
    [=](atoms::turnsave, const turn_record& t) { return done(db().update_turn(t)); },
    [=](atoms::turns, const std::string& id) { return to_result(db().list_turns(id)); },
    [=](atoms::versave, const std::string& id, int version, const generated_app& app,
        const version_origin& origin) {
      return done(db().save_version(id, version, app, origin));
    },
    [=](atoms::versions, const std::string& id) { return to_result(db().list_versions(id)); },
    [=](atoms::verload, const std::string& id, int version) {
      return to_result(db().load_version(id, version));
    },
    // custom domains (issue 18)
    [=](atoms::domclaim, const std::string& id, const std::string& domain) {
      return done(db().claim_domain(id, domain));
    },
    [=](atoms::domfree, const std::string& id, const std::string& domain) {
      return done(db().release_domain(id, domain));
    },
    [=](atoms::domholder, const std::string& domain) {
      return to_result(db().domain_holder(domain));
    },
  };
}

store_pool::store_pool(caf::actor_system& sys, const store_factory& make, int n, bool detached) {
  for (int i = 0; i < n; ++i)
    workers_.push_back(detached ? sys.spawn<caf::detached>(store_worker, make)
                                : sys.spawn(store_worker, make));
}

const store_worker_actor& store_pool::for_key(const std::string& key) const {
  return workers_[std::hash<std::string>{}(key) % workers_.size()];
}

const store_worker_actor& store_pool::any() const {
  return workers_[(*next_)++ % workers_.size()];
}

} // namespace spawn
