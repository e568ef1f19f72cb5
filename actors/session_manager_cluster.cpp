#include "actors/session_manager_cluster.hpp"

#include <algorithm>
#include <memory>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "core/error.hpp"
#include "core/failover_reserve.hpp"

namespace spawn::manager_cluster {

namespace {

constexpr auto peer_timeout = std::chrono::seconds{10};

/// Blocking: the manager published by the node at host:port (CAF checks that
/// its interface is `session_manager_actor`).
caf::expected<caf::actor> connect_to(caf::actor_system* sys, std::string host, uint16_t port) {
  auto mgr = sys->middleman().remote_actor<session_manager_actor>(host, port);
  if (!mgr)
    return make_error(errc::unavailable, "cannot reach the manager at " + host + ":"
                                           + std::to_string(port) + ": "
                                           + sys->render(mgr.error()));
  return caf::actor_cast<caf::actor>(*mgr);
}

void connect(self_ptr self, const node_record& n) {
  auto& link = self->state.peers[n.id];
  link.node = n;
  link.connecting = true;
  auto* sys = &self->system();
  auto host = n.cluster_host;
  auto port = static_cast<uint16_t>(n.cluster_port);
  auto id = n.id;
  auto epoch = n.epoch;
  blocking_call(self, self->state.ctx.io, std::chrono::seconds{15},
                [sys, host, port] { return connect_to(sys, host, port); })
    .then(
      [=](caf::actor& remote) {
        auto i = self->state.peers.find(id);
        if (i == self->state.peers.end() || i->second.node.epoch != epoch)
          return; // gone or replaced meanwhile
        i->second.connecting = false;
        i->second.manager = caf::actor_cast<session_manager_actor>(remote);
        self->monitor(remote);
        spdlog::info("cluster: connected to node {} (epoch {}) at {}:{}", id, epoch, host, port);
      },
      [=](caf::error& err) {
        auto i = self->state.peers.find(id);
        if (i != self->state.peers.end() && i->second.node.epoch == epoch)
          self->state.peers.erase(i); // the next read of the nodes tries again
        spdlog::warn("cluster: {}", message_of(err));
      });
}

} // namespace

void on_members(self_ptr self, std::vector<node_record> nodes) {
  auto& st = self->state;
  auto& me = st.ctx.cfg->node_id;
  st.members = nodes;
  if (st.ctx.pool)
    self->send(st.ctx.pool, atoms::reserve::value,
               failover_reserve(st.members, st.ctx.cfg->cluster_name, me,
                                st.ctx.cfg->cluster_failover_reserve));
  std::map<std::string, const node_record*> alive;
  for (auto& n : st.members)
    if (n.alive && n.id != me && n.cluster_port > 0 && !n.cluster.empty()
        && n.cluster == st.ctx.cfg->cluster_name)
      alive[n.id] = &n;
  for (auto i = st.peers.begin(); i != st.peers.end();) {
    auto a = alive.find(i->first);
    if (a == alive.end() || a->second->epoch != i->second.node.epoch) {
      if (i->second.manager)
        self->demonitor(i->second.manager.address());
      spdlog::info("cluster: node {} (epoch {}) left the view", i->first, i->second.node.epoch);
      i = st.peers.erase(i);
    } else {
      i->second.node = *a->second;
      i->second.placed = 0; // the read counts them now
      ++i;
    }
  }
  if (st.ctx.cfg->cluster_port == 0)
    return; // no middleman here: this node answers from the store only
  for (auto& [id, n] : alive)
    if (!st.peers.count(id))
      connect(self, *n);
}

bool on_peer_down(self_ptr self, const caf::actor_addr& source) {
  auto& peers = self->state.peers;
  for (auto i = peers.begin(); i != peers.end(); ++i) {
    if (i->second.manager && i->second.manager.address() == source) {
      spdlog::warn("cluster: lost the link to node {} (epoch {})", i->first,
                   i->second.node.epoch);
      // The member finds out whether its process is gone (then it need not
      // wait for the lease).
      self->send(self->state.member, atoms::suspect::value, i->second.node);
      peers.erase(i); // reconnected at the next read of the nodes if it is still alive
      return true;
    }
  }
  return false;
}

std::optional<session_manager_actor> owner_of(self_ptr self, const session_record& rec) {
  if (rec.state == phase::destroyed || rec.node_id == self->state.ctx.cfg->node_id)
    return std::nullopt;
  auto i = self->state.peers.find(rec.node_id);
  if (i == self->state.peers.end() || !i->second.manager)
    return std::nullopt;
  return i->second.manager;
}

std::optional<session_manager_actor> place(self_ptr self) {
  auto& st = self->state;
  auto& cfg = *st.ctx.cfg;
  if (cfg.cluster_placement == "local" || st.peers.empty())
    return std::nullopt;
  // Free capacity: live sessions against capacity, less the generations waiting.
  auto free_of = [](const node_record& n) { return n.capacity - n.live_sessions - n.queued; };
  auto best_free = cfg.max_sessions - st.admit->live();
  std::optional<session_manager_actor> best;
  for (auto& [id, link] : st.peers) {
    if (!link.manager)
      continue;
    auto f = free_of(link.node) - link.placed;
    if (f > best_free) {
      best_free = f;
      best = link.manager;
    }
  }
  if (best)
    for (auto& [id, link] : st.peers)
      if (link.manager == *best)
        ++link.placed; // until the next read of the nodes counts it
  return best;
}

void peer_live_ids(self_ptr self, std::shared_ptr<std::vector<std::string>> out,
                   std::function<void()> done) {
  auto pending = std::make_shared<int>(1);
  auto finish = [=] {
    if (--*pending == 0)
      done();
  };
  for (auto& [id, link] : self->state.peers) {
    if (!link.manager)
      continue;
    ++*pending;
    self->request(link.manager, peer_timeout, atoms::liveids::value)
      .then(
        [=](std::vector<std::string>& ids) {
          out->insert(out->end(), ids.begin(), ids.end());
          finish();
        },
        [=](caf::error&) { finish(); });
  }
  finish();
}

void fence(self_ptr self, int64_t epoch) {
  auto& st = self->state;
  spdlog::error("cluster: fenced (epoch {} lost its lease): stopping {} session actors; their "
                "apps are now the claimers'", epoch, st.sessions.size());
  for (auto& [id, a] : st.sessions)
    self->send_exit(a, make_error(errc::fenced, "this node's epoch lost its lease"));
  st.epoch = 0;
  st.recovered = false;
}

caf::result<bool> take_over(self_ptr self, session_record rec) {
  auto& st = self->state;
  if (rec.node_id != st.ctx.cfg->node_id || rec.owner_epoch != st.epoch)
    return make_error(errc::fenced, "session " + rec.id + " was not handed to this incarnation");
  if (st.sessions.count(rec.id))
    return true;
  auto a = manager_detail::adopt(self, rec, true);
  auto rp = self->make_response_promise<bool>();
  self->request(a, std::chrono::seconds{120}, atoms::adopt::value)
    .then([=](bool) mutable { rp.deliver(true); },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<int> drain(self_ptr self) {
  auto& st = self->state;
  auto rp = self->make_response_promise<int>();
  if (st.sessions.empty() || st.peers.empty() || st.epoch == 0) {
    rp.deliver(0);
    return rp;
  }
  struct tally {
    int moved = 0;
    int pending = 1;
  };
  auto t = std::make_shared<tally>();
  auto finish = [=]() mutable {
    if (--t->pending == 0)
      rp.deliver(t->moved);
  };
  session_owner from{st.ctx.cfg->node_id, st.epoch};
  auto ids = std::vector<std::pair<std::string, session_actor_type>>(st.sessions.begin(),
                                                                     st.sessions.end());
  for (auto& [id, actor] : ids) {
    auto target = place(self);
    if (!target) {
      // every peer is full (or this node has the most room): pick any live one
      for (auto& [pid, link] : st.peers)
        if (link.manager) {
          target = link.manager;
          break;
        }
    }
    if (!target)
      break;
    session_owner to;
    for (auto& [pid, link] : st.peers)
      if (link.manager == *target)
        to = session_owner{pid, link.node.epoch};
    ++t->pending;
    auto mgr = *target;
    auto sid = id;
    auto old = actor;
    self->request(st.ctx.stores.for_key(sid), std::chrono::seconds{10}, atoms::handover::value,
                  sid, from, to)
      .then(
        [=](session_record& rec) mutable {
          // The store says `to` owns it now: this actor stops (its app stays
          // for the new owner to adopt), the new owner adopts it.
          self->send_exit(old, make_error(errc::fenced, "handed over to " + to.node_id));
          self->request(mgr, std::chrono::seconds{120}, atoms::takeover::value, rec)
            .then(
              [=](bool) mutable {
                ++t->moved;
                finish();
              },
              [=](caf::error& err) mutable {
                spdlog::warn("drain: {} did not adopt session {} ({}); it claims it later",
                             to.node_id, sid, message_of(err));
                finish();
              });
        },
        [=](caf::error& err) mutable {
          spdlog::warn("drain: session {} not handed over: {}", sid, message_of(err));
          finish();
        });
  }
  finish();
  return rp;
}

} // namespace spawn::manager_cluster
