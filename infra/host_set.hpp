#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/hosts.hpp"
#include "infra/docker_engine.hpp"

namespace spawn {

/// `container_runtime` over several Docker hosts (issue 17): a new container
/// goes to a ready host with room, by the configured placement policy (or to
/// the spec's `host` only, when it names one: the warm pool's), and is
/// published on that host's private address; every other call goes to the
/// engine that holds the container (found by asking the hosts when this set
/// has not seen it, after a restart say).
///
/// A host marked gone (its engine stopped answering, see `check`) holds no
/// container any more as far as sessions are concerned: `inspect` answers
/// `errc::not_found`, which is what makes a session redeploy its app from the
/// stored artifact on another host (actors/session_health.cpp).
///
/// Thread-safe: one mutex guards the table; engine calls run outside it.
/// Blocking like every runtime: call it from worker actors only.
class host_set : public container_runtime {
public:
  explicit host_set(placement_policy policy) : policy_(policy) {
    // nop
  }

  /// The placement policy new containers follow.
  placement_policy policy() const noexcept {
    return policy_;
  }

  /// Adds host `rec` (or replaces the one with its id) served by `engine`.
  void add(host_record rec, std::shared_ptr<docker_engine> engine);

  /// Sets a host's state; false for an unknown id or state.
  bool set_state(const std::string& id, const std::string& state);

  /// Forgets a host; false for an unknown id.
  bool erase(const std::string& id);

  /// Every host with its usage, in the order they were added.
  std::vector<host_record> hosts() const;

  /// The host `id`, if any.
  std::optional<host_record> host(const std::string& id) const;

  /// The engine of host `id` (null for an unknown id).
  std::shared_ptr<docker_engine> engine(const std::string& id) const;

  /// Blocking: pings every host that is not gone. A host failing `fail_after`
  /// pings in a row becomes gone; one answering again after being gone is
  /// provisioning until the registry readmits it. Answers the hosts whose
  /// state changed.
  std::vector<host_record> check(int fail_after, epoch_ms now);

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
  caf::expected<int64_t> net_rx_bytes(const std::string& id) override;
  caf::error ship_slot(const std::string& id, const std::string& slot_dir) override;
  std::string address_of(const std::string& id) const override;

private:
  struct entry {
    host_record rec;
    std::shared_ptr<docker_engine> engine;
    int failures = 0; ///< pings failed in a row
  };
  struct placed {
    std::string host;
    int64_t memory = 0;
    bool counted = false; ///< in its host's usage (this node's app or warm container)
    bool warm = false;    ///< counted as an unclaimed warm container (`host_record::warm`)
  };

  /// The engine and host id holding container `id` (or name); searches the
  /// usable hosts when unknown. `errc::not_found` when none has it or its
  /// host is gone.
  caf::expected<std::pair<std::shared_ptr<docker_engine>, std::string>>
  locate(const std::string& id);

  /// Records container `info` (id and name) on `host`; `count`: it is this
  /// node's and counts in the host's usage (a listing sees other nodes' too).
  void remember(const container_info& info, const std::string& host, bool count);
  void forget(const std::string& id);
  entry* find(const std::string& id);
  const entry* find(const std::string& id) const;

  placement_policy policy_;
  mutable std::mutex mtx_;
  std::vector<entry> hosts_;
  /// Container id and name → where it runs.
  std::map<std::string, placed> placed_;
};

} // namespace spawn
