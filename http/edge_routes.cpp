#include "http/edge_routes.hpp"

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include <algorithm>

#include "core/domain_name.hpp"
#include "core/error.hpp"
#include "core/tokens.hpp"
#include "http/reply.hpp"
#include "infra/caddy_admin.hpp"
#include "core/text_escape.hpp"

namespace spawn {

using restinio::request_handle_t;

namespace {

restinio::http_status_line_t status_line(int status) {
  switch (status) {
    case 204: return restinio::status_no_content();
    case 410: return restinio::status_gone();
    case 503: return restinio::status_service_unavailable();
    case 400: return restinio::status_bad_request();
    default: return restinio::status_not_found();
  }
}

void reply_page(const request_handle_t& req, const edge_page& page) {
  auto resp = req->create_response(status_line(page.status));
  resp.append_header(restinio::http_field::content_type, "text/html; charset=utf-8")
    .append_header(restinio::http_field::cache_control, "no-store");
  if (page.refresh_seconds > 0)
    resp.append_header(restinio::http_field::retry_after, std::to_string(page.refresh_seconds));
  resp.set_body(render_page(page)).done();
}

/// The session named by the request's Host header (empty when it names none).
std::string host_session(const request_handle_t& req, const edge_settings& s) {
  auto host = req->header().get_field_or(restinio::http_field::host, "");
  return session_of_host(s, host);
}

/// Looks `id` up and answers with its page (also when there is no such session).
void answer_with_page(caf::actor_system& sys, const session_manager_actor& manager,
                      const request_handle_t& req, const std::string& id, bool failed,
                      int64_t retention, const std::string& web) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(manager, std::chrono::seconds{10}, atoms::get::value, id)
      .then(
        [=](session_record& rec) {
          reply_page(req, host_page(&rec, failed, now_ms(), retention, web));
        },
        [=](caf::error& err) {
          if (code_of(err) == errc::not_found)
            reply_page(req, host_page(nullptr, failed, now_ms(), retention, web));
          else
            reply_error(req, err);
        });
  });
}

/// On-demand TLS for a custom domain: 200 while a live session holds it.
void ask_custom(caf::actor_system& sys, const session_manager_actor& manager,
                const request_handle_t& req, const std::string& domain) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(manager, std::chrono::seconds{10}, atoms::domholder::value, domain)
      .then(
        [=](std::string& id) {
          self->request(manager, std::chrono::seconds{10}, atoms::get::value, id)
            .then(
              [=](session_record& rec) {
                auto listed = domains_of(rec);
                bool has = std::find(listed.begin(), listed.end(), domain) != listed.end();
                if (is_live(rec.state) && rec.state != phase::destroying && has)
                  reply_json(req, restinio::status_ok(), R"({"allowed":true})");
                else
                  reply_error(req, restinio::status_forbidden(), "forbidden",
                              "the session of " + domain + " is "
                                + std::string{to_string(rec.state)});
              },
              [=](caf::error& err) { reply_error(req, err); });
        },
        [=](caf::error& err) { reply_error(req, err); }); // 404: nobody holds it
  });
}

/// The session a wake request is for: the activator names it in the query
/// (a custom domain's Host names none), else the Host header does.
std::string wake_session(const request_handle_t& req, const edge_settings& s) {
  try {
    auto qp = restinio::parse_query(req->header().query());
    if (qp.has("session")) {
      auto id = restinio::cast_to<std::string>(qp["session"]);
      return is_session_id(id) ? id : std::string{};
    }
  } catch (const std::exception&) {
    return {};
  }
  return host_session(req, s);
}

} // namespace

edge_page host_page(const session_record* rec, bool upstream_failed, epoch_ms now,
                    int64_t retention_s, const std::string& web_base) {
  edge_page p;
  if (!rec) {
    p.status = 404;
    p.title = "No app here";
    p.text = "There is no app at this address. Check the link, or create one.";
    p.link = web_base + "/";
    return p;
  }
  p.link = web_base + "/#s=" + rec->id;
  switch (rec->state) {
    case phase::requested:
    case phase::provisioning:
    case phase::generating:
    case phase::deploying:
      p.status = 503;
      p.title = "Starting…";
      p.text = "This app is being built (" + std::string{to_string(rec->state)}
               + "). This page reloads by itself.";
      p.refresh_seconds = 2;
      return p;
    case phase::running:
    case phase::sleeping:
      p.status = 503;
      p.refresh_seconds = upstream_failed ? 5 : 2;
      p.title = upstream_failed ? "This app is not answering" : "Starting…";
      p.text = upstream_failed
                 ? "The app stopped answering (it may have crashed). This page retries by "
                   "itself; the session's log tells more."
                 : "This app is on its way. This page reloads by itself.";
      return p;
    case phase::failed:
      p.status = 503;
      p.title = "This app failed";
      p.text = "The app could not be built or started: "
               + (rec->failure_reason.empty() ? std::string{"see the session's log"}
                                              : rec->failure_reason);
      return p;
    case phase::destroying:
    case phase::destroyed: {
      auto ended = rec->destroyed_at > 0 ? rec->destroyed_at : now;
      if (now - ended > retention_s * 1000) {
        p.status = 404;
        p.title = "No app here";
        p.text = "There is no app at this address any more.";
        return p;
      }
      p.status = 410;
      p.title = "This app has expired";
      p.text = "Apps live for a limited time, and this one's time is up (or it was "
               "deleted). Create a new one in a few seconds.";
      return p;
    }
  }
  return p;
}

std::string render_page(const edge_page& page) {
  std::string html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  if (page.refresh_seconds > 0)
    html += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(page.refresh_seconds) + "\">";
  html += "<title>" + html_escape(page.title) + "</title><style>"
          "body{font:16px/1.5 system-ui,sans-serif;background:#111;color:#eee;display:flex;"
          "min-height:90vh;align-items:center;justify-content:center;margin:0}"
          "main{max-width:32rem;padding:2rem}a{color:#8cf}</style></head><body><main>"
          "<h1>" + html_escape(page.title) + "</h1><p>" + html_escape(page.text) + "</p>";
  if (!page.link.empty())
    html += "<p><a href=\"" + html_escape(page.link) + "\">Open the session</a></p>";
  html += "</main></body></html>\n";
  return html;
}

void add_edge_routes(tracked_router& r, caf::actor_system& sys, session_manager_actor manager,
                     std::shared_ptr<const spawn_config> cfg, std::string base_url) {
  auto settings = edge_settings_of(*cfg);
  auto retention = cfg->edge_expired_retention_seconds;
  auto* system = &sys;
  // On-demand TLS: Caddy asks before it orders a certificate for a host.
  r.http_get("/edge/v1/ask", [=](auto req, auto) {
    std::string domain;
    try {
      auto qp = restinio::parse_query(req->header().query());
      if (qp.has("domain"))
        domain = restinio::cast_to<std::string>(qp["domain"]);
    } catch (const std::exception&) {
    }
    auto id = session_of_host(settings, domain);
    if (id.empty() && domain.find(':') == std::string::npos) {
      // A custom domain (issue 18): approved while a live session holds it
      // and lists it.
      auto custom = normalize_domain(domain, settings.apps_domain);
      if (!custom) {
        reply_error(req, restinio::status_bad_request(), "invalid_input",
                    "domain must be <session id>." + settings.apps_domain
                      + " or a custom domain: " + message_of(custom.error()));
        return restinio::request_accepted();
      }
      ask_custom(*system, manager, req, *custom);
      return restinio::request_accepted();
    }
    if (id.empty() || domain.find(':') != std::string::npos) {
      reply_error(req, restinio::status_bad_request(), "invalid_input",
                  "domain must be <session id>." + settings.apps_domain);
      return restinio::request_accepted();
    }
    system->spawn([=](caf::event_based_actor* self) {
      self->request(manager, std::chrono::seconds{10}, atoms::get::value, id)
        .then(
          [=](session_record& rec) {
            auto s = rec.state;
            if (is_live(s) && s != phase::destroying)
              reply_json(req, restinio::status_ok(), R"({"allowed":true})");
            else
              reply_error(req, restinio::status_forbidden(), "forbidden",
                          "session " + id + " is " + std::string{to_string(s)});
          },
          [=](caf::error& err) { reply_error(req, err); });
    });
    return restinio::request_accepted();
  });
  // The activator: Caddy's route of a sleeping app calls this before the app.
  r.http_get("/edge/v1/wake", [=](auto req, auto) {
    auto id = wake_session(req, settings);
    if (id.empty()) {
      reply_page(req, edge_page{400, "Bad address", "This is not an app's address.", 0, {}});
      return restinio::request_accepted();
    }
    system->spawn([=](caf::event_based_actor* self) {
      self->request(manager, std::chrono::seconds{35}, atoms::wake::value, id)
        .then(
          [=](int64_t) {
            req->create_response(restinio::status_no_content())
              .append_header(restinio::http_field::cache_control, "no-store")
              .done();
          },
          [=](caf::error&) {
            answer_with_page(*system, manager, req, id, false, retention, base_url);
          });
    });
    return restinio::request_accepted();
  });
  // Hosts that have no route (starting, ended, unknown) or whose app failed.
  r.http_get("/edge/v1/host", [=](auto req, auto) {
    bool failed = false;
    try {
      auto qp = restinio::parse_query(req->header().query());
      failed = qp.has("error");
    } catch (const std::exception&) {
    }
    auto host = req->header().get_field_or(restinio::http_field::host, "");
    auto id = session_of_host(settings, host);
    if (id.empty()) {
      auto page = host_page(nullptr, failed, now_ms(), retention, base_url);
      if (host.size() > 253 || host.empty())
        page = edge_page{400, "Bad address", "This is not an app's address.", 0, {}};
      reply_page(req, page);
      return restinio::request_accepted();
    }
    answer_with_page(*system, manager, req, id, failed, retention, base_url);
    return restinio::request_accepted();
  });
}

} // namespace spawn
