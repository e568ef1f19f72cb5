#pragma once

// The failover reserve (issue 14): warm containers a node keeps so that a
// peer's loss costs its sessions no cold start.

#include <map>
#include <string>
#include <vector>

#include "core/records.hpp"

namespace spawn {

/// Per tier, the warm containers node `me` of `cluster` needs beyond its own
/// warm pool: its share (among the nodes left) of the sessions of the peer
/// with the most of that tier, should that peer be lost, and its share
/// (among the live nodes) of a dead node's sessions not claimed yet. Each
/// tier at most `cap`; empty when `cap` is 0, for a standalone node, or when
/// no other node would share the load.
std::map<std::string, int> failover_reserve(const std::vector<node_record>& members,
                                            const std::string& cluster, const std::string& me,
                                            int cap);

} // namespace spawn
