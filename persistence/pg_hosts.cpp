// Table `hosts` (issue 17): the Docker hosts of each node, as the host
// registry last saw them.

#include "persistence/pg_detail.hpp"

namespace spawn {

namespace {

#define SPAWN_TS(n) SPAWN_PG_TS(n)
#define SPAWN_MS(col) SPAWN_PG_MS(col)

constexpr const char* sql_save_host =
  "INSERT INTO hosts (id, node_id, kind, endpoint, private_address, region, size, tier, "
  "capacity, capacity_memory, in_use, used_memory, state, hourly_cost, droplet_id, "
  "created_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
  "$14, $15, COALESCE(" SPAWN_TS(16) ", now()), " SPAWN_TS(17) ") "
  "ON CONFLICT (id) DO UPDATE SET node_id = EXCLUDED.node_id, kind = EXCLUDED.kind, "
  "endpoint = EXCLUDED.endpoint, private_address = EXCLUDED.private_address, "
  "region = EXCLUDED.region, size = EXCLUDED.size, tier = EXCLUDED.tier, "
  "capacity = EXCLUDED.capacity, capacity_memory = EXCLUDED.capacity_memory, "
  "in_use = EXCLUDED.in_use, used_memory = EXCLUDED.used_memory, state = EXCLUDED.state, "
  "hourly_cost = EXCLUDED.hourly_cost, droplet_id = EXCLUDED.droplet_id, "
  "heartbeat_at = COALESCE(EXCLUDED.heartbeat_at, hosts.heartbeat_at)";

constexpr const char* sql_list_hosts =
  "SELECT id, kind, endpoint, private_address, region, size, tier, capacity, capacity_memory, "
  "in_use, used_memory, state, hourly_cost, droplet_id, " SPAWN_MS("created_at") ", "
  SPAWN_MS("heartbeat_at") " FROM hosts WHERE node_id = $1 ORDER BY created_at, id";

constexpr const char* sql_delete_host = "DELETE FROM hosts WHERE node_id = $1 AND id = $2";

constexpr const char* sql_save_host_cost =
  "INSERT INTO host_costs (node_id, host_id, droplet_id, region, size, hourly_usd, started_at, "
  "until, amount, sessions_usd, ended) VALUES ($1, $2, $3, $4, $5, $6, " SPAWN_TS(7) ", "
  SPAWN_TS(8) ", $9, $10, $11) "
  "ON CONFLICT (node_id, host_id) DO UPDATE SET droplet_id = EXCLUDED.droplet_id, "
  "until = EXCLUDED.until, amount = EXCLUDED.amount, sessions_usd = EXCLUDED.sessions_usd, "
  "ended = EXCLUDED.ended WHERE NOT host_costs.ended RETURNING host_id";

// A droplet's host-level bill lines (migration 21): one per node, host and kind.
constexpr const char* sql_save_host_cost_item =
  "INSERT INTO cost_items (session_id, node_id, host_id, kind, quantity, unit, unit_price, "
  "amount, at) VALUES (NULL, $1, $2, $3, $4, $5, $6, $7, COALESCE(" SPAWN_TS(8) ", now())) "
  "ON CONFLICT (node_id, host_id, kind) WHERE session_id IS NULL DO UPDATE SET "
  "quantity = EXCLUDED.quantity, unit = EXCLUDED.unit, unit_price = EXCLUDED.unit_price, "
  "amount = EXCLUDED.amount, at = EXCLUDED.at";

// Newest first; a `droplet` line carries the compute lines of the sessions
// that ran on its host (same node): how many, and what they were billed.
constexpr const char* sql_list_host_cost_items =
  "SELECT c.node_id, c.host_id, c.kind, c.quantity, c.unit, c.unit_price, c.amount, "
  SPAWN_MS("c.at") ", COALESCE(b.n, 0), COALESCE(b.usd, 0) FROM cost_items c "
  "LEFT JOIN LATERAL (SELECT count(DISTINCT s.session_id)::int AS n, sum(s.amount) AS usd "
  "FROM cost_items s WHERE s.session_id IS NOT NULL AND s.kind = 'compute' "
  "AND s.node_id = c.node_id AND s.host_id = c.host_id) b ON c.kind = 'droplet' "
  "WHERE c.session_id IS NULL AND ($1 = '' OR c.node_id = $1) AND ($2 = '' OR c.host_id = $2) "
  "AND ($3 = '' OR c.kind = $3) ORDER BY c.at DESC, c.node_id, c.host_id, c.kind "
  "LIMIT $4 OFFSET $5";

constexpr const char* sql_list_host_costs =
  "SELECT host_id, droplet_id, region, size, hourly_usd, " SPAWN_MS("started_at") ", "
  SPAWN_MS("until") ", amount, sessions_usd, ended FROM host_costs WHERE node_id = $1 "
  "ORDER BY started_at, host_id";

#undef SPAWN_MS
#undef SPAWN_TS

caf::error to_error(caf::expected<bool>&& x) {
  return x ? caf::error{} : std::move(x.error());
}

host_record to_host(const pqxx::row& r) {
  host_record h;
  h.id = r[0].as<std::string>();
  h.kind = r[1].as<std::string>();
  h.address = r[2].as<std::string>();
  h.private_address = r[3].as<std::string>();
  h.region = r[4].as<std::string>();
  h.size = r[5].as<std::string>();
  h.tier = r[6].as<std::string>();
  h.capacity_sessions = r[7].as<int>();
  h.capacity_memory = r[8].as<int64_t>();
  h.used_sessions = r[9].as<int>();
  h.used_memory = r[10].as<int64_t>();
  h.state = r[11].as<std::string>();
  h.hourly_cost = r[12].as<double>();
  h.droplet_id = r[13].as<std::string>();
  h.created_at = r[14].as<epoch_ms>();
  h.last_seen = r[15].as<epoch_ms>();
  return h;
}

} // namespace

caf::error pg_store::save_host(const std::string& node_id, const host_record& h) {
  return to_error(guarded<bool>("save_host", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    tx.exec_params(sql_save_host, h.id, node_id, h.kind, h.address, h.private_address, h.region,
                   h.size, h.tier, h.capacity_sessions, h.capacity_memory, h.used_sessions,
                   h.used_memory, h.state, h.hourly_cost, h.droplet_id, h.created_at,
                   h.last_seen);
    tx.commit();
    return true;
  }));
}

caf::expected<std::vector<host_record>> pg_store::list_hosts(const std::string& node_id) {
  return guarded<std::vector<host_record>>("list_hosts", [&](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    std::vector<host_record> out;
    for (const auto& r : tx.exec_params(sql_list_hosts, node_id))
      out.push_back(to_host(r));
    return out;
  });
}

caf::error pg_store::save_host_cost(const std::string& node_id, const host_cost& c) {
  return to_error(guarded<bool>("save_host_cost", [&](pqxx::connection& conn) {
    pqxx::work tx{conn};
    auto saved = tx.exec_params(sql_save_host_cost, node_id, c.host_id, c.droplet_id, c.region,
                                c.size, c.hourly_usd, c.started_at, c.until, c.amount,
                                c.sessions_usd, c.ended);
    if (saved.empty())
      return true; // ended before: its lines are final
    for (const auto& i : host_cost_items(c, node_id))
      tx.exec_params(sql_save_host_cost_item, node_id, i.host_id, i.kind, i.quantity, i.unit,
                     i.unit_price, i.amount, i.at);
    tx.commit();
    return true;
  }));
}

caf::expected<std::vector<host_cost_row>>
pg_store::list_host_cost_items(const host_cost_filter& f) {
  return guarded<std::vector<host_cost_row>>("list_host_cost_items", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx{conn};
    std::vector<host_cost_row> out;
    for (const auto& r : tx.exec_params(sql_list_host_cost_items, f.node_id, f.host_id, f.kind,
                                        f.limit, f.offset)) {
      host_cost_row row;
      row.item.node_id = r[0].as<std::string>();
      row.item.host_id = r[1].as<std::string>();
      row.item.kind = r[2].as<std::string>();
      row.item.quantity = r[3].as<double>();
      row.item.unit = r[4].as<std::string>();
      row.item.unit_price = r[5].as<double>();
      row.item.amount = r[6].as<double>();
      row.item.at = r[7].as<epoch_ms>();
      row.sessions = r[8].as<int>();
      row.sessions_billed = r[9].as<double>();
      out.push_back(std::move(row));
    }
    return out;
  });
}

caf::expected<std::vector<host_cost>> pg_store::list_host_costs(const std::string& node_id) {
  return guarded<std::vector<host_cost>>("list_host_costs", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx{conn};
    std::vector<host_cost> out;
    for (const auto& r : tx.exec_params(sql_list_host_costs, node_id)) {
      host_cost c;
      c.host_id = r[0].as<std::string>();
      c.droplet_id = r[1].as<std::string>();
      c.region = r[2].as<std::string>();
      c.size = r[3].as<std::string>();
      c.hourly_usd = r[4].as<double>();
      c.started_at = r[5].as<epoch_ms>();
      c.until = r[6].as<epoch_ms>();
      c.amount = r[7].as<double>();
      c.sessions_usd = r[8].as<double>();
      c.ended = r[9].as<bool>();
      out.push_back(std::move(c));
    }
    return out;
  });
}

caf::error pg_store::delete_host(const std::string& node_id, const std::string& id) {
  return to_error(guarded<bool>("delete_host", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    tx.exec_params(sql_delete_host, node_id, id);
    tx.commit();
    return true;
  }));
}

} // namespace spawn
