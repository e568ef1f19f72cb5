#include "http/bridges.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace spawn {

namespace {

caf::behavior bridge(caf::event_based_actor* self) {
  return {
    [=](bridge_job& job) {
      // The last line of defence: a job that throws must not end the bridge
      // (its request stays unanswered until RESTinio's timeout, as before).
      try {
        job(self);
      } catch (const std::exception& e) {
        spdlog::error("HTTP bridge: a job threw: {}", e.what());
      }
    },
  };
}

} // namespace

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
