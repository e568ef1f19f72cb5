#include "core/work_queue.hpp"

#include <algorithm>

namespace spawn {

int work_queue::enter(const std::string& id) {
  if (holders_.count(id))
    return 0;
  if (auto p = position(id); p > 0)
    return p;
  if (static_cast<int>(holders_.size()) < slots_ && waiting_.empty()) {
    holders_.insert(id);
    return 0;
  }
  waiting_.push_back(id);
  return static_cast<int>(waiting_.size());
}

std::vector<std::string> work_queue::leave(const std::string& id) {
  holders_.erase(id);
  waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), id), waiting_.end());
  std::vector<std::string> granted;
  while (static_cast<int>(holders_.size()) < slots_ && !waiting_.empty()) {
    granted.push_back(waiting_.front());
    holders_.insert(waiting_.front());
    waiting_.pop_front();
  }
  return granted;
}

int work_queue::position(const std::string& id) const {
  if (holders_.count(id))
    return 0;
  auto i = std::find(waiting_.begin(), waiting_.end(), id);
  return i == waiting_.end() ? -1 : static_cast<int>(i - waiting_.begin()) + 1;
}

} // namespace spawn
