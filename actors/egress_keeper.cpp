#include "actors/egress_keeper.hpp"

#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "core/error.hpp"
#include "infra/egress_rules.hpp"

namespace spawn {

namespace {

using self_ptr = egress_keeper_actor::stateful_pointer<egress_keeper_state>;

constexpr auto interval = std::chrono::seconds{2};
constexpr auto store_timeout = std::chrono::seconds{10};

/// A live session that asked for egress, and its container.
struct wanted {
  std::string session;
  std::string container;
  std::vector<std::string> entries;
};

/// Blocking: the grants of `sessions`, then the chain made to hold them.
caf::expected<int> align(const std::string& docker_socket, const std::vector<wanted>& sessions) {
  std::set<egress_grant> want;
  auto resolvers = host_resolvers();
  for (auto& w : sessions) {
    auto ip = container_address(docker_socket, w.container);
    if (!ip || ip->empty())
      continue; // gone meanwhile, or not started yet: the next round
    for (auto& e : w.entries) {
      std::vector<std::string> refused;
      for (auto& g : resolve_grants(*ip, e, &refused))
        want.insert(g);
      for (auto& r : refused)
        spdlog::warn("egress: session {} may not reach {}: apps never reach private or "
                     "link-local addresses",
                     w.session, r);
    }
    for (auto& r : resolvers) // to look its destinations up
      for (auto* proto : {"udp", "tcp"})
        want.insert(egress_grant{*ip, r, 53, proto});
  }
  egress_rules rules;
  auto done = rules.apply(want);
  if (!done)
    return std::move(done.error());
  if (done->first > 0 || done->second > 0)
    spdlog::info("egress: {} rules added, {} removed ({} grants for {} sessions)", done->first,
                 done->second, want.size(), sessions.size());
  return static_cast<int>(want.size());
}

void check(self_ptr self, caf::typed_response_promise<int> rp = {}) {
  auto& st = self->state;
  if (st.busy) {
    if (rp.pending())
      rp.deliver(st.applied);
    return;
  }
  st.busy = true;
  session_filter f;
  f.node_id = st.ctx.cfg->node_id;
  f.live_only = true;
  f.limit = 100000;
  self->request(st.ctx.stores.any(), store_timeout, atoms::list::value, f)
    .then(
      [=](std::vector<session_record>& recs) mutable {
        std::vector<wanted> sessions;
        for (auto& r : recs) {
          if (r.container_id.empty())
            continue;
          auto meta = nlohmann::json::parse(r.metadata, nullptr, false);
          if (!meta.is_object() || !meta.contains("egress") || !meta["egress"].is_array())
            continue;
          wanted w{r.id, r.container_id, {}};
          for (auto& e : meta["egress"])
            if (e.is_string())
              w.entries.push_back(e.get<std::string>());
          if (!w.entries.empty())
            sessions.push_back(std::move(w));
        }
        // Nothing asked and nothing left in the chain: no iptables at all.
        if (sessions.empty() && self->state.applied == 0) {
          self->state.busy = false;
          if (rp.pending())
            rp.deliver(0);
          return;
        }
        bool asked = !sessions.empty();
        blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                      [socket = self->state.ctx.cfg->docker_socket,
                       sessions = std::move(sessions)] { return align(socket, sessions); })
          .then(
            [=](int grants) mutable {
              self->state.busy = false;
              self->state.applied = grants;
              if (rp.pending())
                rp.deliver(grants);
            },
            [=](caf::error& err) mutable {
              self->state.busy = false;
              if (asked)
                spdlog::warn("egress: cannot apply the sessions' egress: {}", message_of(err));
              else // no firewall here (not root, no iptables): tried again when a session asks
                spdlog::debug("egress: no per-session rules: {}", message_of(err));
              self->state.applied = 0;
              if (rp.pending())
                rp.deliver(std::move(err));
            });
      },
      [=](caf::error& err) mutable {
        self->state.busy = false;
        if (rp.pending())
          rp.deliver(std::move(err));
      });
}

} // namespace

egress_keeper_actor::behavior_type egress_keeper(self_ptr self, node_context ctx) {
  self->state.ctx = std::move(ctx);
  self->delayed_send(self, interval, atoms::timeout::value);
  return {
    [=](atoms::timeout) {
      check(self);
      self->delayed_send(self, interval, atoms::timeout::value);
    },
    [=](atoms::egress) -> caf::result<int> {
      auto rp = self->make_response_promise<int>();
      check(self, rp);
      return rp;
    },
  };
}

} // namespace spawn
