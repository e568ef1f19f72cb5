#include "actors/blocking.hpp"

#include <limits>

#include <caf/all.hpp>

namespace spawn {

namespace {

caf::behavior blocking_worker(caf::event_based_actor*) {
  return {
    [](atoms::run, blocking_job& job) -> caf::message { return job(); },
  };
}

} // namespace

blocking_pool::blocking_pool(caf::actor_system& sys, int n, bool detached) {
  for (int i = 0; i < n; ++i) {
    workers_.push_back(detached ? sys.spawn<caf::detached>(blocking_worker)
                                : sys.spawn(blocking_worker));
    load_.push_back(std::make_shared<std::atomic<int>>(0));
  }
}

caf::actor blocking_pool::pick() const {
  size_t best = 0;
  int least = std::numeric_limits<int>::max();
  for (size_t i = 0; i < workers_.size(); ++i) {
    auto n = load_[i]->load();
    if (n < least) {
      least = n;
      best = i;
    }
  }
  ++*load_[best];
  return workers_[best];
}

std::shared_ptr<std::atomic<int>> blocking_pool::load_of(const caf::actor& worker) const {
  for (size_t i = 0; i < workers_.size(); ++i)
    if (workers_[i] == worker)
      return load_[i];
  return nullptr;
}

int blocking_pool::in_flight() const {
  int n = 0;
  for (auto& l : load_)
    n += l->load();
  return n;
}

} // namespace spawn
