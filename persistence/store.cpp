#include "persistence/store.hpp"

#include "core/error.hpp"

namespace spawn {

namespace {

caf::error unsupported(const char* what) {
  return make_error(errc::unavailable, std::string{what} + ": not supported by this store");
}

} // namespace

std::vector<caf::expected<event_record>>
store::write_batch(const std::vector<store_write>& writes) {
  std::vector<caf::expected<event_record>> out;
  out.reserve(writes.size());
  for (const auto& w : writes)
    out.push_back(write_one(w));
  return out;
}

caf::expected<event_record> store::write_one(const store_write& w) {
  switch (w.what) {
    case store_write::kind::insert:
      if (auto err = insert_session(w.session))
        return err;
      return event_record{};
    case store_write::kind::transition:
      return save_transition(w.session, w.event);
    case store_write::kind::artifact:
      if (auto err = w.cache_key.empty()
                       ? save_artifact(w.session.id, w.version, w.app)
                       : save_artifact_keyed(w.session.id, w.version, w.app, w.cache_key))
        return err;
      return event_record{};
    case store_write::kind::append:
    default:
      return append_event(w.event, w.by);
  }
}

caf::expected<int64_t> store::join_cluster(const node_record&, int64_t) {
  return unsupported("join_cluster");
}

caf::expected<bool> store::renew_lease(const node_record&, int64_t) {
  return unsupported("renew_lease");
}

caf::error store::leave_cluster(const std::string&, int64_t) {
  return unsupported("leave_cluster");
}

caf::expected<std::vector<node_record>> store::declare_dead(const std::string&, const std::string&) {
  return unsupported("declare_dead");
}

caf::expected<std::vector<node_record>> store::declare_gone(const session_owner&, const std::string&,
                                                            const std::string&) {
  return unsupported("declare_gone");
}

caf::expected<std::vector<session_record>>
store::claim_orphans(const session_owner&, int, const std::string&, const std::string&) {
  return unsupported("claim_orphans");
}

caf::expected<session_record> store::hand_over(const std::string&, const session_owner&,
                                               const session_owner&) {
  return unsupported("hand_over");
}

caf::expected<std::vector<std::string>> store::owned_sessions(const session_owner&) {
  return unsupported("owned_sessions");
}

caf::expected<std::vector<remote_route>> store::remote_routes(const std::string&, const std::string&) {
  return unsupported("remote_routes");
}

caf::error store::log_cluster_event(const cluster_event&) {
  return unsupported("log_cluster_event");
}

caf::expected<std::vector<cluster_event>> store::cluster_events(int64_t, int) {
  return unsupported("cluster_events");
}

caf::expected<std::vector<node_record>> store::list_nodes() {
  return unsupported("list_nodes");
}

caf::error store::insert_api_key(const api_key_record&) {
  return unsupported("insert_api_key");
}

caf::expected<std::vector<api_key_record>> store::list_api_keys() {
  return unsupported("list_api_keys");
}

caf::expected<api_key_record> store::revoke_api_key(const std::string&) {
  return unsupported("revoke_api_key");
}

caf::error store::save_costs(const std::string&, double, const std::vector<cost_item>&) {
  return unsupported("save_costs");
}

caf::expected<std::vector<cost_item>> store::list_cost_items(const std::string&) {
  return unsupported("list_cost_items");
}

caf::error store::claim_domain(const std::string&, const std::string&) {
  return unsupported("claim_domain");
}

caf::error store::release_domain(const std::string&, const std::string&) {
  return unsupported("release_domain");
}

caf::expected<std::string> store::domain_holder(const std::string&) {
  return unsupported("domain_holder");
}

caf::expected<turn_record> store::insert_turn(turn_record) {
  return unsupported("insert_turn");
}

caf::error store::update_turn(const turn_record&) {
  return unsupported("update_turn");
}

caf::expected<std::vector<turn_record>> store::list_turns(const std::string&) {
  return unsupported("list_turns");
}

caf::error store::save_version(const std::string&, int, const generated_app&,
                               const version_origin&) {
  return unsupported("save_version");
}

caf::expected<std::vector<version_info>> store::list_versions(const std::string&) {
  return unsupported("list_versions");
}

caf::expected<generated_app> store::load_version(const std::string&, int) {
  return unsupported("load_version");
}

caf::error store::save_host(const std::string&, const host_record&) {
  return unsupported("save_host");
}

caf::expected<std::vector<host_record>> store::list_hosts(const std::string&) {
  return unsupported("list_hosts");
}

caf::error store::delete_host(const std::string&, const std::string&) {
  return unsupported("delete_host");
}

caf::error store::save_host_cost(const std::string&, const host_cost&) {
  return unsupported("save_host_cost");
}

caf::expected<std::vector<host_cost>> store::list_host_costs(const std::string&) {
  return unsupported("list_host_costs");
}

caf::expected<std::vector<host_cost_row>> store::list_host_cost_items(const host_cost_filter&) {
  return unsupported("list_host_cost_items");
}

} // namespace spawn
