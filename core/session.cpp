#include "core/session.hpp"

#include <chrono>

namespace spawn {

epoch_ms now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace spawn
