#include "actors/store_worker.hpp"

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

namespace spawn {

caf::behavior store_worker(caf::stateful_actor<store_worker_state>* self,
                           store_factory make) {
  self->state.db = make();
  auto db = [self]() -> store& { return *self->state.db; };
  return {
    [=](atoms::insert, const session_record& s) -> caf::result<bool> {
      if (auto err = db().insert_session(s))
        return err;
      return true;
    },
    [=](atoms::save, const session_record& s, event_record& ev) {
      return db().save_transition(s, std::move(ev));
    },
    [=](atoms::append, event_record& ev) {
      return db().append_event(std::move(ev));
    },
    [=](atoms::get, const std::string& id) {
      return db().get_session(id);
    },
    [=](atoms::list, const session_filter& f) {
      return db().list_sessions(f);
    },
    [=](atoms::expired, epoch_ms now) {
      return db().expired_sessions(now);
    },
    [=](atoms::events, const std::string& id, int64_t after, int limit) {
      return db().list_events(id, after, limit);
    },
    [=](atoms::artifact, const std::string& id, int version,
        const generated_app& app) -> caf::result<bool> {
      if (auto err = db().save_artifact(id, version, app))
        return err;
      return true;
    },
    [=](atoms::artifact, const std::string& id) {
      return db().load_artifact(id);
    },
    [=](atoms::artifact, const std::string& id, int version, const generated_app& app,
        const std::string& cache_key) -> caf::result<bool> {
      if (auto err = db().save_artifact_keyed(id, version, app, cache_key))
        return err;
      return true;
    },
    [=](atoms::cached, const std::string& cache_key, epoch_ms since) {
      return db().find_cached_artifact(cache_key, since);
    },
    [=](atoms::tokens, const std::string& owner, epoch_ms since) {
      return db().owner_tokens_since(owner, since);
    },
    [=](atoms::ping) {
      return db().ping();
    },
    // accounts, nodes and costs (issue 6)
    [=](atoms::heartbeat, const node_record& n) -> caf::result<bool> {
      if (auto err = db().upsert_node(n))
        return err;
      return true;
    },
    [=](atoms::nodes) {
      return db().list_nodes();
    },
    [=](atoms::keys) {
      return db().list_api_keys();
    },
    [=](atoms::keys, const api_key_record& k) -> caf::result<bool> {
      if (auto err = db().insert_api_key(k))
        return err;
      return true;
    },
    [=](atoms::revoke, const std::string& id) {
      return db().revoke_api_key(id);
    },
    [=](atoms::costs, const std::string& id, double actual,
        const std::vector<cost_item>& items) -> caf::result<bool> {
      if (auto err = db().save_costs(id, actual, items))
        return err;
      return true;
    },
    [=](atoms::costs, const std::string& id) {
      return db().list_cost_items(id);
    },
  };
}

store_pool::store_pool(caf::actor_system& sys, const store_factory& make, int n) {
  for (int i = 0; i < n; ++i)
    workers_.push_back(sys.spawn<caf::detached>(store_worker, make));
}

const caf::actor& store_pool::for_key(const std::string& key) const {
  return workers_[std::hash<std::string>{}(key) % workers_.size()];
}

const caf::actor& store_pool::any() const {
  return workers_[(*next_)++ % workers_.size()];
}

} // namespace spawn
