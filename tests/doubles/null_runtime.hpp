#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "infra/container_runtime.hpp"

namespace spawn::test {

/// A container engine that starts nothing: containers are entries in a map,
/// "running" at once, and their apps answer at once. For deterministic actor
/// tests and for benchmarks of the control plane alone. Thread-safe.
class null_runtime : public container_runtime {
public:
  bool ping() override;
  caf::expected<bool> image_exists(const std::string& image) override;
  caf::expected<container_info> run(const container_spec& spec) override;
  caf::error remove(const std::string& id) override;
  caf::expected<container_info> inspect(const std::string& id) override;
  caf::expected<std::vector<container_info>> list_labelled(const std::string& key) override;
  caf::error rename(const std::string& id, const std::string& name) override;
  caf::error pause(const std::string& id) override;
  caf::error unpause(const std::string& id) override;
  caf::error restart(const std::string& id) override;
  caf::expected<long> wait_ready(const std::string& url, long timeout_ms) override;

  /// Containers that exist now.
  size_t size();
  /// Calls of `run` (each a container made, kept or not).
  std::atomic<int> runs{0};

private:
  using container_map = std::map<std::string, container_info>;
  /// The container `ref` (id or name) names, or end(); the mutex is held.
  container_map::iterator find(const std::string& ref);

  std::mutex mutex_;
  container_map containers_;                             // by id
  std::unordered_map<std::string, std::string> names_;  // name -> id, as an engine keeps it
  int next_ = 0;
};

} // namespace spawn::test
