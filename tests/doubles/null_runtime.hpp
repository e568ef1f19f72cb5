#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

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
  std::mutex mutex_;
  std::map<std::string, container_info> containers_; // by id
  int next_ = 0;
};

} // namespace spawn::test
