#include "core/admission.hpp"
#include "core/metric_names.hpp"

#include "core/error.hpp"
#include "core/metrics.hpp"

namespace spawn {

namespace {

/// How long a caller refused for too many live sessions should wait: sessions
/// end by expiry or deletion, so this is a polite guess, not a promise.
constexpr int64_t active_retry_seconds = 60;
constexpr int64_t full_retry_seconds = 30;

void count_refusal(const char* reason) {
  metrics::global().inc(metrics::names::sessions_refused, {{"reason", reason}});
}

} // namespace

admission::admission(limits l) : lim_(l), rate_(l.creations_per_window, l.window_ms) {
}

caf::error admission::admit(const std::string& owner, int64_t now_ms) {
  if (live_ >= lim_.max_sessions) {
    ++refused_;
    count_refusal("node_full");
    return make_error(errc::unavailable,
                      "this node runs its maximum of " + std::to_string(lim_.max_sessions)
                        + " sessions; try again later",
                      full_retry_seconds);
  }
  if (active(owner) >= lim_.active_per_owner) {
    ++refused_;
    count_refusal("active_per_owner");
    return make_error(errc::rate_limited,
                      "too many active sessions: at most "
                        + std::to_string(lim_.active_per_owner)
                        + " per owner; destroy one or wait for one to expire",
                      active_retry_seconds);
  }
  if (auto wait_ms = rate_.try_acquire(owner, now_ms); wait_ms > 0) {
    ++refused_;
    count_refusal("creation_rate");
    auto secs = retry_seconds(wait_ms);
    return make_error(errc::rate_limited,
                      "too many sessions created: at most "
                        + std::to_string(lim_.creations_per_window) + " per "
                        + std::to_string(lim_.window_ms / 1000) + " s; retry in "
                        + std::to_string(secs) + " s",
                      secs);
  }
  return {};
}

void admission::cancel(const std::string& owner) {
  rate_.release_last(owner);
}

void admission::opened(const std::string& owner) {
  ++active_[owner];
  ++live_;
}

void admission::closed(const std::string& owner) {
  auto i = active_.find(owner);
  if (i != active_.end() && --i->second <= 0)
    active_.erase(i);
  if (live_ > 0)
    --live_;
}

int admission::active(const std::string& owner) const {
  auto i = active_.find(owner);
  return i == active_.end() ? 0 : i->second;
}

} // namespace spawn
