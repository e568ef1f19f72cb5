#include "core/hosts.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/error.hpp"

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

namespace {

bool all_of_chars(const std::string& s, size_t max, bool (*ok)(char)) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), ok);
}

/// A decimal in [lo, hi], digits only.
std::optional<int> bounded_int(const std::string& s, int lo, int hi) {
  if (s.empty() || s.size() > 7 || !std::all_of(s.begin(), s.end(), [](char c) {
        return c >= '0' && c <= '9';
      }))
    return std::nullopt;
  int v = std::stoi(s);
  return v >= lo && v <= hi ? std::optional<int>{v} : std::nullopt;
}

} // namespace

caf::expected<host_cost_filter>
parse_host_cost_filter(const std::vector<std::pair<std::string, std::string>>& query) {
  host_cost_filter f;
  std::set<std::string> seen;
  auto bad = [](const std::string& what) { return make_error(errc::invalid_input, what); };
  for (auto& [key, value] : query) {
    if (!seen.insert(key).second)
      return bad("'" + key + "' is given twice");
    if (key == "node") {
      if (!all_of_chars(value, 64, [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
          }))
        return bad("node must be 1-64 characters of A-Z a-z 0-9 . _ -");
      f.node_id = value;
    } else if (key == "host") { // a droplet's id holds its node's
      if (!all_of_chars(value, 128, [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
          }))
        return bad("host must be 1-128 characters of A-Z a-z 0-9 . _ -");
      f.host_id = value;
    } else if (key == "kind") {
      if (value != "droplet" && value != "droplet_idle")
        return bad("kind must be droplet or droplet_idle");
      f.kind = value;
    } else if (key == "limit") {
      auto v = bounded_int(value, 1, 1000);
      if (!v)
        return bad("limit must be 1-1000");
      f.limit = *v;
    } else if (key == "offset") {
      auto v = bounded_int(value, 0, 1000000);
      if (!v)
        return bad("offset must be 0-1000000");
      f.offset = *v;
    } else {
      return bad("unknown parameter '" + key + "' (node, host, kind, limit, offset)");
    }
  }
  return f;
}

std::vector<cost_item> host_cost_items(const host_cost& c, const std::string& node) {
  cost_item all;
  all.kind = "droplet";
  all.quantity = hours_of(c);
  all.unit = "hour";
  all.unit_price = c.hourly_usd;
  all.amount = c.amount;
  all.at = c.until;
  all.node_id = node;
  all.host_id = c.host_id;
  cost_item idle = all;
  idle.kind = "droplet_idle";
  idle.amount = idle_usd(c);
  // The seats its sessions used are known only as their price's share.
  idle.quantity = c.amount > 0 ? all.quantity * idle.amount / c.amount : all.quantity;
  return {all, idle};
}

} // namespace spawn
