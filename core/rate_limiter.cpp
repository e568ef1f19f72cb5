#include "core/rate_limiter.hpp"

namespace spawn {

void rate_limiter::prune(std::deque<int64_t>& q, int64_t now_ms) const {
  while (!q.empty() && q.front() + window_ms_ <= now_ms)
    q.pop_front();
}

int64_t rate_limiter::try_acquire(const std::string& key, int64_t now_ms) {
  auto& q = events_[key];
  prune(q, now_ms);
  if (static_cast<int>(q.size()) >= max_)
    return q.front() + window_ms_ - now_ms;
  q.push_back(now_ms);
  // Keys whose windows emptied are dropped lazily, so the map stays bounded by
  // the clients active within one window.
  if (events_.size() > 4096)
    for (auto i = events_.begin(); i != events_.end();) {
      prune(i->second, now_ms);
      i = i->second.empty() ? events_.erase(i) : std::next(i);
    }
  return 0;
}

void rate_limiter::release_last(const std::string& key) {
  auto i = events_.find(key);
  if (i != events_.end() && !i->second.empty())
    i->second.pop_back();
}

int rate_limiter::in_window(const std::string& key, int64_t now_ms) {
  auto i = events_.find(key);
  if (i == events_.end())
    return 0;
  prune(i->second, now_ms);
  return static_cast<int>(i->second.size());
}

int64_t retry_seconds(int64_t ms) {
  if (ms <= 0)
    return 1;
  return (ms + 999) / 1000;
}

} // namespace spawn
