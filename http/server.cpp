#include "http/server.hpp"

#include <fstream>
#include <sstream>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/atoms.hpp"
#include "core/messages.hpp"
#include "core/tokens.hpp"
#include "http/edge_routes.hpp"
#include "http/auth.hpp"
#include "http/http_metrics.hpp"
#include "http/json_codec.hpp"
#include "http/ops_routes.hpp"
#include "http/reply.hpp"
#include "http/request_guard.hpp"
#include "http/session_access.hpp"
#include "http/static_files.hpp"
#include "http/turn_routes.hpp"
#include "http/upload.hpp"
#include "http/domain_routes.hpp"
#include "http/traits.hpp"
#include "http/validation.hpp"
#include "http/ws_limits.hpp"
#include "http/ws_stream.hpp"

namespace spawn {

using nlohmann::json;
using restinio::request_handle_t;
using params_t = restinio::router::route_params_t;

struct api_server::impl {
  caf::actor_system& sys;
  session_manager_actor manager;
  std::shared_ptr<const spawn_config> cfg;
  std::string base_url;
  std::shared_ptr<api_key_index> keys;
  /// The node's Docker hosts (null: the admin host routes answer 503).
  host_registry_actor hosts;
  /// Bounds on open WebSockets (per client address and in all).
  std::shared_ptr<ws_slots> sockets;
  /// The long-lived actors through which handlers ask (no actor per request).
  std::unique_ptr<http_bridges> bridges;
  restinio::running_server_handle_t<http_traits> server;
  std::vector<std::string> registered;

  impl(caf::actor_system& s, session_manager_actor m, std::shared_ptr<const spawn_config> c,
       std::shared_ptr<api_key_index> k)
    : sys(s), manager(std::move(m)), cfg(std::move(c)), keys(std::move(k)),
      sockets(std::make_shared<ws_slots>(static_cast<size_t>(cfg->ws_max_per_client),
                                         static_cast<size_t>(cfg->ws_max_total))),
      // Two per RESTinio thread: enough to keep both scheduler threads busy.
      bridges(std::make_unique<http_bridges>(s, 2 * static_cast<size_t>(cfg->http_threads))) {
  }

  /// Reads session `id` on a bridge (its live actor, or through the
  /// manager: `bridge_read_session`) and runs `then(self, rec)` there,
  /// guarded; a JSON error when it cannot be read.
  template <class Then>
  void read_then(const request_handle_t& req, const std::string& id, Then then) {
    auto m = manager;
    bridges->post([=](bridge_actor* self) {
      auto ticket = bridge_expect(self, req);
      bridge_read_session(
        self, m, id,
        [=](session_record& rec) {
          if (bridge_settle(self, ticket))
            guarded(req, [&] { then(self, rec); });
        },
        [=](caf::error& err) {
          if (bridge_settle(self, ticket))
            guarded(req, [&] { reply_error(req, err); });
        });
    });
  }

  /// Reads session `id` and checks that the caller may read all of it
  /// (http/session_access.hpp); then `then(self, rec)` on the bridge that
  /// asked, or a JSON error.
  template <class Then>
  void with_private(const request_handle_t& req, const std::string& id, token_source where,
                    Then then) {
    auto c = cfg;
    auto k = keys;
    read_then(req, id, [=](bridge_actor* self, session_record& rec) {
      if (auto err = check_session_access(req, rec, *c, k.get(), where))
        return reply_error(req, err);
      then(self, rec);
    });
  }

  /// GET of one session: all of it for its manage token, the owner's key or
  /// the admin token; what the app's visitors may know otherwise.
  void show(const request_handle_t& req, const std::string& id) {
    auto base = base_url;
    auto c = cfg;
    auto k = keys;
    read_then(req, id, [=](bridge_actor*, session_record& rec) {
      auto full = !check_session_access(req, rec, *c, k.get());
      reply_json(req, restinio::status_ok(),
                 full ? session_json_text(rec, base) : visitor_json_text(rec, base));
    });
  }

  bool body_too_large(const request_handle_t& req) {
    if (static_cast<int64_t>(req->body().size()) <= cfg->max_body_bytes)
      return false;
    reply_error(req, restinio::status_payload_too_large(), "payload_too_large",
                "the body exceeds " + std::to_string(cfg->max_body_bytes) + " bytes");
    return true;
  }

  static std::string token_of(const request_handle_t& req) {
    return req->header().get_field_or("X-Manage-Token", "");
  }

  auto on_session(restinio::http_status_line_t status) {
    auto base = base_url;
    return [base, status](const request_handle_t& req, session_record& rec) {
      reply_json(req, status, session_json_text(rec, base));
    };
  }

  void create(const request_handle_t& req) {
    auto owner = caller_owner(req, *cfg, keys.get());
    if (!owner)
      return reply_error(req, owner.error());
    auto parsed = parse_create_request(req->body(), *cfg, *owner);
    if (!parsed)
      return reply_error(req, parsed.error());
    submit(req, std::move(*parsed));
  }

  /// Uploaded code (issue 18): the body is read here, the archive opened and
  /// detected on a detached actor (disk work, never this thread), then the
  /// session is created like any other.
  void upload(const request_handle_t& req) {
    auto owner = caller_owner(req, *cfg, keys.get());
    if (!owner)
      return reply_error(req, owner.error());
    bool too_large = false;
    auto body = parse_upload(req, *cfg, &too_large);
    if (!body) {
      if (too_large)
        return reply_error(req, restinio::status_payload_too_large(), "payload_too_large",
                           message_of(body.error()));
      return reply_error(req, body.error());
    }
    auto c = cfg;
    auto who = *owner;
    auto up = std::make_shared<upload_body>(std::move(*body));
    sys.spawn<caf::detached>([this, req, c, who, up](caf::event_based_actor* self) {
      auto made = prepare_upload(*up, *c, who);
      if (!made)
        reply_error(req, made.error());
      else
        submit(req, std::move(*made));
      self->quit();
    });
  }

  void submit(const request_handle_t& req, create_request creation) {
    auto base = base_url;
    ask<created_session>(
      *bridges, manager, req,
      [base](const request_handle_t& r, created_session& c) {
        auto j = session_json(c.session, base);
        j["manage_token"] = c.manage_token;
        j["estimated_seconds"] = c.estimated_seconds;
        http_finished(r, 201);
        r->create_response(restinio::status_created())
          .append_header(restinio::http_field::content_type, "application/json; charset=utf-8")
          .append_header(restinio::http_field::location, j["status_url"].get<std::string>())
          .set_body(j.dump())
          .done();
      },
      atoms::create::value, std::move(creation));
  }

  void list(const request_handle_t& req) {
    session_filter f;
    // Callers list only their own sessions (their API key's owner, or their
    // address without one): prompts are private. Admins list every session
    // at /admin/v1/sessions.
    auto caller = caller_owner(req, *cfg, keys.get());
    if (!caller)
      return reply_error(req, caller.error());
    try {
      auto qp = restinio::parse_query(req->header().query());
      if (qp.has("state"))
        f.state = restinio::cast_to<std::string>(qp["state"]);
      if (qp.has("owner"))
        f.owner = restinio::cast_to<std::string>(qp["owner"]);
      if (qp.has("limit"))
        f.limit = restinio::cast_to<int>(qp["limit"]);
      if (qp.has("offset"))
        f.offset = restinio::cast_to<int>(qp["offset"]);
    } catch (const std::exception&) {
      return reply_error(req, restinio::status_bad_request(), "invalid_input",
                         "bad query: state, owner, limit (1-500), offset (>= 0)");
    }
    if (!f.state.empty() && !parse_phase(f.state))
      return reply_error(req, restinio::status_bad_request(), "invalid_input",
                         "unknown state '" + f.state + "'");
    if (f.limit < 1 || f.limit > 500 || f.offset < 0)
      return reply_error(req, restinio::status_bad_request(), "invalid_input",
                         "limit must be 1-500 and offset >= 0");
    if (!f.owner.empty() && f.owner != *caller)
      return reply_error(req, restinio::status_forbidden(), "forbidden",
                         "you can list only your own sessions; admins list every session at "
                         "/admin/v1/sessions");
    f.owner = *caller;
    auto base = base_url;
    // A client address is no credential: without an API key the list shows
    // what visitors may know (the prompt needs each session's manage token).
    bool keyed = !bearer_of(req).empty();
    ask<std::vector<session_record>>(
      *bridges, manager, req,
      [base, f, keyed](const request_handle_t& r, std::vector<session_record>& recs) {
        json arr = json::array();
        for (auto& s : recs)
          arr.push_back(keyed ? session_json(s, base) : visitor_json(s, base));
        reply_json(r, restinio::status_ok(),
                   json{{"sessions", arr}, {"limit", f.limit}, {"offset", f.offset}}.dump());
      },
      atoms::list::value, f);
  }

  void events(const request_handle_t& req, const std::string& id) {
    int64_t after = 0;
    try {
      auto qp = restinio::parse_query(req->header().query());
      if (qp.has("after"))
        after = restinio::cast_to<int64_t>(qp["after"]);
    } catch (const std::exception&) {
      return reply_error(req, restinio::status_bad_request(), "invalid_input",
                         "'after' must be an integer");
    }
    auto m = manager;
    with_private(req, id, token_source::header, [=](caf::event_based_actor* self, session_record&) {
      self->request(m, std::chrono::seconds{35}, atoms::events::value, id, after, 1000)
        .then(
          [=](std::vector<event_record>& evs) {
            guarded(req, [&] {
              json arr = json::array();
              for (auto& ev : evs)
                arr.push_back(event_json(ev));
              reply_json(req, restinio::status_ok(), json{{"events", arr}}.dump());
            });
          },
          [=](caf::error& err) { guarded(req, [&] { reply_error(req, err); }); });
    });
  }

  void files(const request_handle_t& req, const std::string& id) {
    auto m = manager;
    with_private(req, id, token_source::header, [=](caf::event_based_actor* self, session_record&) {
      self->request(m, std::chrono::seconds{35}, atoms::files::value, id)
        .then(
          [=](generated_app& app) {
            guarded(req, [&] { reply_json(req, restinio::status_ok(), files_json(app).dump()); });
          },
          [=](caf::error& err) { guarded(req, [&] { reply_error(req, err); }); });
    });
  }

  /// The event stream of a session: a sound RFC 6455 handshake (400/426
  /// otherwise), an existing session (404), a credential (401/403), a free
  /// slot (429 per client, 503 in all); then 101 and frames from ws_stream.
  void websocket(const request_handle_t& req, const std::string& id) {
    if (auto bad = check_ws_handshake(req->header())) {
      if (bad->status != 426)
        return reply_error(req, restinio::status_bad_request(), "invalid_input", bad->message);
      http_finished(req, 426);
      req->create_response(restinio::http_status_line_t{restinio::http_status_code_t{426},
                                                        "Upgrade Required"})
        .append_header(restinio::http_field::content_type, "application/json; charset=utf-8")
        .append_header(restinio::http_field::sec_websocket_version, "13")
        .set_body(error_body("invalid_input", bad->message))
        .done();
      return;
    }
    auto slots = sockets;
    auto m = manager;
    auto base = base_url;
    auto max_frame = static_cast<size_t>(cfg->ws_max_frame_bytes);
    auto& system = sys;
    with_private(req, id, token_source::header_or_query,
                 [=, &system](caf::event_based_actor*, session_record&) {
      ws_refusal refused;
      auto slot = slots->acquire(req->remote_endpoint().address().to_string(), refused);
      if (!slot)
        return reply_error(req,
                           refused.status == 429 ? restinio::status_too_many_requests()
                                                 : restinio::status_service_unavailable(),
                           refused.status == 429 ? "rate_limited" : "unavailable",
                           refused.message);
      auto holder = std::make_shared<event_sink_actor>();
      auto on_frame = [holder, slot](rws::ws_handle_t wsh, rws::message_handle_t msg) {
        if (msg->opcode() == rws::opcode_t::ping_frame)
          wsh->send_message(rws::final_frame, rws::opcode_t::pong_frame, msg->payload());
        else if (msg->opcode() == rws::opcode_t::connection_close_frame && *holder)
          caf::anon_send_exit(*holder, caf::exit_reason::user_shutdown);
      };
      rws::ws_handle_t ws;
      try {
        http_finished(req, 101);
        ws = ws_upgrade(*req, max_frame, std::move(on_frame));
      } catch (const std::exception& e) {
        spdlog::debug("WebSocket upgrade of {} failed: {}", id, e.what());
        return; // the connection is gone
      }
      *holder = system.spawn(ws_stream, ws, base, m, id);
      activate(*ws); // ADL: a friend of ws_t
      caf::anon_send(*holder, atoms::retry::value); // now it subscribes
    });
  }

  std::unique_ptr<request_guard> routes() {
    auto r = std::make_unique<tracked_router>();
    add_ops_routes(*r, ops_env{&sys, manager, cfg, base_url, keys, hosts});
    auto accepted = [] { return restinio::request_accepted(); };
    r->http_post("/api/v1/sessions", [=](auto req, auto) {
      if (is_upload(req))
        upload(req); // issue 18
      else if (!body_too_large(req))
        create(req);
      return accepted();
    });
    r->http_get("/api/v1/sessions", [=](auto req, auto) {
      list(req);
      return accepted();
    });
    r->http_get("/api/v1/sessions/:id", [=](auto req, auto params) {
      if (auto id = path_session_id(req, params))
        show(req, *id);
      return accepted();
    });
    r->http_delete("/api/v1/sessions/:id", [=](auto req, auto params) {
      if (auto id = path_session_id(req, params))
        ask<session_record>(*bridges, manager, req, on_session(restinio::status_accepted()),
                            atoms::destroy::value, *id, token_of(req));
      return accepted();
    });
    r->http_post("/api/v1/sessions/:id/extend", [=](auto req, auto params) {
      if (body_too_large(req))
        return accepted();
      if (auto id = path_session_id(req, params)) {
        auto secs = parse_extend_request(req->body(), *cfg);
        if (!secs) {
          reply_error(req, secs.error());
          return accepted();
        }
        auto seconds = *secs > 0 ? *secs : int64_t{3600};
        ask<session_record>(*bridges, manager, req, on_session(restinio::status_ok()),
                            atoms::extend::value, *id, token_of(req), seconds);
      }
      return accepted();
    });
    r->http_get("/api/v1/sessions/:id/events", [=](auto req, auto params) {
      if (auto id = path_session_id(req, params))
        events(req, *id);
      return accepted();
    });
    r->http_get("/api/v1/sessions/:id/files", [=](auto req, auto params) {
      if (auto id = path_session_id(req, params))
        files(req, *id);
      return accepted();
    });
    r->http_get("/ws/v1/sessions/:id", [=](auto req, auto params) {
      if (auto id = path_session_id(req, params))
        websocket(req, *id);
      return accepted();
    });
    r->http_get("/healthz", [](auto req, auto) {
      reply_json(req, restinio::status_ok(), R"({"status":"ok"})");
      return restinio::request_accepted();
    });
    r->http_get("/readyz", [=](auto req, auto) {
      ask<std::string>(
        *bridges, manager, req,
        [](const request_handle_t& rq, std::string& body) {
          auto ok = json::parse(body).value("ready", false);
          reply_json(rq, ok ? restinio::status_ok() : restinio::status_service_unavailable(),
                     body);
        },
        atoms::ready::value);
      return accepted();
    });
    add_turn_routes(*r, sys, manager, cfg, keys, base_url); // issue 15
    add_domain_routes(*r, sys, manager, cfg, base_url);     // issue 18
    r->http_get("/api/v1/openapi.json", [web_root = cfg->web_root](auto req, auto) {
      return serve_static(req, web_root); // web/api/v1/openapi.json
    });
    add_edge_routes(*r, sys, manager, cfg, base_url);
    auto web_root = cfg->web_root;
    r->non_matched_request_handler([web_root](auto req) {
      if (req->header().method() == restinio::http_method_get()
          || req->header().method() == restinio::http_method_head())
        return serve_static(req, web_root);
      reply_error(req, restinio::status_not_found(), "not_found", "no such route");
      return restinio::request_accepted();
    });
    registered = r->registered();
    return std::make_unique<request_guard>(r->take());
  }
};

api_server::api_server(caf::actor_system& sys, session_manager_actor manager,
                       std::shared_ptr<const spawn_config> cfg,
                       std::shared_ptr<api_key_index> keys, host_registry_actor hosts)
  : impl_(std::make_unique<impl>(sys, std::move(manager), std::move(cfg), std::move(keys))) {
  impl_->hosts = std::move(hosts);
  auto& c = *impl_->cfg;
  base_url_ = !c.public_url.empty()
                ? c.public_url
                : "http://" + (c.http_address == "0.0.0.0" ? std::string{"127.0.0.1"} : c.http_address)
                    + ":" + std::to_string(c.http_port);
  while (!base_url_.empty() && base_url_.back() == '/')
    base_url_.pop_back();
  impl_->base_url = base_url_;
}

std::vector<std::string> api_server::registered_routes() const {
  return impl_->registered;
}

api_server::~api_server() {
  stop();
}

caf::error api_server::start() {
  auto& c = *impl_->cfg;
  // One set of request limits, for RESTinio's parser and for the screen that
  // answers what it refuses (http/screened_socket.hpp).
  framing_limits limits;
  limits.max_body = std::max<uint64_t>({8u << 20, static_cast<uint64_t>(c.max_body_bytes),
                                        max_upload_body(c)});
  screened_socket::limits = limits;
  // The socket gives RESTinio at most this many unanswered requests; RESTinio's
  // own queue is one longer, so it is never full (see screened_socket).
  screened_socket::max_in_flight = static_cast<std::size_t>(c.max_pipelined_requests);
  try {
    impl_->server = restinio::run_async<http_traits>(
      restinio::own_io_context(),
      restinio::server_settings_t<http_traits>{}
        .address(c.http_address)
        .port(static_cast<std::uint16_t>(c.http_port))
        .handle_request_timeout(std::chrono::seconds{45})
        .max_pipelined_requests(static_cast<std::size_t>(c.max_pipelined_requests) + 1)
        .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                    .max_url_size(limits.max_url)
                                    .max_field_name_size(limits.max_field_name)
                                    .max_field_value_size(limits.max_field_value)
                                    .max_field_count(limits.max_fields)
                                    .max_body_size(limits.max_body))
        .request_handler(impl_->routes()),
      static_cast<std::size_t>(c.http_threads));
  } catch (const std::exception& e) {
    return make_error(errc::unavailable, std::string{"cannot serve HTTP on "} + c.http_address
                                           + ":" + std::to_string(c.http_port) + ": " + e.what());
  }
  return {};
}

void api_server::stop() {
  if (impl_ && impl_->server) {
    impl_->server->stop();
    impl_->server->wait();
    impl_->server.reset();
  }
}

} // namespace spawn
