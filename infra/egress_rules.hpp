#pragma once

#include <set>
#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace spawn {

/// One app container's permission to reach one outside destination.
struct egress_grant {
  std::string source;      ///< the container's IPv4 address
  std::string destination; ///< an IPv4 address (names are resolved before)
  int port = 0;
  std::string protocol = "tcp"; ///< tcp, or udp (the resolvers on 53)
  bool operator<(const egress_grant& o) const;
  bool operator==(const egress_grant& o) const;
};

/// The per-session egress of the app firewall (issue 13): chain
/// SPAWNAI-EGRESS, which deploy/scripts/firewall.sh creates and jumps to from
/// SPAWNAI-APPS-OUT before it refuses anything; this adapter owns its rules.
/// Each grant is one `-s <container> -d <destination> -p <proto> --dport <port>
/// -j ACCEPT` (a RETURN would only go back to SPAWNAI-APPS-OUT, which refuses).
/// Blocking (runs iptables): call it from a blocking pool.
class egress_rules {
public:
  explicit egress_rules(std::string iptables = "iptables") : iptables_(std::move(iptables)) {
  }

  /// Makes the chain hold exactly `want`: adds what is missing, deletes the
  /// rest. Creates the chain when it is missing (its jump is firewall.sh's).
  /// Returns how many rules it added and deleted.
  caf::expected<std::pair<int, int>> apply(const std::set<egress_grant>& want);

  /// The grants in the chain now.
  caf::expected<std::set<egress_grant>> current();

  static constexpr const char* chain = "SPAWNAI-EGRESS";

private:
  caf::expected<std::string> run(std::vector<std::string> args);
  std::string iptables_;
};

/// "host:port" resolved to IPv4 grants for `source`; addresses apps may never
/// reach (link-local, private, shared, loopback, multicast, reserved) are left
/// out and named in `refused`. Blocking (resolves names).
std::vector<egress_grant> resolve_grants(const std::string& source, const std::string& entry,
                                         std::vector<std::string>* refused = nullptr);

/// True for an IPv4 address in a range apps never reach.
bool never_reachable(const std::string& ipv4);

/// The host's resolvers (nameserver lines of `resolv_conf`), IPv4 only.
std::vector<std::string> host_resolvers(const std::string& resolv_conf = "/etc/resolv.conf");

} // namespace spawn

namespace spawn {

/// The IPv4 address of container `id` on its network, from the engine behind
/// the unix socket `docker_socket` ("" when it has none). Blocking.
caf::expected<std::string> container_address(const std::string& docker_socket,
                                             const std::string& id);

} // namespace spawn
