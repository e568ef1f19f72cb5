#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace spawn {

/// At most `slots` holders at once; others wait first come, first served.
/// Pure and single-threaded: the generation queue actor owns one.
class work_queue {
public:
  explicit work_queue(int slots) : slots_(slots) {
  }

  /// Asks a slot for `id`: 0 when granted (or already held), otherwise its
  /// 1-based position among the waiters (unchanged when already waiting).
  int enter(const std::string& id);

  /// `id` is done (or gave up): frees its slot or its place in line. Returns
  /// the ids granted a slot as a result, in order.
  std::vector<std::string> leave(const std::string& id);

  /// 1-based position of a waiter, 0 when it holds a slot, -1 when unknown.
  int position(const std::string& id) const;

  const std::deque<std::string>& waiting() const {
    return waiting_;
  }
  size_t running() const {
    return holders_.size();
  }
  int slots() const {
    return slots_;
  }

private:
  int slots_;
  std::set<std::string> holders_;
  std::deque<std::string> waiting_;
};

} // namespace spawn
