#include "http/domain_routes.hpp"

#include <optional>

#include <nlohmann/json.hpp>

#include "actors/atoms.hpp"
#include "core/domain_name.hpp"
#include "core/error.hpp"
#include "core/tokens.hpp"
#include "http/reply.hpp"
#include "infra/caddy_admin.hpp"

namespace spawn {

using nlohmann::json;
using restinio::request_handle_t;
using params_t = restinio::router::route_params_t;

namespace {

/// What a client needs to point `domain` at session `id`'s app.
json domain_json(const std::string& domain, const std::string& id, const edge_settings& edge,
                 const spawn_config& cfg) {
  auto dns = dns_advice_for(domain, id, edge.apps_domain, cfg.edge_public_address);
  auto url = edge_app_url(edge, id);
  auto host = id + "." + edge.apps_domain;
  url.replace(url.find(host), host.size(), domain);
  return json{{"domain", domain},
              {"url", url},
              {"dns", {{"type", dns.type}, {"name", dns.name}, {"value", dns.value}}}};
}

json list_json(const session_record& rec, const edge_settings& edge, const spawn_config& cfg) {
  json arr = json::array();
  for (auto& d : domains_of(rec))
    arr.push_back(domain_json(d, rec.id, edge, cfg));
  return json{{"session_id", rec.id}, {"domains", arr},
              {"max_domains", cfg.edge_max_domains}};
}

/// The body's "domain", canonical; or a 400 sent.
std::optional<std::string> domain_of_body(const request_handle_t& req, const edge_settings& edge,
                                          const spawn_config& cfg) {
  if (static_cast<int64_t>(req->body().size()) > cfg.max_body_bytes) {
    reply_error(req, restinio::status_payload_too_large(), "payload_too_large",
                "the body exceeds " + std::to_string(cfg.max_body_bytes) + " bytes");
    return std::nullopt;
  }
  auto j = json::parse(req->body(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    reply_error(req, restinio::status_bad_request(), "invalid_input",
                "the body must be a JSON object like {\"domain\": \"app.example.com\"}");
    return std::nullopt;
  }
  auto d = j.find("domain");
  if (d == j.end() || !d->is_string()) {
    reply_error(req, restinio::status_bad_request(), "invalid_input",
                "'domain' is required and must be a string");
    return std::nullopt;
  }
  auto domain = normalize_domain(d->get<std::string>(), edge.apps_domain);
  if (!domain) {
    reply_error(req, domain.error());
    return std::nullopt;
  }
  return *domain;
}

std::string token_of(const request_handle_t& req) {
  return req->header().get_field_or("X-Manage-Token", "");
}

} // namespace

void add_domain_routes(tracked_router& r, caf::actor_system& sys, session_manager_actor manager,
                       std::shared_ptr<const spawn_config> cfg, std::string) {
  auto* sysp = &sys;
  auto edge = edge_settings_of(*cfg);
  r.http_post("/api/v1/sessions/:id/domains", [=](auto req, auto params) {
    auto id = path_session_id(req, params);
    if (!id)
      return restinio::request_accepted();
    if (edge.admin_url.empty()) {
      reply_error(req, restinio::status_conflict(), "conflict",
                  "this node has no edge (edge.caddy_admin): custom domains need one");
      return restinio::request_accepted();
    }
    auto domain = domain_of_body(req, edge, *cfg);
    if (!domain)
      return restinio::request_accepted();
    auto d = *domain;
    ask<session_record>(
      *sysp, manager, req,
      [=](const request_handle_t& rq, session_record& rec) {
        auto body = domain_json(d, rec.id, edge, *cfg);
        body["session_id"] = rec.id;
        body["domains"] = domains_of(rec);
        reply_json(rq, restinio::status_created(), body.dump());
      },
      atoms::domadd::value, *id, token_of(req), d);
    return restinio::request_accepted();
  });
  r.http_get("/api/v1/sessions/:id/domains", [=](auto req, auto params) {
    if (auto id = path_session_id(req, params))
      ask<session_record>(
        *sysp, manager, req,
        [=](const request_handle_t& rq, session_record& rec) {
          reply_json(rq, restinio::status_ok(), list_json(rec, edge, *cfg).dump());
        },
        atoms::get::value, *id);
    return restinio::request_accepted();
  });
  r.http_delete("/api/v1/sessions/:id/domains/:domain", [=](auto req, auto params) {
    auto id = path_session_id(req, params);
    if (!id)
      return restinio::request_accepted();
    auto domain = normalize_domain(restinio::cast_to<std::string>(params["domain"]),
                                   edge.apps_domain);
    if (!domain) {
      reply_error(req, domain.error());
      return restinio::request_accepted();
    }
    ask<session_record>(
      *sysp, manager, req,
      [=](const request_handle_t& rq, session_record& rec) {
        reply_json(rq, restinio::status_ok(), list_json(rec, edge, *cfg).dump());
      },
      atoms::domrm::value, *id, token_of(req), *domain);
    return restinio::request_accepted();
  });
}

} // namespace spawn
