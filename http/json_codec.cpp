#include "http/json_codec.hpp"

#include <optional>

#include "http/json_text.hpp"

namespace spawn {

using nlohmann::json;

json iso_time(epoch_ms t) {
  if (t <= 0)
    return nullptr;
  return iso8601(t);
}

namespace {

/// What session_json takes from the metadata the session actor recorded,
/// computed once for both encoders (the tree and the text).
struct meta_view {
  json estimated_seconds;
  std::optional<json> site;
  json egress;
  std::optional<json> source;
  json items;
  json queue_position;
  bool queued = false;
  const char* status = "idle";
  json turn_in_progress;
  json version;
  json domains;
};

meta_view view_of(const session_record& s) {
  meta_view v;
  auto meta = json::parse(s.metadata, nullptr, false);
  bool obj = meta.is_object();
  v.estimated_seconds = obj ? meta.value("estimated_seconds", 5) : 5;
  if (obj && meta.contains("site"))
    v.site = meta["site"];
  v.egress = obj && meta.contains("egress") ? meta["egress"] : json::array();
  // Uploaded code (issue 18): what was detected; the archive's path stays inside.
  if (obj && meta.contains("source") && meta["source"].is_object()) {
    auto src = meta["source"];
    src.erase("archive");
    v.source = std::move(src);
  }
  // Issue 6: the bill so far and the place in the generation queue, as the
  // session actor last recorded them in its metadata.
  auto items = obj ? meta.value("cost_items", json::array()) : json::array();
  v.items = items.is_array() ? items : json::array();
  auto pos = obj ? meta.value("queue_position", json(nullptr)) : json(nullptr);
  v.queue_position = pos.is_number_integer() && pos.get<int>() > 0 ? pos : json(nullptr);
  v.queued = !v.queue_position.is_null();
  // Issue 15: a turn updating the app, and the version that serves.
  auto turn = obj ? meta.value("turn", json(nullptr)) : json(nullptr);
  v.status = turn.is_object() ? "updating" : "idle";
  v.turn_in_progress = turn.is_object() ? turn.value("number", json(nullptr)) : json(nullptr);
  auto version = obj ? meta.value("version", 0) : 0;
  v.version = version > 0 ? json(version) : s.started_at > 0 ? json(1) : json(nullptr);
  // Issue 18: the custom domains that also reach the app.
  v.domains = obj && meta.contains("domains") && meta["domains"].is_array() ? meta["domains"]
                                                                           : json::array();
  return v;
}

std::string ws_base_of(const std::string& base_url) {
  return base_url.rfind("https://", 0) == 0 ? "wss://" + base_url.substr(8)
                                            : "ws://" + base_url.substr(7);
}

int64_t seconds_left(const session_record& s, epoch_ms now) {
  return s.expires_at > 0 && s.state != phase::destroyed
           ? std::max<int64_t>(0, (s.expires_at - now) / 1000)
           : 0;
}

bool shows_app_url(const session_record& s) {
  return !s.app_url.empty() && s.state != phase::destroyed;
}

void time_text(json_text& w, epoch_ms t) {
  if (t <= 0)
    w.null();
  else
    w.string(iso8601(t));
}

} // namespace

json session_json(const session_record& s, const std::string& base_url, epoch_ms now) {
  auto self_url = base_url + "/api/v1/sessions/" + s.id;
  auto v = view_of(s);
  json j{{"id", s.id},
         {"state", std::string{to_string(s.state)}},
         {"progress", progress_of(s.state)},
         {"message", s.message},
         {"app_type", std::string{to_string(s.type)}},
         {"prompt", s.prompt},
         {"tier", s.tier},
         {"node_id", s.node_id},
         {"app_url", shows_app_url(s) ? json(s.app_url) : json(nullptr)},
         {"created_at", iso_time(s.created_at)},
         {"started_at", iso_time(s.started_at)},
         {"expires_at", iso_time(s.expires_at)},
         {"destroyed_at", iso_time(s.destroyed_at)},
         {"expires_in_seconds", seconds_left(s, now)},
         {"costs", {{"estimated_usd", s.estimated_cost}, {"actual_usd", s.actual_cost},
                    {"input_tokens", s.input_tokens}, {"output_tokens", s.output_tokens},
                    {"generation_usd", s.generation_cost_usd}}},
         {"status_url", self_url},
         {"events_url", self_url + "/events"},
         {"files_url", self_url + "/files"},
         {"ws_url", ws_base_of(base_url) + "/ws/v1/sessions/" + s.id}};
  j["estimated_seconds"] = v.estimated_seconds;
  if (v.site)
    j["site"] = *v.site;
  j["egress"] = v.egress;
  if (v.source)
    j["source"] = *v.source;
  j["costs"]["currency"] = "USD";
  j["costs"]["items"] = v.items;
  j["queue_position"] = v.queue_position;
  j["queued"] = v.queued;
  j["status"] = v.status;
  j["turn_in_progress"] = v.turn_in_progress;
  j["version"] = v.version;
  j["domains"] = v.domains;
  j["domains_url"] = self_url + "/domains";
  j["messages_url"] = self_url + "/messages";
  j["versions_url"] = self_url + "/versions";
  if (!s.failure_reason.empty())
    j["failure_reason"] = s.failure_reason;
  return j;
}

std::string session_json_text(const session_record& s, const std::string& base_url,
                              epoch_ms now) {
  auto v = view_of(s);
  std::string out;
  out.reserve(1536 + s.prompt.size() + s.message.size() + s.failure_reason.size());
  json_text w{out};
  // The members in nlohmann's order (keys sorted byte-wise), so the text is
  // what session_json(...).dump() writes (json_codec_test compares them).
  auto url = [&](std::string_view suffix) {
    std::string u;
    u.reserve(base_url.size() + 32 + suffix.size());
    u.append(base_url).append("/api/v1/sessions/").append(s.id).append(suffix);
    w.string(u);
  };
  w.open_object();
  w.key("app_type");
  w.string(to_string(s.type));
  w.key("app_url");
  if (shows_app_url(s))
    w.string(s.app_url);
  else
    w.null();
  w.key("costs");
  w.open_object();
  w.key("actual_usd");
  w.number(s.actual_cost);
  w.key("currency");
  w.string("USD");
  w.key("estimated_usd");
  w.number(s.estimated_cost);
  w.key("generation_usd");
  w.number(s.generation_cost_usd);
  w.key("input_tokens");
  w.integer(s.input_tokens);
  w.key("items");
  w.value(v.items);
  w.key("output_tokens");
  w.integer(s.output_tokens);
  w.close_object();
  w.key("created_at");
  time_text(w, s.created_at);
  w.key("destroyed_at");
  time_text(w, s.destroyed_at);
  w.key("domains");
  w.value(v.domains);
  w.key("domains_url");
  url("/domains");
  w.key("egress");
  w.value(v.egress);
  w.key("estimated_seconds");
  w.value(v.estimated_seconds);
  w.key("events_url");
  url("/events");
  w.key("expires_at");
  time_text(w, s.expires_at);
  w.key("expires_in_seconds");
  w.integer(seconds_left(s, now));
  if (!s.failure_reason.empty()) {
    w.key("failure_reason");
    w.string(s.failure_reason);
  }
  w.key("files_url");
  url("/files");
  w.key("id");
  w.string(s.id);
  w.key("message");
  w.string(s.message);
  w.key("messages_url");
  url("/messages");
  w.key("node_id");
  w.string(s.node_id);
  w.key("progress");
  w.integer(progress_of(s.state));
  w.key("prompt");
  w.string(s.prompt);
  w.key("queue_position");
  w.value(v.queue_position);
  w.key("queued");
  w.boolean(v.queued);
  if (v.site) {
    w.key("site");
    w.value(*v.site);
  }
  if (v.source) {
    w.key("source");
    w.value(*v.source);
  }
  w.key("started_at");
  time_text(w, s.started_at);
  w.key("state");
  w.string(to_string(s.state));
  w.key("status");
  w.string(v.status);
  w.key("status_url");
  url("");
  w.key("tier");
  w.string(s.tier);
  w.key("turn_in_progress");
  w.value(v.turn_in_progress);
  w.key("version");
  w.value(v.version);
  w.key("versions_url");
  url("/versions");
  w.key("ws_url");
  w.string(ws_base_of(base_url) + "/ws/v1/sessions/" + s.id);
  w.close_object();
  return out;
}

std::string visitor_json_text(const session_record& s, const std::string& base_url,
                              epoch_ms now) {
  // visitor_json's members in nlohmann's order, each written as above.
  std::string out;
  out.reserve(256 + base_url.size());
  json_text w{out};
  w.open_object();
  w.key("app_url");
  if (shows_app_url(s))
    w.string(s.app_url);
  else
    w.null();
  w.key("destroyed_at");
  time_text(w, s.destroyed_at);
  w.key("expires_at");
  time_text(w, s.expires_at);
  w.key("expires_in_seconds");
  w.integer(seconds_left(s, now));
  w.key("id");
  w.string(s.id);
  w.key("private");
  w.boolean(true);
  w.key("progress");
  w.integer(progress_of(s.state));
  w.key("state");
  w.string(to_string(s.state));
  w.key("status_url");
  w.string(base_url + "/api/v1/sessions/" + s.id);
  w.close_object();
  return out;
}

json event_json(const event_record& ev) {
  return json{{"seq", ev.seq}, {"at", iso_time(ev.at)}, {"level", ev.level},
              {"phase", ev.phase}, {"message", ev.message}};
}

json files_json(const generated_app& app) {
  json files = json::array();
  for (auto& f : app.files)
    files.push_back({{"path", f.path}, {"content", f.content}});
  return json{{"title", app.title}, {"template", app.template_name}, {"entry", app.entry},
              {"run", app.run}, {"files", std::move(files)}};
}

std::string error_body(const std::string& code, const std::string& message) {
  return json{{"error", {{"code", code}, {"message", message}}}}.dump();
}

} // namespace spawn
