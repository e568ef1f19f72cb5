#include "http/bridges.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.hpp"
#include "http/reply.hpp"

namespace spawn {

namespace {

constexpr auto tick_every = std::chrono::seconds{1};

void arm(bridge_actor* self) {
  if (self->state.ticking || self->state.waits.empty())
    return;
  self->state.ticking = true;
  self->delayed_send(self, tick_every, atoms::httptick::value);
}

/// Answers the requests whose wait is over, as CAF's request timeout did:
/// 503 `timeout` (core/error.cpp maps sec::request_timeout).
void expire(bridge_actor* self) {
  auto now = std::chrono::steady_clock::now();
  auto& waits = self->state.waits;
  while (!waits.empty() && waits.begin()->second.deadline <= now) {
    auto req = std::move(waits.begin()->second.req);
    waits.erase(waits.begin());
    guarded(req, [&] { reply_error(req, caf::make_error(caf::sec::request_timeout)); });
  }
}

caf::behavior bridge(bridge_actor* self) {
  return {
    [=](bridge_job& job) {
      // The last line of defence: a job that throws must not end the bridge.
      try {
        job(self);
      } catch (const std::exception& e) {
        spdlog::error("HTTP bridge: a job threw: {}", e.what());
      }
    },
    [=](atoms::httptick) {
      self->state.ticking = false;
      expire(self);
      arm(self);
    },
  };
}

} // namespace

uint64_t bridge_expect(bridge_actor* self, restinio::request_handle_t req) {
  auto ticket = self->state.next_ticket++;
  self->state.waits.emplace(
    ticket, bridge_state::waiting{std::chrono::steady_clock::now() + bridge_wait, std::move(req)});
  arm(self);
  return ticket;
}

bool bridge_settle(bridge_actor* self, uint64_t ticket) {
  return self->state.waits.erase(ticket) > 0;
}

void bridge_read_session(bridge_actor* self, const session_manager_actor& manager,
                         const std::string& id, std::function<void(session_record&)> ok,
                         std::function<void(caf::error&)> failed) {
  // The manager's way: a live actor here, another node's, or the store.
  auto via_manager = [=] {
    self->request(manager, caf::infinite, atoms::get::value, id).then(ok, failed);
  };
  // No timeout on a live actor: it answers `get` at once from its state, and
  // one that ends first bounces the request (the bridge's deadline holds).
  auto ask = [=](const session_actor_type& actor) {
    self->request(actor, caf::infinite, atoms::get::value)
      .then(ok, [=](caf::error&) {
        self->state.live.erase(id);
        via_manager();
      });
  };
  auto known = self->state.live.find(id);
  if (known != self->state.live.end()) {
    ask(known->second);
    return;
  }
  self->request(manager, caf::infinite, atoms::locate::value, id)
    .then(
      [=](session_actor_type& actor) {
        if (!actor) {
          via_manager();
          return;
        }
        auto& live = self->state.live;
        if (live.size() >= live_cache_size)
          live.clear();
        live.emplace(id, actor);
        ask(actor);
      },
      failed);
}

http_bridges::http_bridges(caf::actor_system& sys, std::size_t n) : sys_(&sys) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, n); ++i)
    bridges_.push_back(sys.spawn(bridge));
}

http_bridges::~http_bridges() {
  for (auto& b : bridges_)
    caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
}

void http_bridges::post(bridge_job job) const {
  auto i = next_.fetch_add(1, std::memory_order_relaxed) % bridges_.size();
  caf::anon_send(bridges_[i], std::move(job));
}

} // namespace spawn
