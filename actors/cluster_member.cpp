#include "actors/cluster_member.hpp"

#include <algorithm>
#include <thread>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "core/error.hpp"
#include "infra/port_probe.hpp"

namespace spawn {

namespace {

using self_ptr = cluster_member_actor::stateful_pointer<cluster_member_state>;

constexpr auto store_timeout = std::chrono::seconds{10};

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

bool in_cluster(self_ptr self) {
  return !self->state.ctx.cfg->cluster_name.empty();
}

session_owner me(self_ptr self) {
  return session_owner{self->state.ctx.cfg->node_id, self->state.epoch};
}

void claim(self_ptr self);

/// Lapsed nodes of the cluster are declared dead (each by one node), then
/// what their incarnations left is claimed.
void judge_and_claim(self_ptr self) {
  auto& st = self->state;
  auto& cfg = *st.ctx.cfg;
  if (!in_cluster(self) || st.leaving || st.epoch == 0)
    return;
  if (steady_ms() - st.held_since < cfg.cluster_lease_ms)
    return; // this node's own view is too fresh to judge others (just joined, or back from a gap)
  self->request(st.ctx.stores.any(), store_timeout, atoms::dead::value, cfg.cluster_name, cfg.node_id)
    .then(
      [=](std::vector<node_record>& dead) {
        for (auto& n : dead)
          spdlog::warn("cluster: node {} (epoch {}) is dead: its lease ran out {} ms ago", n.id,
                       n.epoch, now_ms() - n.lease_until);
        claim(self);
      },
      [=](caf::error& err) { spdlog::warn("cluster: cannot judge the nodes: {}", message_of(err)); });
}

/// Claims orphan sessions within this node's capacity, batch after batch.
void claim(self_ptr self) {
  auto& st = self->state;
  auto& cfg = *st.ctx.cfg;
  if (st.claiming || st.leaving || st.epoch == 0)
    return;
  auto room = std::max(0, cfg.max_sessions - st.live);
  // A round's share is fixed when it begins: the orphans over the live
  // nodes. Computed again after each batch it would shrink with the orphans
  // this node just took, and the fastest survivor would take them all.
  if (st.round_left < 0)
    st.round_left = std::max(1, (st.orphans + st.alive_nodes - 1) / std::max(1, st.alive_nodes));
  auto limit = std::min({cfg.cluster_claim_batch, room, st.round_left});
  if (limit == 0) {
    st.round_left = -1;
    return;
  }
  st.claiming = true;
  self->request(st.ctx.stores.any(), store_timeout, atoms::claim::value, me(self), limit,
                std::string{}, cfg.cluster_name)
    .then(
      [=](std::vector<session_record>& got) {
        auto& s = self->state;
        s.claiming = false;
        auto n = static_cast<int>(got.size());
        s.round_left = n == limit ? std::max(0, s.round_left - n) : 0;
        if (got.empty()) {
          s.round_left = -1;
          return;
        }
        spdlog::warn("cluster: claimed {} sessions left by other incarnations", n);
        s.live += n;
        s.orphans = std::max(0, s.orphans - n);
        self->send(s.listener, atoms::claimed::value, std::move(got));
        if (s.round_left > 0 && s.orphans > 0)
          claim(self); // more of this round's share: the next batch now, not at the next beat
        else
          s.round_left = -1;
      },
      [=](caf::error& err) {
        self->state.claiming = false;
        self->state.round_left = -1;
        spdlog::warn("cluster: claim failed: {}", message_of(err));
      });
}

/// The link to `n` dropped. When its middleman port refuses connections its
/// process is gone (killed, crashed): it is declared dead at once, not when
/// its lease runs out, and its sessions are claimed. A port that still
/// listens, or does not answer (a host cut off), waits for the lease.
void suspect(self_ptr self, node_record n) {
  auto& st = self->state;
  if (!in_cluster(self) || st.leaving || st.epoch == 0 || n.cluster != st.ctx.cfg->cluster_name
      || n.cluster_port <= 0 || n.id == st.ctx.cfg->node_id)
    return;
  auto host = n.cluster_host;
  auto port = n.cluster_port;
  auto t0 = steady_ms();
  blocking_call(self, st.ctx.io, std::chrono::seconds{5},
                [host, port]() -> caf::expected<int> {
                  // A process being killed closes its links and its listener
                  // a moment apart: a port still listening is asked again.
                  auto a = probe_port(host, port, 1000);
                  for (int i = 0; i < 5 && a == port_answer::listening; ++i) {
                    std::this_thread::sleep_for(std::chrono::milliseconds{100 * (i + 1)});
                    a = probe_port(host, port, 1000);
                  }
                  return static_cast<int>(a);
                })
    .then(
      [=](int answer) {
        auto a = static_cast<port_answer>(answer);
        if (a != port_answer::refused) {
          spdlog::info("cluster: lost the link to node {} but its port {}:{} is {}: its lease "
                       "decides",
                       n.id, host, port, to_string(a));
          return;
        }
        auto& s = self->state;
        auto why = "the link to it dropped and its cluster port " + host + ":"
                   + std::to_string(port) + " refuses connections";
        self->request(s.ctx.stores.any(), store_timeout, atoms::gone::value,
                      session_owner{n.id, n.epoch}, s.ctx.cfg->node_id, why)
          .then(
            [=](std::vector<node_record>& dead) {
              auto& s2 = self->state;
              for (auto& d : dead)
                spdlog::warn("cluster: node {} (epoch {}) is dead: {} ({} ms after the link "
                             "dropped, {} ms before its lease ran out)",
                             d.id, d.epoch, why, steady_ms() - t0, d.lease_until - now_ms());
              // Whoever declared it, its sessions are orphans now: claim a share.
              s2.orphans += n.live_sessions;
              if (n.alive)
                s2.alive_nodes = std::max(1, s2.alive_nodes - 1);
              claim(self);
            },
            [=](caf::error& err) {
              spdlog::warn("cluster: cannot declare node {} dead: {}", n.id, message_of(err));
            });
      },
      [=](caf::error& err) {
        spdlog::warn("cluster: cannot probe node {}: {}", n.id, message_of(err));
      });
}

void join(self_ptr self) {
  auto& st = self->state;
  auto n = advertised_node(*st.ctx.cfg);
  self->request(st.ctx.stores.any(), store_timeout, atoms::join::value, n,
                st.ctx.cfg->cluster_lease_ms)
    .then(
      [=](int64_t epoch) {
        auto& s = self->state;
        s.epoch = epoch;
        s.held_since = s.last_renewed = steady_ms();
        spdlog::info("cluster: node {} joined{} with epoch {}", s.ctx.cfg->node_id,
                     s.ctx.cfg->cluster_name.empty() ? std::string{" (standalone)"}
                                                     : " cluster '" + s.ctx.cfg->cluster_name + "'",
                     epoch);
        self->send(s.listener, atoms::joined::value, epoch);
      },
      [=](caf::error& err) {
        spdlog::warn("cluster: cannot join yet ({}); retrying", message_of(err));
      });
}

void renew(self_ptr self) {
  auto& st = self->state;
  auto n = advertised_node(*st.ctx.cfg);
  n.epoch = st.epoch;
  n.metadata = nlohmann::json{{"live_sessions", st.live}}.dump();
  auto epoch = st.epoch;
  self->request(st.ctx.stores.any(), store_timeout, atoms::heartbeat::value, n,
                st.ctx.cfg->cluster_lease_ms)
    .then(
      [=](bool alive) {
        auto& s = self->state;
        if (s.epoch != epoch)
          return;
        if (!alive) {
          spdlog::error("cluster: epoch {} of node {} is no longer up (declared dead while "
                        "unreachable, or replaced): its sessions are not ours any more",
                        epoch, s.ctx.cfg->node_id);
          s.epoch = 0;
          self->send(s.listener, atoms::fenced::value, epoch);
          if (!s.leaving)
            join(self);
          return;
        }
        auto now = steady_ms();
        if (now - s.last_renewed > s.ctx.cfg->cluster_lease_ms)
          s.held_since = now; // a gap: judge nobody until a full lease has passed again
        s.last_renewed = now;
        self->request(s.ctx.stores.any(), store_timeout, atoms::nodes::value)
          .then(
            [=](std::vector<node_record>& nodes) {
              auto& s2 = self->state;
              s2.alive_nodes = 0;
              s2.orphans = 0;
              for (auto& x : nodes) {
                if (x.id == s2.ctx.cfg->node_id)
                  s2.live = x.live_sessions;
                if (x.cluster.empty() || x.cluster != s2.ctx.cfg->cluster_name)
                  continue;
                if (x.alive)
                  ++s2.alive_nodes;
                else
                  s2.orphans += x.live_sessions; // left by an incarnation that is gone
              }
              s2.alive_nodes = std::max(1, s2.alive_nodes);
              self->send(s2.listener, atoms::members::value, std::move(nodes));
              judge_and_claim(self);
            },
            [](caf::error&) {});
      },
      [=](caf::error& err) {
        spdlog::warn("cluster: cannot renew the lease: {}", message_of(err));
      });
}

} // namespace

node_record advertised_node(const spawn_config& c) {
  node_record n;
  n.id = c.node_id;
  n.address = !c.public_url.empty()
                ? c.public_url
                : "http://" + (c.http_address == "0.0.0.0" ? std::string{"127.0.0.1"} : c.http_address)
                    + ":" + std::to_string(c.http_port);
  n.port = c.http_port;
  n.capacity = c.max_sessions;
  n.cluster = c.cluster_name;
  n.cluster_host = c.cluster_host.empty() ? c.http_address : c.cluster_host;
  n.cluster_port = c.cluster_port;
  if (!c.edge_caddy_admin.empty())
    n.edge_address = c.edge_advertise.empty() ? c.edge_listen : c.edge_advertise;
  return n;
}

cluster_member_actor::behavior_type cluster_member(self_ptr self, node_context ctx,
                                                   membership_listener_actor listener) {
  self->state.ctx = std::move(ctx);
  self->state.listener = std::move(listener);
  self->send(self, atoms::heartbeat::value);
  return {
    [=](atoms::heartbeat) {
      auto& st = self->state;
      if (!st.leaving) {
        if (st.epoch == 0)
          join(self);
        else
          renew(self);
      }
      self->delayed_send(self, std::chrono::milliseconds{st.ctx.cfg->cluster_heartbeat_ms},
                         atoms::heartbeat::value);
    },
    [=](atoms::claim) { claim(self); },
    [=](atoms::suspect, node_record& n) { suspect(self, std::move(n)); },
    [=](atoms::leave) -> caf::result<bool> {
      auto& st = self->state;
      st.leaving = true;
      if (st.epoch == 0)
        return true;
      auto rp = self->make_response_promise<bool>();
      self->request(st.ctx.stores.any(), store_timeout, atoms::leave::value, st.ctx.cfg->node_id,
                    st.epoch)
        .then([=](bool) mutable { rp.deliver(true); },
              [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

} // namespace spawn
