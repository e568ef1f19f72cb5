#include "http/turn_routes.hpp"

#include "http/upload.hpp"

#include <nlohmann/json.hpp>

#include "actors/atoms.hpp"
#include "core/error.hpp"
#include "core/tokens.hpp"
#include "core/turns.hpp"
#include "http/json_codec.hpp"
#include "http/reply.hpp"
#include "http/session_access.hpp"
#include "http/validation.hpp"

namespace spawn {

using nlohmann::json;
using restinio::request_handle_t;
using params_t = restinio::router::route_params_t;

namespace {

json turn_json(const turn_record& t, const std::string& base_url) {
  auto self_url = base_url + "/api/v1/sessions/" + t.session_id;
  return json{{"session_id", t.session_id},
              {"turn", t.number},
              {"kind", t.kind},
              {"prompt", t.prompt},
              {"status", to_string(t.status)},
              {"reply", t.reply},
              {"base_version", t.base_version},
              {"version", t.version > 0 ? json(t.version) : json(nullptr)},
              {"tokens", {{"input", t.input_tokens}, {"output", t.output_tokens}}},
              {"cost_usd", t.cost_usd},
              {"created_at", iso_time(t.created_at)},
              {"finished_at", iso_time(t.finished_at)},
              {"messages_url", self_url + "/messages"},
              {"status_url", self_url}};
}

json version_json(const version_info& v, int current) {
  return json{{"version", v.number},
              {"created_at", iso_time(v.created_at)},
              {"prompt", v.prompt},
              {"turn", v.turn},
              {"restored_from", v.restored_from > 0 ? json(v.restored_from) : json(nullptr)},
              {"file_count", v.file_count},
              {"size_bytes", v.size_bytes},
              {"backend", v.backend},
              {"model", v.model},
              {"status", v.number == current ? "current" : "stored"}};
}

/// The thread as messages: the person's prompts and the platform's answers,
/// oldest first, starting with the session's own prompt and its version 1.
json thread_json(const session_thread& th) {
  json out = json::array();
  auto& s = th.session;
  out.push_back({{"role", "user"}, {"turn", 0}, {"text", s.prompt}, {"at", iso_time(s.created_at)}});
  for (auto& v : th.versions)
    if (v.turn == 0 && v.restored_from == 0) {
      out.push_back({{"role", "assistant"},
                     {"turn", 0},
                     {"text", "Made version " + std::to_string(v.number) + " (" +
                                std::to_string(v.file_count) + " files, " + v.backend + ")."},
                     {"status", "done"},
                     {"version", v.number},
                     {"tokens", {{"input", s.input_tokens}, {"output", s.output_tokens}}},
                     {"at", iso_time(v.created_at)}});
      break;
    }
  for (auto& t : th.turns) {
    out.push_back({{"role", "user"}, {"turn", t.number}, {"kind", t.kind}, {"text", t.prompt},
                   {"at", iso_time(t.created_at)}});
    if (t.status == turn_status::running)
      continue;
    out.push_back({{"role", "assistant"},
                   {"turn", t.number},
                   {"text", t.reply},
                   {"status", to_string(t.status)},
                   {"version", t.version > 0 ? json(t.version) : json(nullptr)},
                   {"tokens", {{"input", t.input_tokens}, {"output", t.output_tokens}}},
                   {"cost_usd", t.cost_usd},
                   {"at", iso_time(t.finished_at)},
                   {"took_ms", t.finished_at > 0 ? json(t.finished_at - t.created_at) : json(nullptr)}});
  }
  return out;
}

int current_of(const session_thread& th) {
  return th.versions.empty() ? 0 : th.versions.back().number;
}

/// A version number from the path or the query: a positive integer, or a 400 sent.
std::optional<int> version_arg(const request_handle_t& req, const std::string& name,
                               const std::string& text) {
  try {
    size_t used = 0;
    auto n = std::stol(text, &used);
    if (used == text.size() && n >= 1 && n <= 1000000)
      return static_cast<int>(n);
  } catch (const std::exception&) {
  }
  reply_error(req, restinio::status_bad_request(), "invalid_input",
              "'" + name + "' must be a positive integer version number");
  return std::nullopt;
}

std::string token_of(const request_handle_t& req) {
  return req->header().get_field_or("X-Manage-Token", "");
}

bool too_large(const request_handle_t& req, const spawn_config& cfg) {
  if (static_cast<int64_t>(req->body().size()) <= cfg.max_body_bytes)
    return false;
  reply_error(req, restinio::status_payload_too_large(), "payload_too_large",
              "the body exceeds " + std::to_string(cfg.max_body_bytes) + " bytes");
  return true;
}

/// Reads of a session's thread, versions, code and diffs are private (issue
/// 13): `then()` runs once the caller presented the session's manage token,
/// its owner's API key or the admin token; otherwise a JSON 401/403/404.
void when_readable(caf::actor_system& sys, session_manager_actor m, const request_handle_t& req,
                   const std::string& id, std::shared_ptr<const spawn_config> cfg,
                   std::shared_ptr<api_key_index> keys, std::function<void()> then) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(m, std::chrono::seconds{35}, atoms::get::value, id)
      .then(
        [=](session_record& rec) {
          if (auto err = check_session_access(req, rec, *cfg, keys.get()))
            reply_error(req, err);
          else
            then();
        },
        [=](caf::error& err) { reply_error(req, err); });
  });
}

} // namespace

void add_turn_routes(tracked_router& r, caf::actor_system& sys, session_manager_actor manager,
                     std::shared_ptr<const spawn_config> cfg, std::shared_ptr<api_key_index> keys,
                     std::string base_url) {
  auto* sysp = &sys;
  auto accepted_turn = [base_url](const request_handle_t& rq, turn_record& t) {
    reply_json(rq, restinio::status_accepted(), turn_json(t, base_url).dump());
  };
  r.http_post("/api/v1/sessions/:id/messages", [=](auto req, auto params) {
    if (too_large(req, *cfg))
      return restinio::request_accepted();
    if (auto id = path_session_id(req, params)) {
      auto prompt = parse_turn_request(req->body(), *cfg);
      if (!prompt)
        reply_error(req, prompt.error());
      else
        ask<turn_record>(*sysp, manager, req, accepted_turn, atoms::say::value, *id,
                         token_of(req), *prompt);
    }
    return restinio::request_accepted();
  });
  // Uploaded code (issue 18): new code for an upload session, built and
  // switched to as a new version; the archive is opened on a detached actor.
  r.http_post("/api/v1/sessions/:id/source", [=](auto req, auto params) {
    auto id = path_session_id(req, params);
    if (!id)
      return restinio::request_accepted();
    bool big = false;
    auto body = parse_upload(req, *cfg, &big);
    if (!body) {
      if (big)
        reply_error(req, restinio::status_payload_too_large(), "payload_too_large",
                    message_of(body.error()));
      else
        reply_error(req, body.error());
      return restinio::request_accepted();
    }
    if (body->ttl_seconds != 0) {
      reply_error(req, make_error(errc::invalid_input,
                                  "'ttl_seconds' is for a new session (use /extend)"));
      return restinio::request_accepted();
    }
    auto up = std::make_shared<upload_body>(std::move(*body));
    auto token = token_of(req);
    auto sid = *id;
    sysp->spawn<caf::detached>([=](caf::event_based_actor* self) {
      auto made = prepare_upload(*up, *cfg, "");
      if (!made)
        reply_error(req, made.error());
      else
        ask<turn_record>(*sysp, manager, req, accepted_turn, atoms::upload::value, sid, token,
                         made->source);
      self->quit();
    });
    return restinio::request_accepted();
  });
  r.http_get("/api/v1/sessions/:id/messages", [=](auto req, auto params) {
    if (auto id = path_session_id(req, params))
      when_readable(*sysp, manager, req, *id, cfg, keys, [=] {
      ask<session_thread>(
        *sysp, manager, req,
        [](const request_handle_t& rq, session_thread& th) {
          bool busy = !th.turns.empty() && th.turns.back().status == turn_status::running;
          reply_json(rq, restinio::status_ok(),
                     json{{"messages", thread_json(th)},
                          {"current_version", current_of(th) > 0 ? json(current_of(th)) : json(nullptr)},
                          {"updating", busy}}
                       .dump());
        },
        atoms::thread::value, *id);
      });
    return restinio::request_accepted();
  });
  r.http_get("/api/v1/sessions/:id/versions", [=](auto req, auto params) {
    if (auto id = path_session_id(req, params))
      when_readable(*sysp, manager, req, *id, cfg, keys, [=] {
      ask<session_thread>(
        *sysp, manager, req,
        [](const request_handle_t& rq, session_thread& th) {
          json arr = json::array();
          for (auto& v : th.versions)
            arr.push_back(version_json(v, current_of(th)));
          reply_json(rq, restinio::status_ok(),
                     json{{"versions", arr},
                          {"current", current_of(th) > 0 ? json(current_of(th)) : json(nullptr)}}
                       .dump());
        },
        atoms::thread::value, *id);
      });
    return restinio::request_accepted();
  });
  r.http_get("/api/v1/sessions/:id/versions/:n/files", [=](auto req, auto params) {
    if (auto id = path_session_id(req, params))
      if (auto n = version_arg(req, "n", restinio::cast_to<std::string>(params["n"])))
        when_readable(*sysp, manager, req, *id, cfg, keys, [=, n = *n] {
        ask<generated_app>(
          *sysp, manager, req,
          [n](const request_handle_t& rq, generated_app& app) {
            auto j = files_json(app);
            j["version"] = n;
            reply_json(rq, restinio::status_ok(), j.dump());
          },
          atoms::verload::value, *id, n);
        });
    return restinio::request_accepted();
  });
  r.http_get("/api/v1/sessions/:id/diff", [=](auto req, auto params) {
    auto id = path_session_id(req, params);
    if (!id)
      return restinio::request_accepted();
    std::string from, to;
    try {
      auto qp = restinio::parse_query(req->header().query());
      if (qp.has("from"))
        from = restinio::cast_to<std::string>(qp["from"]);
      if (qp.has("to"))
        to = restinio::cast_to<std::string>(qp["to"]);
    } catch (const std::exception&) {
    }
    if (from.empty() || to.empty()) {
      reply_error(req, restinio::status_bad_request(), "invalid_input",
                  "'from' and 'to' (version numbers) are required");
      return restinio::request_accepted();
    }
    auto a = version_arg(req, "from", from);
    if (!a)
      return restinio::request_accepted();
    auto b = version_arg(req, "to", to);
    if (!b)
      return restinio::request_accepted();
    when_readable(*sysp, manager, req, *id, cfg, keys, [=, a = *a, b = *b] {
    ask<version_diff>(
      *sysp, manager, req,
      [](const request_handle_t& rq, version_diff& d) {
        json files = json::array();
        for (auto& f : d.files)
          files.push_back({{"path", f.path}, {"change", f.change}, {"diff", f.diff}});
        reply_json(rq, restinio::status_ok(),
                   json{{"from", d.from}, {"to", d.to}, {"files", files}}.dump());
      },
      atoms::diff::value, *id, a, b);
    });
    return restinio::request_accepted();
  });
  r.http_post("/api/v1/sessions/:id/rollback", [=](auto req, auto params) {
    if (too_large(req, *cfg))
      return restinio::request_accepted();
    if (auto id = path_session_id(req, params)) {
      auto version = parse_rollback_request(req->body());
      if (!version)
        reply_error(req, version.error());
      else
        ask<turn_record>(*sysp, manager, req, accepted_turn, atoms::rollback::value, *id,
                         token_of(req), *version);
    }
    return restinio::request_accepted();
  });
}

} // namespace spawn
