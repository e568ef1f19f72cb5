// Table `session_domains` (issue 18): which session holds each custom domain.

#include "persistence/pg_detail.hpp"

namespace spawn {

namespace {

/// A holder that is not live any more gives way (only to another session).
constexpr const char* sql_free_stale =
  "DELETE FROM session_domains d USING sessions s WHERE d.domain = $2 AND d.session_id <> $1 "
  "AND s.id = d.session_id AND s.state IN ('failed', 'destroying', 'destroyed')";

constexpr const char* sql_claim =
  "INSERT INTO session_domains (domain, session_id) VALUES ($2, $1) "
  "ON CONFLICT (domain) DO NOTHING";

constexpr const char* sql_holder = "SELECT session_id FROM session_domains WHERE domain = $1";

constexpr const char* sql_release =
  "DELETE FROM session_domains WHERE domain = $2 AND session_id = $1";

caf::error to_error(caf::expected<bool>&& x) {
  return x ? caf::error{} : std::move(x.error());
}

} // namespace

caf::error pg_store::claim_domain(const std::string& session_id, const std::string& domain) {
  return to_error(guarded<bool>("claim_domain", [&](pqxx::connection& c) -> caf::expected<bool> {
    pqxx::work tx{c};
    if (tx.exec_prepared("lock_session", session_id).empty())
      return make_error(errc::not_found, "no session " + session_id);
    tx.exec_params(sql_free_stale, session_id, domain);
    tx.exec_params(sql_claim, session_id, domain);
    auto holder = tx.exec_params(sql_holder, domain);
    tx.commit();
    if (!holder.empty() && holder[0][0].as<std::string>() != session_id)
      return make_error(errc::conflict, "the domain " + domain
                                          + " is attached to another live session");
    return true;
  }));
}

caf::error pg_store::release_domain(const std::string& session_id, const std::string& domain) {
  return to_error(guarded<bool>("release_domain", [&](pqxx::connection& c) -> caf::expected<bool> {
    pqxx::work tx{c};
    tx.exec_params(sql_release, session_id, domain);
    tx.commit();
    return true;
  }));
}

caf::expected<std::string> pg_store::domain_holder(const std::string& domain) {
  return guarded<std::string>("domain_holder",
                              [&](pqxx::connection& c) -> caf::expected<std::string> {
                                pqxx::read_transaction tx{c};
                                auto r = tx.exec_params(sql_holder, domain);
                                if (r.empty())
                                  return make_error(errc::not_found,
                                                    "no session has the domain " + domain);
                                return r[0][0].as<std::string>();
                              });
}

} // namespace spawn
