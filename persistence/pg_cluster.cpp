// The cluster's tables (issue 14): nodes with their incarnation and lease,
// session ownership claims and hand-overs, the cluster's event log. Every
// time is the database's clock, so the nodes need not agree on theirs.

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "persistence/pg_detail.hpp"

namespace spawn {

namespace {

#define SPAWN_TS(n) SPAWN_PG_TS(n)
#define SPAWN_MS(col) SPAWN_PG_MS(col)

/// A new incarnation: epoch + 1 (1 for a node never seen), up, leased.
constexpr const char* sql_join =
  "INSERT INTO nodes (id, address, port, state, capacity, started_at, heartbeat_at, metadata, "
  "epoch, cluster_host, cluster_port, edge_address, lease_until, cluster) "
  "VALUES ($1, $2, $3, 'up', $4, now(), now(), $5::jsonb, 1, $6, $7, $8, "
  "now() + $9 * interval '1 millisecond', $10) "
  "ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address, port = EXCLUDED.port, "
  "state = 'up', capacity = EXCLUDED.capacity, started_at = now(), heartbeat_at = now(), "
  "metadata = EXCLUDED.metadata, epoch = nodes.epoch + 1, "
  "cluster_host = EXCLUDED.cluster_host, cluster_port = EXCLUDED.cluster_port, "
  "edge_address = EXCLUDED.edge_address, lease_until = EXCLUDED.lease_until, "
  "cluster = EXCLUDED.cluster RETURNING epoch";

/// Only the incarnation that is still up renews; a dead or replaced one learns it.
constexpr const char* sql_renew =
  "UPDATE nodes SET heartbeat_at = now(), lease_until = now() + $3 * interval '1 millisecond', "
  "metadata = $4::jsonb, capacity = $5 WHERE id = $1 AND epoch = $2 AND state = 'up' "
  "RETURNING 1";

constexpr const char* sql_leave =
  "UPDATE nodes SET state = 'left', lease_until = now() WHERE id = $1 AND epoch = $2 "
  "AND state = 'up' RETURNING 1";

constexpr const char* sql_declare_dead =
  "UPDATE nodes SET state = 'dead' WHERE cluster = $1 AND cluster <> '' AND state = 'up' "
  "AND lease_until < now() "
  "RETURNING id, epoch, " SPAWN_MS("heartbeat_at") ", " SPAWN_MS("lease_until");

constexpr const char* sql_declare_gone =
  "UPDATE nodes SET state = 'dead' WHERE id = $1 AND epoch = $2 AND cluster <> '' "
  "AND state = 'up' "
  "RETURNING id, epoch, " SPAWN_MS("heartbeat_at") ", " SPAWN_MS("lease_until");

/// The conditional claim: a session whose owner incarnation is not up is
/// locked (others skip it) and moved to the claimer in one statement. Only
/// the claimer's own sessions, or those of nodes of its cluster ($5).
constexpr const char* sql_claim =
  "WITH orphans AS ("
  " SELECT s.id AS oid, s.node_id AS old_node, s.owner_epoch AS old_epoch FROM sessions s"
  " WHERE s.state <> 'destroyed' AND ($3 = '' OR s.node_id = $3)"
  " AND NOT (s.node_id = $1 AND s.owner_epoch = $2)"
  " AND (s.node_id = $1 OR ($5 <> '' AND EXISTS (SELECT 1 FROM nodes c WHERE c.id = s.node_id"
  "                                              AND c.cluster = $5)))"
  " AND NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id = s.node_id"
  "                 AND n.epoch = s.owner_epoch AND n.state = 'up')"
  " ORDER BY s.created_at, s.id LIMIT $4 FOR UPDATE OF s SKIP LOCKED) "
  "UPDATE sessions SET node_id = $1, owner_epoch = $2 FROM orphans WHERE sessions.id = orphans.oid "
  // conditional on the owner it had: a claimer that took it meanwhile wins
  "AND sessions.node_id = orphans.old_node AND sessions.owner_epoch = orphans.old_epoch "
  "RETURNING " SPAWN_PG_SESSION_COLUMNS ", orphans.old_node, orphans.old_epoch";

constexpr const char* sql_hand_over =
  "UPDATE sessions SET node_id = $4, owner_epoch = $5 WHERE id = $1 AND node_id = $2 "
  "AND owner_epoch = $3 AND state <> 'destroyed' RETURNING " SPAWN_PG_SESSION_COLUMNS;

constexpr const char* sql_owned =
  "SELECT id FROM sessions WHERE node_id = $1 AND owner_epoch = $2 AND state <> 'destroyed' "
  "ORDER BY id";

constexpr const char* sql_remote_routes =
  "SELECT s.id, s.node_id, n.edge_address, COALESCE(s.metadata->'domains', '[]')::text "
  "FROM sessions s JOIN nodes n "
  "ON n.id = s.node_id AND n.epoch = s.owner_epoch "
  "WHERE s.state <> 'destroyed' AND s.node_id <> $1 AND n.state = 'up' AND n.edge_address <> '' "
  "AND n.cluster = $2 AND n.cluster <> '' "
  "ORDER BY s.id";

constexpr const char* sql_log_event =
  "INSERT INTO cluster_events (node_id, epoch, kind, detail, by_node) "
  "VALUES ($1, $2, $3, $4::jsonb, $5)";

constexpr const char* sql_list_events =
  "SELECT seq, " SPAWN_MS("at") ", node_id, epoch, kind, detail::text, by_node "
  "FROM cluster_events WHERE seq > $1 ORDER BY seq LIMIT $2";

constexpr const char* sql_list_nodes =
  "SELECT n.id, n.address, n.port, n.state, n.capacity, " SPAWN_MS("n.started_at") ", "
  SPAWN_MS("n.heartbeat_at") ", n.metadata::text, n.epoch, n.cluster_host, n.cluster_port, "
  "n.edge_address, " SPAWN_MS("n.lease_until") ", "
  "(n.state = 'up' AND n.lease_until >= now()), "
  "(SELECT count(*) FROM sessions s WHERE s.node_id = n.id AND s.owner_epoch = n.epoch "
  " AND s.state <> 'destroyed')::integer, "
  "COALESCE((n.metadata->>'queued')::integer, 0), n.cluster, "
  "COALESCE((SELECT json_object_agg(t.tier, t.c) FROM (SELECT s.tier, count(*) AS c "
  " FROM sessions s WHERE s.node_id = n.id AND s.owner_epoch = n.epoch "
  " AND s.state <> 'destroyed' GROUP BY s.tier) t)::text, '{}') "
  "FROM nodes n ORDER BY n.id";

#undef SPAWN_MS
#undef SPAWN_TS

void log_event(pqxx::work& tx, const std::string& node, int64_t epoch, const char* kind,
               const nlohmann::json& detail, const std::string& by) {
  tx.exec_params(sql_log_event, node, epoch, kind, detail.dump(), by);
}

} // namespace

caf::expected<int64_t> pg_store::join_cluster(const node_record& n, int64_t lease_ms) {
  return guarded<int64_t>("join_cluster", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    auto row = tx.exec_params1(sql_join, n.id, n.address, n.port, n.capacity, n.metadata,
                               n.cluster_host, n.cluster_port, n.edge_address, lease_ms,
                               n.cluster);
    auto epoch = row[0].as<int64_t>();
    log_event(tx, n.id, epoch, "join",
              {{"address", n.address},
               {"cluster", n.cluster_host + ":" + std::to_string(n.cluster_port)},
               {"edge", n.edge_address},
               {"capacity", n.capacity}},
              n.id);
    tx.commit();
    return epoch;
  });
}

caf::expected<bool> pg_store::renew_lease(const node_record& n, int64_t lease_ms) {
  return guarded<bool>("renew_lease", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    auto rows = tx.exec_params(sql_renew, n.id, n.epoch, lease_ms, n.metadata, n.capacity);
    tx.commit();
    return !rows.empty();
  });
}

caf::error pg_store::leave_cluster(const std::string& id, int64_t epoch) {
  auto r = guarded<bool>("leave_cluster", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    if (!tx.exec_params(sql_leave, id, epoch).empty())
      log_event(tx, id, epoch, "leave", nlohmann::json::object(), id);
    tx.commit();
    return true;
  });
  return r ? caf::error{} : std::move(r.error());
}

caf::expected<std::vector<node_record>> pg_store::declare_dead(const std::string& cluster,
                                                             const std::string& by) {
  return guarded<std::vector<node_record>>("declare_dead", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    std::vector<node_record> out;
    for (const auto& r : tx.exec_params(sql_declare_dead, cluster)) {
      node_record n;
      n.id = r[0].as<std::string>();
      n.epoch = r[1].as<int64_t>();
      n.heartbeat_at = r[2].as<epoch_ms>();
      n.lease_until = r[3].as<epoch_ms>();
      n.state = "dead";
      log_event(tx, n.id, n.epoch, "death",
                {{"last_heartbeat_ms", n.heartbeat_at}, {"lease_until_ms", n.lease_until}}, by);
      out.push_back(std::move(n));
    }
    tx.commit();
    return out;
  });
}

caf::expected<std::vector<node_record>> pg_store::declare_gone(const session_owner& node,
                                                             const std::string& by,
                                                             const std::string& why) {
  return guarded<std::vector<node_record>>("declare_gone", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    std::vector<node_record> out;
    for (const auto& r : tx.exec_params(sql_declare_gone, node.node_id, node.epoch)) {
      node_record n;
      n.id = r[0].as<std::string>();
      n.epoch = r[1].as<int64_t>();
      n.heartbeat_at = r[2].as<epoch_ms>();
      n.lease_until = r[3].as<epoch_ms>();
      n.state = "dead";
      log_event(tx, n.id, n.epoch, "death",
                {{"last_heartbeat_ms", n.heartbeat_at}, {"lease_until_ms", n.lease_until},
                 {"before_lease", why}},
                by);
      out.push_back(std::move(n));
    }
    tx.commit();
    return out;
  });
}

caf::expected<std::vector<session_record>>
pg_store::claim_orphans(const session_owner& by, int limit, const std::string& of_node,
                        const std::string& cluster) {
  using result_t = std::vector<session_record>;
  return guarded<result_t>("claim_orphans", [&](pqxx::connection& c) -> caf::expected<result_t> {
    pqxx::work tx{c};
    auto rows = tx.exec_params(sql_claim, by.node_id, by.epoch, of_node, std::max(limit, 0),
                               cluster);
    result_t out;
    std::map<std::pair<std::string, int64_t>, std::vector<std::string>> from;
    for (const auto& row : rows) {
      auto s = pg_detail::to_session(row);
      if (!s)
        return std::move(s.error());
      from[{row[24].as<std::string>(), row[25].as<int64_t>()}].push_back(s->id);
      out.push_back(std::move(*s));
    }
    for (auto& [owner, ids] : from)
      log_event(tx, owner.first, owner.second, "claim",
                {{"claimed_by", by.node_id}, {"claimer_epoch", by.epoch}, {"sessions", ids}},
                by.node_id);
    tx.commit();
    return out;
  });
}

caf::expected<session_record> pg_store::hand_over(const std::string& id,
                                                  const session_owner& from,
                                                  const session_owner& to) {
  return guarded<session_record>("hand_over", [&](pqxx::connection& c)
                                   -> caf::expected<session_record> {
    pqxx::work tx{c};
    auto rows = tx.exec_params(sql_hand_over, id, from.node_id, from.epoch, to.node_id, to.epoch);
    if (rows.empty())
      return make_error(errc::fenced, "session " + id + " is not live on " + from.node_id
                                        + " (epoch " + std::to_string(from.epoch) + ")");
    auto s = pg_detail::to_session(rows[0]);
    if (s)
      tx.commit();
    return s;
  });
}

caf::expected<std::vector<std::string>> pg_store::owned_sessions(const session_owner& o) {
  return guarded<std::vector<std::string>>("owned_sessions", [&](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    std::vector<std::string> out;
    for (const auto& r : tx.exec_params(sql_owned, o.node_id, o.epoch))
      out.push_back(r[0].as<std::string>());
    return out;
  });
}

caf::expected<std::vector<remote_route>> pg_store::remote_routes(const std::string& node_id,
                                                                const std::string& cluster) {
  return guarded<std::vector<remote_route>>("remote_routes", [&](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    std::vector<remote_route> out;
    for (const auto& r : tx.exec_params(sql_remote_routes, node_id, cluster)) {
      remote_route route{r[0].as<std::string>(), r[1].as<std::string>(),
                         r[2].as<std::string>(), {}};
      auto domains = nlohmann::json::parse(r[3].as<std::string>(), nullptr, false);
      if (domains.is_array())
        for (auto& d : domains)
          if (d.is_string())
            route.domains.push_back(d.get<std::string>());
      out.push_back(std::move(route));
    }
    return out;
  });
}

caf::error pg_store::log_cluster_event(const cluster_event& e) {
  auto r = guarded<bool>("log_cluster_event", [&](pqxx::connection& c) {
    pqxx::work tx{c};
    tx.exec_params(sql_log_event, e.node_id, e.epoch, e.kind,
                   e.detail.empty() ? std::string{"{}"} : e.detail, e.by);
    tx.commit();
    return true;
  });
  return r ? caf::error{} : std::move(r.error());
}

caf::expected<std::vector<cluster_event>> pg_store::cluster_events(int64_t after_seq, int limit) {
  return guarded<std::vector<cluster_event>>("cluster_events", [&](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    std::vector<cluster_event> out;
    for (const auto& r : tx.exec_params(sql_list_events, after_seq, std::clamp(limit, 1, 10000))) {
      cluster_event e;
      e.seq = r[0].as<int64_t>();
      e.at = r[1].as<epoch_ms>();
      e.node_id = r[2].as<std::string>();
      e.epoch = r[3].as<int64_t>();
      e.kind = r[4].as<std::string>();
      e.detail = r[5].as<std::string>();
      e.by = r[6].as<std::string>();
      out.push_back(std::move(e));
    }
    return out;
  });
}

caf::expected<std::vector<node_record>> pg_store::list_nodes() {
  return guarded<std::vector<node_record>>("list_nodes", [](pqxx::connection& c) {
    pqxx::read_transaction tx{c};
    std::vector<node_record> out;
    for (const auto& r : tx.exec(sql_list_nodes)) {
      node_record n;
      n.id = r[0].as<std::string>();
      n.address = r[1].as<std::string>();
      n.port = r[2].as<int>();
      n.state = r[3].as<std::string>();
      n.capacity = r[4].as<int>();
      n.started_at = r[5].as<epoch_ms>();
      n.heartbeat_at = r[6].as<epoch_ms>();
      n.metadata = r[7].as<std::string>();
      n.epoch = r[8].as<int64_t>();
      n.cluster_host = r[9].as<std::string>();
      n.cluster_port = r[10].as<int>();
      n.edge_address = r[11].as<std::string>();
      n.lease_until = r[12].as<epoch_ms>();
      n.alive = r[13].as<bool>();
      n.live_sessions = r[14].as<int>();
      n.queued = r[15].as<int>();
      n.cluster = r[16].as<std::string>();
      auto tiers = nlohmann::json::parse(r[17].as<std::string>(), nullptr, false);
      if (tiers.is_object())
        for (auto& [tier, count] : tiers.items())
          if (count.is_number_integer())
            n.live_by_tier[tier] = count.get<int>();
      out.push_back(std::move(n));
    }
    return out;
  });
}

} // namespace spawn
