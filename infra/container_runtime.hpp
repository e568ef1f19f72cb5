#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "core/error.hpp"
#include "core/records.hpp"

namespace spawn {

/// Name prefix of unclaimed warm containers (actors/warm_pool.hpp); claimed
/// ones are renamed to `spawnai-<session id>`.
inline constexpr const char* warm_name_prefix = "spawnai-warm-";

/// True for the name of an unclaimed warm container.
inline bool is_warm_name(const std::string& name) {
  return name.rfind(warm_name_prefix, 0) == 0;
}

/// What to start: one isolated app container (DESIGN §6).
struct container_spec {
  std::string image;
  std::string name;                          ///< empty: the engine picks one
  std::map<std::string, std::string> labels;
  /// The app's slot on the node: mounted read-only at /srv/slot by an engine
  /// that shares the node's disk; copied in by `ship_slot` for one that does not.
  std::string slot_dir;
  int container_port = 8080;                 ///< published on <engine's address>:<ephemeral>
  int64_t memory_bytes = 256ll << 20;
  double cpus = 0.5;
  int64_t pids_limit = 64;
  std::string user = "65534:65534";
  std::string network;                       ///< empty: the engine's default bridge
  std::string host;                          ///< the Docker host to run on (infra/host_set); empty: placement picks
  std::string runtime;                       ///< OCI runtime ("runsc": gVisor); empty: the engine's default
  std::vector<std::string> env;              ///< "KEY=value"
};

/// Port: a container engine. Blocking; called from worker actors only.
class container_runtime {
public:
  virtual ~container_runtime() = default;

  /// True when the engine answers.
  virtual bool ping() = 0;

  virtual caf::expected<bool> image_exists(const std::string& image) = 0;

  /// Creates and starts a container; returns it with its published port.
  virtual caf::expected<container_info> run(const container_spec& spec) = 0;

  /// Force-removes a container; a missing one is not an error.
  virtual caf::error remove(const std::string& id) = 0;

  virtual caf::expected<container_info> inspect(const std::string& id) = 0;

  /// Containers (running or not) carrying label `key` (any value).
  virtual caf::expected<std::vector<container_info>>
  list_labelled(const std::string& key) = 0;

  virtual caf::error rename(const std::string& id, const std::string& name) = 0;
  virtual caf::error pause(const std::string& id) = 0;
  virtual caf::error unpause(const std::string& id) = 0;
  /// Restarts a container (stopped or hung) with a short grace period; its
  /// published host port may change: inspect it afterwards.
  virtual caf::error restart(const std::string& id) = 0;

  /// Blocks until the app published at `url` answers HTTP (any status) or
  /// `timeout_ms` passed; answers the milliseconds it took. The default asks
  /// over HTTP (infra/app_slot.hpp).
  virtual caf::expected<long> wait_ready(const std::string& url, long timeout_ms);

  /// Where the app of container `id` is published (its host's private
  /// address); "127.0.0.1" for a local engine. Non-blocking.
  virtual std::string address_of(const std::string& id) const {
    (void) id;
    return "127.0.0.1";
  }

  /// Makes what was written under `slot_dir` (infra/app_slot.hpp) visible at
  /// /srv/slot in container `id`. Nothing to do for an engine that bind-mounts
  /// the slot from the node's disk (the default); an engine on another
  /// machine copies the files in. Blocking.
  virtual caf::error ship_slot(const std::string& id, const std::string& slot_dir) {
    (void) id;
    (void) slot_dir;
    return {};
  }

  /// Bytes the container has received on all its networks (idle detection).
  /// Engines that cannot tell return an error.
  virtual caf::expected<int64_t> net_rx_bytes(const std::string& id) {
    return make_error(errc::runtime_failed, "no network counters for " + id);
  }
};

} // namespace spawn
