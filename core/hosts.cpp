#include "core/hosts.hpp"

#include <algorithm>

namespace spawn {

std::optional<placement_policy> parse_placement(const std::string& name) {
  if (name == "spread")
    return placement_policy::spread;
  if (name == "pack")
    return placement_policy::pack;
  if (name == "local_first")
    return placement_policy::local_first;
  return std::nullopt;
}

bool is_host_state(const std::string& s) {
  return s == "provisioning" || s == "ready" || s == "draining" || s == "gone";
}

bool is_host_kind(const std::string& s) {
  return s == "local" || s == "tcp" || s == "digitalocean";
}

bool has_room(const host_record& h, const std::string& tier, int64_t memory) {
  if (h.state != "ready")
    return false;
  if (!h.tier.empty() && !tier.empty() && h.tier != tier)
    return false;
  if (h.used_sessions >= h.capacity_sessions)
    return false;
  return h.capacity_memory <= 0 || h.used_memory + memory <= h.capacity_memory;
}

std::vector<size_t> placement_order(const std::vector<host_record>& hosts, const std::string& tier,
                                    int64_t memory, placement_policy policy) {
  std::vector<size_t> out;
  for (size_t i = 0; i < hosts.size(); ++i)
    if (has_room(hosts[i], tier, memory))
      out.push_back(i);
  auto load = [&](size_t i) {
    const auto& h = hosts[i];
    return h.capacity_sessions > 0 ? double(h.used_sessions) / h.capacity_sessions : 1.0;
  };
  auto local_rank = [&](size_t i) { return hosts[i].kind == "local" ? 0 : 1; };
  std::stable_sort(out.begin(), out.end(), [&](size_t a, size_t b) {
    switch (policy) {
      case placement_policy::pack:
        return load(a) > load(b);
      case placement_policy::local_first:
        if (local_rank(a) != local_rank(b))
          return local_rank(a) < local_rank(b);
        return load(a) < load(b);
      case placement_policy::spread:
      default:
        return load(a) < load(b);
    }
  });
  return out;
}

host_cost cost_line(const host_record& h) {
  host_cost c;
  c.host_id = h.id;
  c.droplet_id = h.droplet_id;
  c.region = h.region;
  c.size = h.size;
  c.hourly_usd = h.hourly_cost;
  c.started_at = h.created_at;
  c.until = h.created_at;
  return c;
}

double hours_of(const host_cost& c) {
  return c.until > c.started_at ? double(c.until - c.started_at) / 3.6e6 : 0.0;
}

double idle_usd(const host_cost& c) {
  return std::max(0.0, c.amount - c.sessions_usd);
}

void accrue(host_cost& c, epoch_ms now, int sessions, int capacity) {
  if (c.ended || now <= c.until)
    return;
  double share = capacity > 0 ? std::clamp(double(sessions) / capacity, 0.0, 1.0) : 0.0;
  c.sessions_usd += c.hourly_usd * double(now - c.until) / 3.6e6 * share;
  c.until = now;
  c.amount = c.hourly_usd * hours_of(c);
}

} // namespace spawn
