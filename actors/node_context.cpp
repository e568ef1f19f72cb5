#include "actors/node_context.hpp"

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "infra/app_slot.hpp"

namespace spawn {

std::string slots_root(const spawn_config& cfg) {
  auto base = cfg.state_dir.empty() ? std::string{"/var/lib/spawnai"} : cfg.state_dir;
  return base + "/slots";
}

container_spec app_container_spec(const spawn_config& cfg, const std::string& tier,
                                  const std::string& slot_dir) {
  container_spec spec;
  spec.image = cfg.runtime_image;
  spec.slot_dir = slot_dir;
  spec.network = cfg.docker_network;
  auto t = cfg.tiers.find(tier);
  if (t != cfg.tiers.end()) {
    spec.memory_bytes = t->second.memory_mb << 20;
    spec.cpus = t->second.cpus;
    spec.pids_limit = t->second.pids;
    spec.runtime = t->second.runtime; // gVisor (runsc) when the tier asks for it
  }
  spec.labels["spawnai.managed"] = "1";
  spec.labels["spawnai.node"] = cfg.node_id;
  spec.labels["spawnai.tier"] = tier;
  return spec;
}

caf::error free_container_name(container_runtime& runtime, const std::string& name,
                               const std::string& keep_id) {
  auto info = runtime.inspect(name);
  if (!info)
    return code_of(info.error()) == errc::not_found ? caf::error{} : info.error();
  if (info->id == keep_id)
    return {};
  spdlog::warn("removing leftover container {} ({}) to reuse its name", name, info->state);
  return remove_container(runtime, *info);
}

caf::error remove_container(container_runtime& runtime, const container_info& info) {
  auto err = runtime.remove(info.id);
  // The engine may be removing it already (a removal someone else began:
  // "removal ... is already in progress"); its name is free once it is gone.
  for (int i = 0; err && i < 100; ++i) {
    auto still = runtime.inspect(info.id);
    if (!still && code_of(still.error()) == errc::not_found)
      err = {};
    else if (!still || still->state != "removing")
      break;
    else
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  if (err)
    return err;
  if (auto slot = info.labels.find("spawnai.slot"); slot != info.labels.end())
    remove_slot(slot->second);
  return {};
}

} // namespace spawn
