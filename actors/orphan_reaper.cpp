#include "actors/orphan_reaper.hpp"

#include <memory>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "core/error.hpp"
#include "core/tokens.hpp"
#include "infra/app_slot.hpp"

namespace spawn {

namespace {

using self_ptr = orphan_reaper_actor::stateful_pointer<orphan_reaper_state>;

constexpr const char* session_prefix = "spawnai-";

/// The session a container name belongs to: `spawnai-<id>`, or a turn's new
/// version `spawnai-<id>-v<n>` (issue 15); "" for any other name.
std::string session_of(const std::string& name) {
  if (name.rfind(session_prefix, 0) != 0)
    return {};
  auto rest = name.substr(std::char_traits<char>::length(session_prefix));
  if (is_session_id(rest))
    return rest;
  auto v = rest.rfind("-v");
  if (v == std::string::npos || v + 2 >= rest.size()
      || rest.find_first_not_of("0123456789", v + 2) != std::string::npos)
    return {};
  rest.resize(v);
  return is_session_id(rest) ? rest : std::string{};
}

/// Blocking: this node's session containers, by session id.
caf::expected<std::vector<container_info>> session_containers(
  std::shared_ptr<container_runtime> runtime, std::string node) {
  auto all = runtime->list_labelled("spawnai.managed");
  if (!all)
    return all.error();
  std::vector<container_info> out;
  for (auto& c : *all) {
    auto n = c.labels.find("spawnai.node");
    if (n == c.labels.end() || n->second != node)
      continue;
    if (!session_of(c.name).empty())
      out.push_back(c);
  }
  return out;
}

/// Blocking: removes one orphan and its slot directory.
caf::expected<bool> remove_orphan(std::shared_ptr<container_runtime> runtime,
                                  container_info c) {
  if (auto err = runtime->remove(c.id))
    return err;
  auto slot = c.labels.find("spawnai.slot");
  if (slot != c.labels.end())
    remove_slot(slot->second);
  return true;
}

/// Asks the manager about the session of `c`; removes `c` when the session is
/// unknown or destroyed. Calls `done(removed)` once decided.
void judge(self_ptr self, container_info c, std::function<void(bool)> done) {
  auto id = session_of(c.name);
  auto reap = [=](std::string why) {
    auto runtime = self->state.ctx.runtime;
    blocking_call(self, self->state.ctx.io, std::chrono::seconds{60}, [runtime, c] { return remove_orphan(runtime, c); })
      .then(
        [=](bool) {
          ++self->state.reaped;
          spdlog::warn("removed orphan container {} ({})", c.name, why);
          done(true);
        },
        [=](caf::error& err) {
          spdlog::warn("cannot remove orphan container {}: {}", c.name, message_of(err));
          done(false);
        });
  };
  self->request(self->state.manager, std::chrono::seconds{30}, atoms::get::value, id)
    .then(
      [=](session_record& rec) {
        if (rec.state == phase::destroyed)
          reap("its session is destroyed");
        else
          done(false);
      },
      [=](caf::error& err) {
        if (code_of(err) == errc::not_found)
          reap("no such session");
        else
          done(false); // the store is away: no verdict
      });
}

void scan(self_ptr self, std::function<void(uint64_t)> rp) {
  auto& st = self->state;
  if (st.scanning) {
    rp(0);
    return;
  }
  st.scanning = true;
  auto runtime = st.ctx.runtime;
  blocking_call(self, self->state.ctx.io, std::chrono::seconds{60},
                [runtime, node = st.ctx.cfg->node_id] { return session_containers(runtime, node); })
    .then(
      [=](std::vector<container_info>& found) mutable {
        if (found.empty()) {
          self->state.scanning = false;
          rp(0);
          return;
        }
        auto left = std::make_shared<size_t>(found.size());
        auto removed = std::make_shared<uint64_t>(0);
        for (auto& c : found)
          judge(self, c, [=](bool r) mutable {
            *removed += r ? 1 : 0;
            if (--*left == 0) {
              self->state.scanning = false;
              rp(*removed);
            }
          });
      },
      [=](caf::error& err) mutable {
        self->state.scanning = false;
        spdlog::warn("orphan scan failed: {}", message_of(err));
        rp(0);
      });
}

} // namespace

orphan_reaper_actor::behavior_type orphan_reaper(self_ptr self, node_context ctx,
                                                 session_directory_actor manager) {
  self->state.ctx = std::move(ctx);
  self->state.manager = std::move(manager);
  return {
    [=](atoms::sweep) -> caf::result<uint64_t> {
      auto rp = self->make_response_promise<uint64_t>();
      scan(self, [rp](uint64_t n) mutable { rp.deliver(n); });
      return rp;
    },
    [=](atoms::timeout) {
      auto interval = self->state.ctx.cfg->orphan_scan_interval_ms;
      if (interval <= 0)
        return;
      scan(self, [](uint64_t) {});
      self->delayed_send(self, std::chrono::milliseconds{interval}, atoms::timeout::value);
    },
    [=](atoms::stats) -> caf::result<uint64_t> { return self->state.reaped; },
  };
}

} // namespace spawn
