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
  auto made = std::make_shared<workers_and_loads>();
  for (int i = 0; i < n; ++i) {
    made->workers.push_back(detached ? sys.spawn<caf::detached>(blocking_worker)
                                     : sys.spawn(blocking_worker));
    made->load.push_back(std::make_shared<std::atomic<int>>(0));
  }
  shared_ = std::move(made);
}

caf::actor blocking_pool::pick() const {
  auto& w = *shared_;
  size_t best = 0;
  int least = std::numeric_limits<int>::max();
  for (size_t i = 0; i < w.workers.size(); ++i) {
    auto n = w.load[i]->load();
    if (n < least) {
      least = n;
      best = i;
    }
  }
  ++*w.load[best];
  return w.workers[best];
}

std::shared_ptr<std::atomic<int>> blocking_pool::load_of(const caf::actor& worker) const {
  auto& w = *shared_;
  for (size_t i = 0; i < w.workers.size(); ++i)
    if (w.workers[i] == worker)
      return w.load[i];
  return nullptr;
}

int blocking_pool::in_flight() const {
  int n = 0;
  if (shared_)
    for (auto& l : shared_->load)
      n += l->load();
  return n;
}

} // namespace spawn
