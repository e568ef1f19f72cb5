#include "actors/store_worker.hpp"

#include <algorithm>
#include <iterator>

#include <caf/all.hpp>

#include "actors/result.hpp"

namespace spawn {

namespace {

using worker_ptr = store_worker_actor::stateful_pointer<store_worker_state>;

/// Writes the held writes (at most `max_batch` per commit) and answers each.
void commit_held(worker_ptr self) {
  auto& st = self->state;
  while (!st.held.empty()) {
    auto end = st.held.begin() + static_cast<std::ptrdiff_t>(std::min(st.held.size(), st.max_batch));
    std::vector<held_write> batch{std::make_move_iterator(st.held.begin()),
                                  std::make_move_iterator(end)};
    st.held.erase(st.held.begin(), end);
    std::vector<store_write> writes;
    writes.reserve(batch.size());
    for (auto& h : batch)
      writes.push_back(std::move(h.write));
    auto results = st.db->write_batch(writes);
    for (size_t i = 0; i < batch.size(); ++i)
      batch[i].answer(results[i]);
  }
}

/// Holds `w` for the next commit; answers through `rp` with `answer(result)`.
template <class T, class Answer>
caf::typed_response_promise<T> hold(worker_ptr self, store_write w, Answer answer) {
  auto rp = self->template make_response_promise<T>();
  auto& st = self->state;
  if (st.held.empty())
    self->send(self, atoms::commit::value);
  st.held.push_back(held_write{std::move(w), [rp, answer](caf::expected<event_record>& r) mutable {
                                 answer(rp, r);
                               }});
  if (st.held.size() >= st.max_batch)
    commit_held(self);
  return rp;
}

} // namespace

store_worker_actor::behavior_type
store_worker(store_worker_actor::stateful_pointer<store_worker_state> self, store_factory make,
             int max_batch) {
  self->state.db = make();
  self->state.max_batch = static_cast<size_t>(std::max(1, max_batch));
  // Every other call sees what was sent before it: the held writes go first.
  auto db = [self]() -> store& {
    commit_held(self);
    return *self->state.db;
  };
  auto done_answer = [](caf::typed_response_promise<bool>& rp, caf::expected<event_record>& r) {
    if (r)
      rp.deliver(true);
    else
      rp.deliver(std::move(r.error()));
  };
  auto event_answer = [](caf::typed_response_promise<event_record>& rp,
                         caf::expected<event_record>& r) {
    if (r)
      rp.deliver(std::move(*r));
    else
      rp.deliver(std::move(r.error()));
  };
  return {
    [=](atoms::insert, session_record& s) -> caf::result<bool> {
      store_write w;
      w.what = store_write::kind::insert;
      w.session = std::move(s);
      return hold<bool>(self, std::move(w), done_answer);
    },
    [=](atoms::save, session_record& s, event_record& ev) -> caf::result<event_record> {
      store_write w;
      w.what = store_write::kind::transition;
      w.session = std::move(s);
      w.event = std::move(ev);
      return hold<event_record>(self, std::move(w), event_answer);
    },
    [=](atoms::append, event_record& ev, session_owner& by) -> caf::result<event_record> {
      store_write w;
      w.what = store_write::kind::append;
      w.event = std::move(ev);
      w.by = std::move(by);
      return hold<event_record>(self, std::move(w), event_answer);
    },
    [=](atoms::commit) { commit_held(self); },
    [=](atoms::get, const std::string& id) { return to_result(db().get_session(id)); },
    [=](atoms::list, const session_filter& f) { return to_result(db().list_sessions(f)); },
    [=](atoms::expired, int64_t now) { return to_result(db().expired_sessions(now)); },
    [=](atoms::events, const std::string& id, int64_t after, int limit) {
      return to_result(db().list_events(id, after, limit));
    },
    // Held with the session writes: committed with them, not one commit each.
    [=](atoms::artifact, std::string& id, int version, generated_app& app,
        std::string& cache_key) -> caf::result<bool> {
      store_write w;
      w.what = store_write::kind::artifact;
      w.session.id = std::move(id);
      w.version = version;
      w.app = std::move(app);
      w.cache_key = std::move(cache_key);
      return hold<bool>(self, std::move(w), done_answer);
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

store_pool::store_pool(caf::actor_system& sys, const store_factory& make, int n, bool detached,
                       int max_batch) {
  auto made = std::make_shared<workers_and_turn>();
  for (int i = 0; i < n; ++i)
    made->workers.push_back(detached ? sys.spawn<caf::detached>(store_worker, make, max_batch)
                                     : sys.spawn(store_worker, make, max_batch));
  shared_ = std::move(made);
}

const store_worker_actor& store_pool::for_key(const std::string& key) const {
  auto& w = shared_->workers;
  return w[std::hash<std::string>{}(key) % w.size()];
}

const store_worker_actor& store_pool::any() const {
  auto& w = shared_->workers;
  return w[shared_->next++ % w.size()];
}

} // namespace spawn
