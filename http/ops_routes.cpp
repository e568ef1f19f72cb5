#include "http/ops_routes.hpp"
#include "core/metric_names.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/atoms.hpp"
#include "core/messages.hpp"
#include "core/error.hpp"
#include "core/hosts.hpp"
#include "core/metrics.hpp"
#include "core/tokens.hpp"
#include "http/auth.hpp"
#include "http/json_codec.hpp"
#include "http/reply.hpp"

namespace spawn {

namespace {

using nlohmann::json;
using restinio::request_handle_t;
using params_t = restinio::router::route_params_t;

json node_json(const node_record& n, epoch_ms now) {
  auto meta = json::parse(n.metadata, nullptr, false);
  return json{{"id", n.id},
              {"address", n.address},
              {"port", n.port},
              {"state", n.state},
              {"capacity", n.capacity},
              {"started_at", iso_time(n.started_at)},
              {"heartbeat_at", iso_time(n.heartbeat_at)},
              {"heartbeat_age_seconds", n.heartbeat_at > 0 ? (now - n.heartbeat_at) / 1000 : -1},
              {"metadata", meta.is_discarded() ? json::object() : meta},
              {"cluster", n.cluster},
              {"epoch", n.epoch},
              {"alive", n.alive},
              {"lease_until", iso_time(n.lease_until)},
              {"middleman", n.cluster_port > 0
                              ? json(n.cluster_host + ":" + std::to_string(n.cluster_port))
                              : json(nullptr)},
              {"edge", n.edge_address.empty() ? json(nullptr) : json(n.edge_address)},
              {"live_sessions", n.live_sessions},
              {"live_by_tier", n.live_by_tier},
              {"load", n.capacity > 0 ? double(n.live_sessions) / n.capacity : 0.0}};
}

json cluster_event_json(const cluster_event& e) {
  auto detail = json::parse(e.detail, nullptr, false);
  return json{{"seq", e.seq},
              {"at", iso_time(e.at)},
              {"node_id", e.node_id},
              {"epoch", e.epoch},
              {"kind", e.kind},
              {"by", e.by},
              {"detail", detail.is_discarded() ? json::object() : detail}};
}

/// Parses the admin session filter; an error is already answered.
std::optional<session_filter> admin_filter(const request_handle_t& req) {
  session_filter f;
  try {
    auto qp = restinio::parse_query(req->header().query());
    for (auto& [name, value] : qp) {
      auto key = std::string{name.data(), name.size()};
      auto val = std::string{value.data(), value.size()};
      if (key == "state")
        f.state = val;
      else if (key == "owner")
        f.owner = val;
      else if (key == "node")
        f.node_id = val;
      else if (key == "live")
        f.live_only = val == "1" || val == "true";
      else if (key == "limit")
        f.limit = restinio::cast_to<int>(value);
      else if (key == "offset")
        f.offset = restinio::cast_to<int>(value);
      else
        throw std::invalid_argument{"unknown parameter '" + key + "'"};
    }
  } catch (const std::exception& e) {
    reply_error(req, restinio::status_bad_request(), "invalid_input",
                std::string{"bad query ("} + e.what()
                  + "): state, owner, node, live, limit (1-500), offset (>= 0)");
    return std::nullopt;
  }
  if (!f.state.empty() && !parse_phase(f.state)) {
    reply_error(req, restinio::status_bad_request(), "invalid_input",
                "unknown state '" + f.state + "'");
    return std::nullopt;
  }
  if (f.limit < 1 || f.limit > 500 || f.offset < 0) {
    reply_error(req, restinio::status_bad_request(), "invalid_input",
                "limit must be 1-500 and offset >= 0");
    return std::nullopt;
  }
  return f;
}

/// Answers 401/403 and returns false unless the request carries the admin token.
bool admin_ok(const request_handle_t& req, const spawn_config& cfg) {
  if (auto err = check_admin(req, cfg)) {
    reply_error(req, err);
    return false;
  }
  return true;
}

void reply_json_string(const request_handle_t& req, restinio::http_status_line_t status,
                       const std::string& body) {
  reply_json(req, std::move(status), body);
}

} // namespace

void add_ops_routes(tracked_router& r, const ops_env& env) {
  auto accepted = [] { return restinio::request_accepted(); };
  auto& sys = *env.sys;
  auto manager = env.manager;
  auto cfg = env.cfg;
  auto base = env.base_url;

  r.http_get("/metrics", [&sys, accepted](auto req, auto) {
    auto& m = metrics::global();
    m.set(metrics::names::actors_running, {}, double(sys.registry().running()));
    auto body = m.render();
    http_finished(req, 200);
    req->create_response()
      .append_header(restinio::http_field::content_type, "text/plain; version=0.0.4; charset=utf-8")
      .append_header(restinio::http_field::cache_control, "no-store")
      .set_body(std::move(body))
      .done();
    return accepted();
  });

  r.http_get("/admin/v1/nodes", [=, &sys](auto req, auto) {
    if (admin_ok(req, *cfg))
      ask<std::vector<node_record>>(
        sys, manager, req,
        [](const request_handle_t& rq, std::vector<node_record>& nodes) {
          auto now = now_ms();
          json arr = json::array();
          for (auto& n : nodes)
            arr.push_back(node_json(n, now));
          reply_json(rq, restinio::status_ok(), json{{"nodes", arr}}.dump());
        },
        atoms::nodes::value);
    return accepted();
  });

  // The cluster's log: joins, leaves, deaths, claims (?after=SEQ&limit=N).
  r.http_get("/admin/v1/cluster/events", [=, &sys](auto req, auto) {
    if (!admin_ok(req, *cfg))
      return accepted();
    int64_t after = 0;
    int limit = 200;
    try {
      for (auto& [name, value] : restinio::parse_query(req->header().query())) {
        auto key = std::string{name.data(), name.size()};
        if (key == "after")
          after = restinio::cast_to<int64_t>(value);
        else if (key == "limit")
          limit = restinio::cast_to<int>(value);
        else
          throw std::invalid_argument{"unknown parameter '" + key + "'"};
      }
      if (after < 0 || limit < 1 || limit > 10000)
        throw std::invalid_argument{"after must be >= 0 and limit within 1..10000"};
    } catch (const std::exception& e) {
      reply_error(req, restinio::status_bad_request(), "invalid_input",
                  std::string{"bad query: "} + e.what());
      return accepted();
    }
    ask<std::vector<cluster_event>>(
      sys, manager, req,
      [](const request_handle_t& rq, std::vector<cluster_event>& evs) {
        json arr = json::array();
        for (auto& e : evs)
          arr.push_back(cluster_event_json(e));
        reply_json(rq, restinio::status_ok(), json{{"events", arr}}.dump());
      },
      atoms::clevents::value, after, limit);
    return accepted();
  });

  r.http_get("/admin/v1/sessions", [=, &sys](auto req, auto) {
    if (!admin_ok(req, *cfg))
      return accepted();
    auto f = admin_filter(req);
    if (!f)
      return accepted();
    auto limit = f->limit, offset = f->offset;
    ask<admin_session_list>(
      sys, manager, req,
      [base, limit, offset](const request_handle_t& rq, admin_session_list& l) {
        json arr = json::array();
        for (auto& s : l.sessions) {
          auto j = session_json(s, base);
          j["owner"] = s.owner;
          j["owner_epoch"] = s.owner_epoch;
          j["container_id"] = s.container_id;
          j["actor_alive"] =
            std::find(l.live_ids.begin(), l.live_ids.end(), s.id) != l.live_ids.end();
          arr.push_back(std::move(j));
        }
        reply_json(rq, restinio::status_ok(),
                   json{{"sessions", arr}, {"limit", limit}, {"offset", offset}}.dump());
      },
      atoms::admlist::value, *f);
    return accepted();
  });

  // An admin call on one session: asks the manager `(atom, id)` and answers
  // its JSON with 200.
  auto session_json_call = [=, &sys](auto atom) {
    return [=, &sys](auto req, auto params) {
      if (!admin_ok(req, *cfg))
        return accepted();
      if (auto id = path_session_id(req, params))
        ask<std::string>(
          sys, manager, req,
          [](const request_handle_t& rq, std::string& body) {
            reply_json_string(rq, restinio::status_ok(), body);
          },
          atom, *id);
      return accepted();
    };
  };

  r.http_get("/admin/v1/sessions/:id", session_json_call(atoms::introspect::value));

  // Restarts the session's actor from its persisted state (the manager's
  // crash path): for an actor that looks wedged. 200 once the new one has
  // checked reality; 409 when no actor holds the session on this node; 404
  // when no such session exists at all (the manager says only "no actor", so
  // its 409 is checked against the store).
  r.http_post("/admin/v1/sessions/:id/restart", [=, &sys](auto req, auto params) {
    if (!admin_ok(req, *cfg))
      return accepted();
    auto id = path_session_id(req, params);
    if (!id)
      return accepted();
    sys.spawn([=, id = *id](caf::event_based_actor* self) {
      self->request(manager, std::chrono::seconds{35}, atoms::restart::value, id)
        .then([=](std::string& body) { reply_json_string(req, restinio::status_ok(), body); },
              [=](caf::error& err) {
                if (code_of(err) != errc::conflict)
                  return reply_error(req, err);
                self->request(manager, std::chrono::seconds{35}, atoms::get::value, id)
                  .then([=](session_record&) { reply_error(req, err); },
                        [=](caf::error& lookup) {
                          reply_error(req, code_of(lookup) == errc::not_found ? lookup : err);
                        });
              });
    });
    return accepted();
  });

  r.http_delete("/admin/v1/sessions/:id", [=, &sys](auto req, auto params) {
    if (!admin_ok(req, *cfg))
      return accepted();
    if (auto id = path_session_id(req, params))
      ask<session_record>(
        sys, manager, req,
        [base](const request_handle_t& rq, session_record& rec) {
          reply_json(rq, restinio::status_accepted(), session_json(rec, base).dump());
        },
        atoms::force::value, *id);
    return accepted();
  });

  r.http_get("/admin/v1/stats", [=, &sys](auto req, auto) {
    if (admin_ok(req, *cfg))
      ask<std::string>(
        sys, manager, req,
        [](const request_handle_t& rq, std::string& body) {
          reply_json_string(rq, restinio::status_ok(), body);
        },
        atoms::stats::value);
    return accepted();
  });

  r.http_post("/admin/v1/keys", [=, &sys](auto req, auto) {
    if (!admin_ok(req, *cfg))
      return accepted();
    json body = json::parse(req->body(), nullptr, false);
    if (!body.is_object() || !body.contains("owner") || !body["owner"].is_string()
        || !is_owner_name(body["owner"].get<std::string>())) {
      reply_error(req, restinio::status_bad_request(), "invalid_input",
                  "expected {\"owner\": 1-64 characters of A-Z a-z 0-9 . _ @ -}");
      return accepted();
    }
    ask<std::string>(
      sys, manager, req,
      [](const request_handle_t& rq, std::string& created) {
        reply_json_string(rq, restinio::status_created(), created);
      },
      atoms::keys::value, body["owner"].get<std::string>());
    return accepted();
  });

  // Docker hosts (issue 17).
  auto hosts = env.hosts;
  auto no_registry = [](const request_handle_t& req) {
    reply_error(req, restinio::status_service_unavailable(), "unavailable",
                "this node has no host registry");
  };
  auto host_id = [](const request_handle_t& req, const params_t& params) -> std::optional<std::string> {
    auto id = restinio::cast_to<std::string>(params["id"]);
    bool ok = !id.empty() && id.size() <= 32;
    for (char c : id)
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
    if (!ok) {
      reply_error(req, restinio::status_not_found(), "not_found", "no host '" + id + "'");
      return std::nullopt;
    }
    return id;
  };
  auto host_reply = [](restinio::http_status_line_t status) {
    return [status](const request_handle_t& rq, std::string& body) {
      reply_json_string(rq, status, body);
    };
  };
  r.http_get("/admin/v1/hosts", [=, &sys](auto req, auto) {
    if (!admin_ok(req, *cfg))
      return accepted();
    if (!hosts)
      no_registry(req);
    else
      ask<std::string>(sys, hosts, req, host_reply(restinio::status_ok()), atoms::hosts::value);
    return accepted();
  });
  r.http_post("/admin/v1/hosts", [=, &sys](auto req, auto) {
    if (!admin_ok(req, *cfg))
      return accepted();
    if (!hosts)
      no_registry(req);
    else // the registry checks the body (http: 400 with the field) and the engine
      ask<std::string>(sys, hosts, req, host_reply(restinio::status_created()),
                       atoms::hostadd::value, std::string{req->body()});
    return accepted();
  });
  r.http_post("/admin/v1/hosts/:id/drain", [=, &sys](auto req, auto params) {
    if (!admin_ok(req, *cfg))
      return accepted();
    auto id = host_id(req, params);
    if (id && !hosts)
      no_registry(req);
    else if (id)
      ask<std::string>(sys, hosts, req, host_reply(restinio::status_ok()), atoms::drain::value, *id);
    return accepted();
  });
  r.http_delete("/admin/v1/hosts/:id", [=, &sys](auto req, auto params) {
    if (!admin_ok(req, *cfg))
      return accepted();
    auto id = host_id(req, params);
    if (id && !hosts)
      no_registry(req);
    else if (id)
      ask<std::string>(sys, hosts, req, host_reply(restinio::status_ok()), atoms::hostrm::value, *id);
    return accepted();
  });

  // Host-level cost lines (droplet hours in cost_items, issue 17).
  r.http_get("/admin/v1/costs/hosts", [=, &sys](auto req, auto) {
    if (!admin_ok(req, *cfg))
      return accepted();
    std::vector<std::pair<std::string, std::string>> query;
    try {
      for (auto& [name, value] : restinio::parse_query(req->header().query()))
        query.emplace_back(std::string{name.data(), name.size()},
                           std::string{value.data(), value.size()});
    } catch (const std::exception& e) {
      reply_error(req, restinio::status_bad_request(), "invalid_input",
                  std::string{"bad query: "} + e.what());
      return accepted();
    }
    auto f = parse_host_cost_filter(query);
    if (!f)
      reply_error(req, f.error());
    else if (!hosts)
      no_registry(req);
    else
      ask<std::string>(sys, hosts, req, host_reply(restinio::status_ok()), atoms::hostcosts::value,
                       f->node_id, f->host_id, f->kind, f->limit, f->offset);
    return accepted();
  });

  r.http_delete("/admin/v1/keys/:key", [=, &sys](auto req, auto params) {
    if (!admin_ok(req, *cfg))
      return accepted();
    auto key_id = restinio::cast_to<std::string>(params["key"]);
    if (key_id.size() != 12 || key_id[0] != 'k' || !is_session_id("s" + key_id.substr(1))) {
      reply_error(req, restinio::status_not_found(), "not_found", "no API key '" + key_id + "'");
      return accepted();
    }
    ask<std::string>(
      sys, manager, req,
      [](const request_handle_t& rq, std::string& revoked) {
        reply_json_string(rq, restinio::status_ok(), revoked);
      },
      atoms::revoke::value, key_id);
    return accepted();
  });
}

} // namespace spawn
