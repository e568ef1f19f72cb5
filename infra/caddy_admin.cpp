#include "infra/caddy_admin.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/tokens.hpp"

namespace spawn {

using nlohmann::json;

namespace {

constexpr long admin_timeout_ms = 10000;

/// spawnd answers for a host: a reverse proxy to it with the path rewritten
/// (GET, so that a POST to a dead app does not reach an API of spawnd's).
json to_spawnd(const std::string& dial, const std::string& uri) {
  return json{{"handler", "reverse_proxy"},
              {"rewrite", {{"method", "GET"}, {"uri", uri}}},
              {"upstreams", json::array({{{"dial", dial}}})}};
}

} // namespace

edge_settings edge_settings_of(const spawn_config& cfg) {
  edge_settings s;
  s.admin_url = cfg.edge_caddy_admin;
  while (!s.admin_url.empty() && s.admin_url.back() == '/')
    s.admin_url.pop_back();
  s.server = cfg.edge_server;
  s.listen = cfg.edge_listen;
  s.apps_domain = cfg.edge_apps_domain;
  std::transform(s.apps_domain.begin(), s.apps_domain.end(), s.apps_domain.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  s.tls = cfg.edge_tls;
  s.acme_ca = cfg.edge_acme_ca;
  s.acme_ca_root = cfg.edge_acme_ca_root;
  s.public_port = cfg.edge_public_port;
  if (s.public_port == 0) {
    auto colon = s.listen.rfind(':');
    s.public_port = colon == std::string::npos ? 0 : std::atoi(s.listen.c_str() + colon + 1);
  }
  s.spawnd_dial = cfg.edge_spawnd_upstream;
  if (s.spawnd_dial.empty())
    s.spawnd_dial = (cfg.http_address == "0.0.0.0" ? std::string{"127.0.0.1"} : cfg.http_address)
                    + ":" + std::to_string(cfg.http_port);
  return s;
}

std::string edge_app_url(const edge_settings& s, const std::string& id) {
  auto scheme = s.tls ? std::string{"https"} : std::string{"http"};
  auto default_port = s.tls ? 443 : 80;
  auto port = (s.public_port == 0 || s.public_port == default_port)
                ? std::string{}
                : ":" + std::to_string(s.public_port);
  return scheme + "://" + id + "." + s.apps_domain + port + "/";
}

std::string session_of_host(const edge_settings& s, std::string_view host) {
  if (host.empty() || host.size() > 253)
    return {};
  std::string h;
  h.reserve(host.size());
  for (unsigned char c : host)
    h += static_cast<char>(std::tolower(c));
  if (auto colon = h.rfind(':'); colon != std::string::npos) {
    auto port = h.substr(colon + 1);
    if (port.empty() || port.size() > 5
        || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
      return {};
    h.resize(colon);
  }
  auto suffix = "." + s.apps_domain;
  if (h.size() <= suffix.size() || h.compare(h.size() - suffix.size(), suffix.size(), suffix) != 0)
    return {};
  auto label = h.substr(0, h.size() - suffix.size());
  return is_session_id(label) ? label : std::string{};
}

caddy_admin::caddy_admin(edge_settings s) : s_(std::move(s)) {
}

caf::expected<http_response> caddy_admin::call(const std::string& method,
                                               const std::string& path, std::string body) const {
  http_request req;
  req.method = method;
  req.url = s_.admin_url + path;
  req.body = std::move(body);
  req.timeout_ms = admin_timeout_ms;
  req.connect_timeout_ms = 2000;
  if (!req.body.empty())
    req.headers.emplace_back("Content-Type", "application/json");
  auto resp = perform(req);
  // Caddy resets the admin connections it holds while it loads a new config
  // (another change at the same moment): a change that is the same when made
  // twice (GET, PATCH, DELETE; not the PUT that inserts) is made again.
  bool idempotent = method == "GET" || method == "PATCH" || method == "DELETE";
  for (int attempt = 1; !resp && idempotent && attempt <= 2; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds{100 * attempt});
    resp = perform(req);
  }
  if (!resp)
    return make_error(errc::unavailable, "Caddy admin API: " + message_of(resp.error()));
  return resp;
}

std::string caddy_admin::marker_id() const {
  return "spawnai-edge-" + s_.server;
}

std::string caddy_admin::route_json(const std::string& id, const std::string& upstream,
                                    bool sleeping,
                                    const std::vector<std::string>& domains) const {
  json app{{"handler", "reverse_proxy"}, {"upstreams", json::array({{{"dial", upstream}}})}};
  json handle = json::array();
  if (sleeping) {
    // The activator gate (as Caddy's forward_auth): spawnd wakes the app and
    // answers 204; only then is the request proxied to the app.
    // The session in the query: a custom domain's Host names no session.
    auto gate = to_spawnd(s_.spawnd_dial, "/edge/v1/wake?session=" + id);
    gate["handle_response"] = json::array(
      {{{"match", {{"status_code", json::array({2})}}},
        {"routes", json::array({{{"handle", json::array({{{"handler", "headers"},
                                                          {"request", json::object()}}})}}})}}});
    handle.push_back(gate);
  }
  handle.push_back(app);
  json hosts = json::array({id + "." + s_.apps_domain});
  for (auto& d : domains)
    hosts.push_back(d);
  json route{{"@id", route_id(id)},
             {"match", json::array({{{"host", hosts}}})},
             {"handle", handle},
             {"terminal", true}};
  return route.dump();
}

std::string caddy_admin::server_json() const {
  // Any other host of the apps domain (starting, expired, unknown) → spawnd's
  // host pages; an upstream that fails → the same pages, told the error.
  json fallback{{"@id", marker_id()},
                {"match", json::array({{{"host", json::array({"*." + s_.apps_domain})}}})},
                {"handle", json::array({to_spawnd(s_.spawnd_dial, "/edge/v1/host")})},
                {"terminal", true}};
  json errors{{"routes", json::array({{{"handle", json::array({to_spawnd(
                                         s_.spawnd_dial,
                                         "/edge/v1/host?error={http.error.status_code}")})}}})}};
  json server{{"listen", json::array({s_.listen})},
              {"routes", json::array({fallback})},
              {"errors", errors}};
  if (s_.tls) {
    server["tls_connection_policies"] = json::array({json::object()});
    server["automatic_https"] = {{"disable_redirects", true}};
  } else {
    server["automatic_https"] = {{"disable", true}};
  }
  return server.dump();
}

std::string caddy_admin::tls_json() const {
  json issuer{{"module", "acme"}};
  if (!s_.acme_ca.empty())
    issuer["ca"] = s_.acme_ca;
  if (!s_.acme_ca_root.empty())
    issuer["trusted_roots_pem_files"] = json::array({s_.acme_ca_root});
  json policy{{"subjects", json::array({"*." + s_.apps_domain})},
              {"issuers", json::array({issuer})},
              {"on_demand", true}};
  // Custom domains (issue 18): no subjects, so any other name; still on
  // demand, so nothing is ordered for a name ask did not approve.
  json any{{"issuers", json::array({issuer})}, {"on_demand", true}};
  // Caddy matches "*.<domain>" subjects against each host's first label.
  json automation{{"policies", json::array({policy, any})},
                  {"on_demand", {{"ask", "http://" + s_.spawnd_dial + "/edge/v1/ask"}}}};
  return json{{"automation", automation}}.dump();
}

caf::error caddy_admin::ensure_catch_all_policy() {
  // A TLS app another node (or an older spawnd) made may lack the custom
  // domains' policy: append it unless a policy without subjects is there.
  auto got = call("GET", "/config/apps/tls/automation/policies");
  if (!got)
    return got.error();
  auto policies = json::parse(got->body, nullptr, false);
  if (policies.is_array())
    for (auto& p : policies)
      if (p.is_object() && (!p.contains("subjects") || p["subjects"].empty()))
        return {};
  auto any = json::parse(tls_json())["automation"]["policies"][1];
  auto post = call("POST", "/config/apps/tls/automation/policies", any.dump());
  if (!post)
    return post.error();
  if (post->status / 100 != 2)
    return make_error(errc::runtime_failed,
                      "Caddy refused the custom domains' TLS policy: " + post->body);
  return {};
}

caf::expected<bool> caddy_admin::server_present() {
  auto resp = call("GET", "/id/" + marker_id());
  if (!resp)
    return resp.error();
  return resp->status == 200;
}

caf::expected<bool> caddy_admin::ensure_server() {
  auto present = server_present();
  if (!present)
    return present.error();
  if (*present)
    return false;
  if (s_.tls) {
    // TLS first: the server's hosts must find their on-demand policy.
    auto tls = call("GET", "/config/apps/tls");
    if (!tls)
      return tls.error();
    if (tls->body.empty() || tls->body.rfind("null", 0) == 0) {
      auto put = call("PUT", "/config/apps/tls", tls_json());
      if (!put)
        return put.error();
      if (put->status / 100 != 2)
        return make_error(errc::runtime_failed, "Caddy refused the TLS policy: " + put->body);
    } else if (auto err = ensure_catch_all_policy()) {
      return err;
    }
    auto port = s_.listen.substr(s_.listen.rfind(':') + 1);
    auto https = call("PATCH", "/config/apps/http/https_port", port);
    if (https && https->status / 100 != 2)
      https = call("PUT", "/config/apps/http/https_port", port);
  }
  auto path = "/config/apps/http/servers/" + s_.server;
  auto put = call("PATCH", path, server_json()); // replaces a server left without marker
  if (put && put->status / 100 != 2)
    put = call("PUT", path, server_json());
  if (!put)
    return put.error();
  if (put->status / 100 != 2)
    return make_error(errc::runtime_failed, "Caddy refused server " + s_.server + ": " + put->body);
  return true;
}

caf::error caddy_admin::put_route(const std::string& id, const std::string& upstream,
                                  bool sleeping, const std::vector<std::string>& domains) {
  auto body = route_json(id, upstream, sleeping, domains);
  // Replace in place when it exists, else insert at the head (before the
  // fallback). Two inserts of one id collide in Caddy (duplicate @id); the
  // loser then finds the route and replaces it.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto patch = call("PATCH", "/id/" + route_id(id), body);
    if (!patch)
      return patch.error();
    if (patch->status / 100 == 2)
      return {};
    auto insert = call("PUT", "/config/apps/http/servers/" + s_.server + "/routes/0", body);
    if (!insert)
      return insert.error();
    if (insert->status / 100 == 2)
      return {};
    if (insert->body.find("duplicate") == std::string::npos)
      return make_error(errc::runtime_failed,
                        "Caddy refused the route of " + id + ": " + insert->body);
  }
  return make_error(errc::conflict, "the route of " + id + " kept changing");
}

caf::error caddy_admin::remove_route(const std::string& id) {
  auto resp = call("DELETE", "/id/" + route_id(id));
  if (!resp)
    return resp.error();
  if (resp->status / 100 == 2 || resp->status == 404
      || resp->body.find("unknown object ID") != std::string::npos)
    return {};
  return make_error(errc::runtime_failed, "Caddy refused to remove the route of " + id + ": "
                                            + resp->body);
}

caf::expected<std::vector<std::string>> caddy_admin::routed_sessions() {
  auto resp = call("GET", "/config/apps/http/servers/" + s_.server + "/routes");
  if (!resp)
    return resp.error();
  std::vector<std::string> ids;
  if (resp->status != 200)
    return ids;
  auto routes = json::parse(resp->body, nullptr, false);
  if (!routes.is_array())
    return ids;
  const std::string prefix = "spawnai-";
  for (auto& r : routes) {
    if (!r.is_object() || !r.contains("@id") || !r["@id"].is_string())
      continue;
    auto rid = r["@id"].get<std::string>();
    if (rid.rfind(prefix, 0) == 0 && is_session_id(rid.substr(prefix.size())))
      ids.push_back(rid.substr(prefix.size()));
  }
  return ids;
}

} // namespace spawn
