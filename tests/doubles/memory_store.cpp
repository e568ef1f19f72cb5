#include "tests/doubles/memory_store.hpp"

#include "core/error.hpp"

namespace spawn::test {

caf::error memory_store::migrate() {
  return {};
}

bool memory_store::ping() {
  return true;
}

bool memory_store::fails() {
  auto n = db_->fail_writes.load();
  while (n > 0)
    if (db_->fail_writes.compare_exchange_weak(n, n - 1)) {
      ++db_->failed_writes;
      return true;
    }
  return false;
}

caf::error memory_store::insert_session(const session_record& s) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  if (db_->sessions.count(s.id))
    return make_error(errc::conflict, "duplicate session " + s.id);
  db_->sessions[s.id] = s;
  return {};
}

caf::expected<event_record> memory_store::save_transition(const session_record& s,
                                                          event_record ev) {
  if (fails())
    return make_error(errc::unavailable, "the memory store is told to fail this write");
  std::lock_guard<std::mutex> guard{db_->mutex};
  if (auto i = db_->sessions.find(s.id); i != db_->sessions.end()
      && (i->second.node_id != s.node_id || i->second.owner_epoch != s.owner_epoch))
    return make_error(errc::fenced, "session " + s.id + " is owned by " + i->second.node_id);
  db_->sessions[s.id] = s;
  ev.seq = ++db_->next_seq;
  ev.at = now_ms();
  db_->events[s.id].push_back(ev);
  ++db_->writes;
  return ev;
}

caf::expected<event_record> memory_store::append_event(event_record ev, const session_owner& by) {
  if (fails())
    return make_error(errc::unavailable, "the memory store is told to fail this write");
  std::lock_guard<std::mutex> guard{db_->mutex};
  if (auto i = db_->sessions.find(ev.session_id); !by.node_id.empty() && i != db_->sessions.end()
      && (i->second.node_id != by.node_id || i->second.owner_epoch != by.epoch))
    return make_error(errc::fenced, "session " + ev.session_id + " is owned by " + i->second.node_id);
  ev.seq = ++db_->next_seq;
  ev.at = now_ms();
  db_->events[ev.session_id].push_back(ev);
  ++db_->writes;
  return ev;
}

caf::expected<session_record> memory_store::get_session(const std::string& id) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  auto i = db_->sessions.find(id);
  if (i == db_->sessions.end())
    return make_error(errc::not_found, "no session " + id);
  return i->second;
}

caf::expected<std::vector<session_record>>
memory_store::list_sessions(const session_filter& f) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  std::vector<session_record> out;
  for (auto& [id, s] : db_->sessions) {
    if ((!f.owner.empty() && s.owner != f.owner) || (!f.node_id.empty() && s.node_id != f.node_id)
        || (!f.state.empty() && to_string(s.state) != f.state)
        || (f.live_only && s.state == phase::destroyed))
      continue;
    out.push_back(s);
  }
  return out;
}

caf::expected<std::vector<session_record>> memory_store::expired_sessions(epoch_ms now) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  std::vector<session_record> out;
  for (auto& [id, s] : db_->sessions)
    if (s.state != phase::destroyed && s.expires_at > 0 && s.expires_at < now)
      out.push_back(s);
  return out;
}

caf::expected<std::vector<event_record>>
memory_store::list_events(const std::string& id, int64_t after, int limit) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  std::vector<event_record> out;
  for (auto& ev : db_->events[id])
    if (ev.seq > after && static_cast<int>(out.size()) < limit)
      out.push_back(ev);
  return out;
}

caf::error memory_store::save_artifact(const std::string& id, int version,
                                       const generated_app& app) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  db_->artifacts[id] = app;
  version_info v;
  v.number = version;
  v.created_at = now_ms();
  v.prompt = db_->sessions[id].prompt;
  v.file_count = static_cast<int>(app.files.size());
  v.backend = app.backend;
  db_->versions[id][version] = {app, v};
  return {};
}

caf::error memory_store::claim_domain(const std::string& id, const std::string& domain) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  if (!db_->sessions.count(id))
    return make_error(errc::not_found, "no session " + id);
  auto i = db_->domains.find(domain);
  if (i != db_->domains.end() && i->second != id) {
    auto holder = db_->sessions.find(i->second);
    auto s = holder == db_->sessions.end() ? phase::destroyed : holder->second.state;
    if (is_live(s) && s != phase::destroying)
      return make_error(errc::conflict, "the domain " + domain
                                          + " is attached to another live session");
  }
  db_->domains[domain] = id;
  return {};
}

caf::error memory_store::release_domain(const std::string& id, const std::string& domain) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  auto i = db_->domains.find(domain);
  if (i != db_->domains.end() && i->second == id)
    db_->domains.erase(i);
  return {};
}

caf::expected<std::string> memory_store::domain_holder(const std::string& domain) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  auto i = db_->domains.find(domain);
  if (i == db_->domains.end())
    return make_error(errc::not_found, "no session has the domain " + domain);
  return i->second;
}

caf::expected<turn_record> memory_store::insert_turn(turn_record t) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  if (!db_->sessions.count(t.session_id))
    return make_error(errc::not_found, "no session " + t.session_id);
  auto& turns = db_->turns[t.session_id];
  t.number = static_cast<int>(turns.size()) + 1;
  auto& vs = db_->versions[t.session_id];
  t.base_version = vs.empty() ? 0 : vs.rbegin()->first;
  t.created_at = now_ms();
  turns.push_back(t);
  return t;
}

caf::error memory_store::update_turn(const turn_record& t) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  auto& turns = db_->turns[t.session_id];
  if (t.number < 1 || t.number > static_cast<int>(turns.size()))
    return make_error(errc::not_found, "no such turn");
  turns[static_cast<size_t>(t.number - 1)] = t;
  return {};
}

caf::expected<std::vector<turn_record>> memory_store::list_turns(const std::string& id) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  return db_->turns[id];
}

caf::error memory_store::save_version(const std::string& id, int version,
                                      const generated_app& app, const version_origin& origin) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  auto& vs = db_->versions[id];
  if (vs.count(version))
    return make_error(errc::conflict, "version exists");
  version_info v;
  v.number = version;
  v.created_at = now_ms();
  v.prompt = origin.prompt;
  v.turn = origin.turn;
  v.restored_from = origin.restored_from;
  v.file_count = static_cast<int>(app.files.size());
  for (auto& f : app.files)
    v.size_bytes += static_cast<int64_t>(f.content.size());
  v.backend = app.backend;
  v.model = app.model;
  vs[version] = {app, v};
  if (version >= vs.rbegin()->first)
    db_->artifacts[id] = app;
  while (static_cast<int>(vs.size()) > std::max(1, origin.keep) && vs.begin()->first != version)
    vs.erase(vs.begin());
  return {};
}

caf::expected<std::vector<version_info>> memory_store::list_versions(const std::string& id) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  std::vector<version_info> out;
  for (auto& [n, v] : db_->versions[id])
    out.push_back(v.second);
  return out;
}

caf::expected<generated_app> memory_store::load_version(const std::string& id, int version) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  auto& vs = db_->versions[id];
  auto i = vs.find(version);
  if (i == vs.end())
    return make_error(errc::not_found, "no version " + std::to_string(version));
  return i->second.first;
}

caf::expected<generated_app> memory_store::load_artifact(const std::string& id) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  auto i = db_->artifacts.find(id);
  if (i == db_->artifacts.end())
    return make_error(errc::not_found, "no artifact of " + id);
  return i->second;
}

caf::error memory_store::save_artifact_keyed(const std::string& id, int version,
                                             const generated_app& app, const std::string&) {
  return save_artifact(id, version, app);
}

caf::expected<generated_app> memory_store::find_cached_artifact(const std::string&, epoch_ms) {
  return make_error(errc::not_found, "the memory store keeps no prompt cache");
}

caf::expected<int64_t> memory_store::owner_tokens_since(const std::string&, epoch_ms) {
  return int64_t{0};
}

caf::error memory_store::save_costs(const std::string& id, double actual,
                                    const std::vector<cost_item>&) {
  std::lock_guard<std::mutex> guard{db_->mutex};
  db_->sessions[id].actual_cost = actual;
  return {};
}

} // namespace spawn::test
