#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace spawn {

/// A sliding-window limit: at most `max` events per `window_ms` per key.
/// Pure and single-threaded (the session manager owns one).
class rate_limiter {
public:
  rate_limiter(int max, int64_t window_ms) : max_(max), window_ms_(window_ms) {
  }

  /// Takes a slot for `key` at `now_ms`: 0 when granted, otherwise the
  /// milliseconds until the oldest event leaves the window (a slot frees).
  int64_t try_acquire(const std::string& key, int64_t now_ms);

  /// Gives back the slot taken last for `key` (the work it guarded failed).
  void release_last(const std::string& key);

  /// Events of `key` still inside the window at `now_ms`.
  int in_window(const std::string& key, int64_t now_ms);

private:
  void prune(std::deque<int64_t>& q, int64_t now_ms) const;

  int max_;
  int64_t window_ms_;
  std::map<std::string, std::deque<int64_t>> events_;
};

/// Whole seconds to wait for `ms` milliseconds, rounded up, at least 1.
int64_t retry_seconds(int64_t ms);

} // namespace spawn
