#include "infra/host_set.hpp"

#include <spdlog/spdlog.h>

#include "core/error.hpp"

namespace spawn {

void host_set::add(host_record rec, std::shared_ptr<docker_engine> engine) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto* e = find(rec.id)) {
    rec.used_sessions = e->rec.used_sessions;
    rec.used_memory = e->rec.used_memory;
    rec.warm = e->rec.warm;
    e->rec = std::move(rec);
    e->engine = std::move(engine);
    e->failures = 0;
    return;
  }
  rec.used_sessions = 0;
  rec.used_memory = 0;
  rec.warm = 0;
  for (auto& [key, p] : placed_) // containers found there before it was (re)added
    if (p.host == rec.id && p.counted) {
      ++rec.used_sessions;
      rec.used_memory += p.memory;
      rec.warm += p.warm ? 1 : 0;
    }
  hosts_.push_back(entry{std::move(rec), std::move(engine), 0});
}

bool host_set::set_state(const std::string& id, const std::string& state) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto* e = find(id);
  if (e == nullptr || !is_host_state(state))
    return false;
  e->rec.state = state;
  if (state == "ready")
    e->failures = 0;
  return true;
}

bool host_set::erase(const std::string& id) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto i = hosts_.begin(); i != hosts_.end(); ++i)
    if (i->rec.id == id) {
      hosts_.erase(i);
      for (auto p = placed_.begin(); p != placed_.end();)
        p = p->second.host == id ? placed_.erase(p) : std::next(p);
      return true;
    }
  return false;
}

std::vector<host_record> host_set::hosts() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::vector<host_record> out;
  for (auto& e : hosts_)
    out.push_back(e.rec);
  return out;
}

std::optional<host_record> host_set::host(const std::string& id) const {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto* e = find(id))
    return e->rec;
  return std::nullopt;
}

std::shared_ptr<docker_engine> host_set::engine(const std::string& id) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto* e = find(id);
  return e ? e->engine : nullptr;
}

std::vector<host_record> host_set::check(int fail_after, epoch_ms now) {
  std::vector<std::pair<std::string, std::shared_ptr<docker_engine>>> todo;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& e : hosts_)
      if (e.rec.state != "provisioning" || e.rec.kind != "digitalocean")
        todo.emplace_back(e.rec.id, e.engine);
  }
  std::vector<std::pair<std::string, bool>> answers;
  for (auto& [id, engine] : todo)
    answers.emplace_back(id, engine && engine->ping());
  std::vector<host_record> changed;
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& [id, ok] : answers) {
    auto* e = find(id);
    if (e == nullptr)
      continue;
    if (ok) {
      e->failures = 0;
      e->rec.last_seen = now;
      if (e->rec.state == "gone") {
        // Its containers were given up; it comes back empty once readmitted.
        e->rec.state = "provisioning";
        changed.push_back(e->rec);
      }
    } else if (e->rec.state != "gone" && ++e->failures >= fail_after) {
      e->rec.state = "gone";
      for (auto p = placed_.begin(); p != placed_.end();)
        p = p->second.host == id ? placed_.erase(p) : std::next(p);
      e->rec.used_sessions = 0;
      e->rec.used_memory = 0;
      e->rec.warm = 0;
      changed.push_back(e->rec);
    }
  }
  return changed;
}

bool host_set::ping() {
  for (auto& h : hosts())
    if (h.state == "ready")
      if (auto e = engine(h.id); e && e->ping())
        return true;
  return false;
}

caf::expected<bool> host_set::image_exists(const std::string& image) {
  caf::error last = make_error(errc::unavailable, "no ready Docker host");
  for (auto& h : hosts()) {
    if (h.state != "ready")
      continue;
    auto e = engine(h.id);
    auto found = e->image_exists(image);
    if (found && !*found)
      return false;
    if (!found)
      last = found.error();
    else
      return true;
  }
  return last;
}

caf::expected<container_info> host_set::run(const container_spec& spec) {
  std::vector<std::pair<std::string, std::shared_ptr<docker_engine>>> order;
  bool warm = is_warm_name(spec.name); // counted apart from sessions (host_record::warm)
  {
    std::lock_guard<std::mutex> guard{mtx_};
    std::vector<host_record> recs;
    for (auto& e : hosts_)
      recs.push_back(e.rec);
    auto tier = spec.labels.count("spawnai.tier") ? spec.labels.at("spawnai.tier") : "";
    for (auto i : placement_order(recs, tier, spec.memory_bytes, policy_))
      if (spec.host.empty() || hosts_[i].rec.id == spec.host)
        order.emplace_back(hosts_[i].rec.id, hosts_[i].engine);
    if (!order.empty()) { // counted at once, so that parallel starts spread too
      auto* e = find(order.front().first);
      ++e->rec.used_sessions;
      e->rec.used_memory += spec.memory_bytes;
      e->rec.warm += warm ? 1 : 0;
    }
  }
  if (order.empty())
    return make_error(errc::unavailable, spec.host.empty()
                                           ? "no Docker host has room for another app"
                                           : "Docker host " + spec.host + " has no room for another app",
                      5);
  auto release = [&](const std::string& id) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (auto* e = find(id)) {
      --e->rec.used_sessions;
      e->rec.used_memory -= spec.memory_bytes;
      e->rec.warm -= warm && e->rec.warm > 0 ? 1 : 0;
    }
  };
  caf::error last;
  for (size_t i = 0; i < order.size(); ++i) {
    auto& [id, engine] = order[i];
    if (i > 0) {
      std::lock_guard<std::mutex> guard{mtx_};
      if (auto* e = find(id)) {
        ++e->rec.used_sessions;
        e->rec.used_memory += spec.memory_bytes;
        e->rec.warm += warm ? 1 : 0;
      }
    }
    auto info = engine->run(spec);
    if (info) {
      info->host = id;
      std::lock_guard<std::mutex> guard{mtx_};
      placed_[info->id] = placed{id, spec.memory_bytes, true, warm};
      if (!info->name.empty())
        placed_["spawnai-name:" + info->name] = placed{id, 0, false};
      return info;
    }
    release(id);
    last = info.error();
    // An engine that refuses this spec refuses it everywhere; one that is down does not.
    if (code_of(last) != errc::unavailable && code_of(last) != errc::timeout)
      return last;
    spdlog::warn("host {}: cannot start a container ({}); trying the next host", id,
                 message_of(last));
  }
  return last;
}

host_set::entry* host_set::find(const std::string& id) {
  for (auto& e : hosts_)
    if (e.rec.id == id)
      return &e;
  return nullptr;
}

const host_set::entry* host_set::find(const std::string& id) const {
  for (auto& e : hosts_)
    if (e.rec.id == id)
      return &e;
  return nullptr;
}

void host_set::remember(const container_info& info, const std::string& host, bool count) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& p = placed_[info.id];
  p.host = host;
  if (count && !p.counted) {
    p.counted = true;
    p.warm = is_warm_name(info.name);
    if (auto* e = find(host)) {
      ++e->rec.used_sessions;
      e->rec.warm += p.warm ? 1 : 0;
    }
  }
  if (!info.name.empty())
    placed_["spawnai-name:" + info.name] = placed{host, 0, false};
}

void host_set::forget(const std::string& id) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = placed_.find(id);
  if (it == placed_.end())
    it = placed_.find("spawnai-name:" + id);
  if (it == placed_.end())
    return;
  auto p = it->second;
  placed_.erase(it);
  if (auto* e = find(p.host); e && p.counted && e->rec.used_sessions > 0) {
    --e->rec.used_sessions;
    e->rec.used_memory -= p.memory;
    if (p.warm && e->rec.warm > 0)
      --e->rec.warm;
  }
}

caf::expected<std::pair<std::shared_ptr<docker_engine>, std::string>>
host_set::locate(const std::string& id) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto it = placed_.find(id);
    if (it == placed_.end())
      it = placed_.find("spawnai-name:" + id);
    if (it != placed_.end()) {
      auto* e = find(it->second.host);
      if (e != nullptr && e->rec.state != "gone")
        return std::make_pair(e->engine, e->rec.id);
      return make_error(errc::not_found, "container " + id + ": its host "
                                           + it->second.host + " is gone");
    }
  }
  // Not seen by this set (a restart, a name): ask the hosts that are not gone.
  for (auto& h : hosts()) {
    auto e = engine(h.id);
    if (h.state == "gone" || !e)
      continue;
    auto info = e->inspect(id);
    if (info) {
      // Found by id or name: a session of this node looking for its container.
      remember(*info, h.id, true);
      return std::make_pair(e, h.id);
    }
  }
  return make_error(errc::not_found, "no Docker host has container " + id);
}

caf::error host_set::remove(const std::string& id) {
  auto where = locate(id);
  if (!where)
    return code_of(where.error()) == errc::not_found ? caf::error{} : where.error();
  auto real = id; // a name: its id is what the usage is kept under
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (placed_.count(id) == 0)
      real.clear();
  }
  if (real.empty()) {
    auto info = where->first->inspect(id);
    real = info ? info->id : id;
  }
  auto err = where->first->remove(real);
  if (!err) {
    forget(real);
    forget(id);
  }
  return err;
}

caf::expected<container_info> host_set::inspect(const std::string& id) {
  auto where = locate(id);
  if (!where)
    return where.error();
  auto info = where->first->inspect(id);
  if (info)
    info->host = where->second;
  else if (code_of(info.error()) == errc::not_found)
    forget(id);
  return info;
}

caf::expected<std::vector<container_info>> host_set::list_labelled(const std::string& key) {
  std::vector<container_info> out;
  for (auto& h : hosts()) {
    auto e = engine(h.id);
    if (h.state == "gone" || !e)
      continue;
    auto listed = e->list_labelled(key);
    if (!listed) {
      spdlog::warn("host {}: cannot list containers: {}", h.id, message_of(listed.error()));
      continue;
    }
    for (auto& info : *listed) {
      info.host = h.id;
      remember(info, h.id, false);
      out.push_back(std::move(info));
    }
  }
  return out;
}

caf::error host_set::rename(const std::string& id, const std::string& name) {
  auto where = locate(id);
  if (!where)
    return where.error();
  auto err = where->first->rename(id, name);
  if (!err) {
    std::lock_guard<std::mutex> guard{mtx_};
    placed_["spawnai-name:" + name] = placed{where->second, 0};
    // A warm container renamed for a session is that session's now.
    if (auto it = placed_.find(id); it != placed_.end() && it->second.warm && !is_warm_name(name)) {
      it->second.warm = false;
      if (auto* e = find(it->second.host); e && e->rec.warm > 0)
        --e->rec.warm;
    }
  }
  return err;
}

caf::error host_set::pause(const std::string& id) {
  auto where = locate(id);
  return where ? where->first->pause(id) : where.error();
}

caf::error host_set::unpause(const std::string& id) {
  auto where = locate(id);
  return where ? where->first->unpause(id) : where.error();
}

caf::error host_set::restart(const std::string& id) {
  auto where = locate(id);
  return where ? where->first->restart(id) : where.error();
}

caf::expected<int64_t> host_set::net_rx_bytes(const std::string& id) {
  auto where = locate(id);
  if (!where)
    return where.error();
  return where->first->net_rx_bytes(id);
}

caf::error host_set::ship_slot(const std::string& id, const std::string& slot_dir) {
  auto where = locate(id);
  return where ? where->first->ship_slot(id, slot_dir) : where.error();
}

std::string host_set::address_of(const std::string& id) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = placed_.find(id);
  if (it == placed_.end())
    it = placed_.find("spawnai-name:" + id);
  if (it != placed_.end())
    if (auto* e = find(it->second.host))
      return e->rec.private_address;
  return "127.0.0.1";
}

} // namespace spawn
