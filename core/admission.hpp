#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <caf/error.hpp>

#include "core/rate_limiter.hpp"

namespace spawn {

/// Who may create a session now (issue 6 limits), as pure bookkeeping: the
/// creation rate per client in a sliding window, the sessions alive per owner
/// and the node-wide number of live sessions. The session manager owns one.
class admission {
public:
  struct limits {
    int creations_per_window = 5;
    int64_t window_ms = 900000;
    int active_per_owner = 3;
    int max_sessions = 100;
  };

  explicit admission(limits l);

  /// Admits one creation for `owner` at `now_ms` (and counts it in the window),
  /// or says why not: `errc::rate_limited` (429) with the seconds until a slot
  /// frees, or `errc::unavailable` (503) when the node is full.
  caf::error admit(const std::string& owner, int64_t now_ms);

  /// The admitted creation did not happen after all: its window slot is given back.
  void cancel(const std::string& owner);

  /// A session of `owner` is alive (created or adopted) / is gone.
  void opened(const std::string& owner);
  void closed(const std::string& owner);

  int active(const std::string& owner) const;
  int live() const {
    return live_;
  }
  uint64_t refused() const {
    return refused_;
  }

private:
  limits lim_;
  rate_limiter rate_;
  std::map<std::string, int> active_;
  int live_ = 0;
  uint64_t refused_ = 0;
};

} // namespace spawn
