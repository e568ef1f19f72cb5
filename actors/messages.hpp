#pragma once

#include <string>

#include "core/generated_app.hpp"
#include "core/session.hpp"
#include "infra/container_runtime.hpp"
#include "persistence/store.hpp"

namespace spawn {

/// A validated request to create a session, as the HTTP layer hands it over.
struct create_request {
  std::string prompt;
  app_type type = app_type::webapp;
  int64_t ttl_seconds = 0; ///< 0: the app type's default
  std::string owner;
  std::string details{}; ///< client details of a site, JSON object text ("" : none)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_request& x) {
  return f(x.prompt, x.type, x.ttl_seconds, x.owner, x.details);
}

/// The answer to a creation: the session and, once only, its manage token.
struct created_session {
  session_record session;
  std::string manage_token;
  int estimated_seconds = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, created_session& x) {
  return f(x.session, x.manage_token, x.estimated_seconds);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, container_info& x) {
  return f(x.id, x.name, x.image, x.state, x.labels, x.host_port);
}

/// A container handed to a session: where it runs and where its files go.
struct container_lease {
  container_info container;
  std::string slot_dir;
  bool warm = false; ///< taken from the warm pool rather than started cold
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, container_lease& x) {
  return f(x.container.id, x.container.name, x.container.image, x.container.state,
           x.container.labels, x.container.host_port, x.slot_dir, x.warm);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_filter& x) {
  return f(x.owner, x.state, x.node_id, x.live_only, x.limit, x.offset);
}

} // namespace spawn

namespace spawn {

/// The admin listing: sessions as the store has them, live ones replaced by
/// what their actors answered; `live_ids` names the sessions with an actor.
struct admin_session_list {
  std::vector<session_record> sessions;
  std::vector<std::string> live_ids;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, admin_session_list& x) {
  return f(x.sessions, x.live_ids);
}

} // namespace spawn
