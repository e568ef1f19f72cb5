#include "http/json_codec.hpp"


namespace spawn {

using nlohmann::json;

json iso_time(epoch_ms t) {
  if (t <= 0)
    return nullptr;
  return iso8601(t);
}

json session_json(const session_record& s, const std::string& base_url) {
  auto self_url = base_url + "/api/v1/sessions/" + s.id;
  auto ws_base = base_url.rfind("https://", 0) == 0 ? "wss://" + base_url.substr(8)
                                                    : "ws://" + base_url.substr(7);
  auto left = s.expires_at > 0 && s.state != phase::destroyed
                ? std::max<int64_t>(0, (s.expires_at - now_ms()) / 1000)
                : 0;
  json j{{"id", s.id},
         {"state", std::string{to_string(s.state)}},
         {"progress", progress_of(s.state)},
         {"message", s.message},
         {"app_type", std::string{to_string(s.type)}},
         {"prompt", s.prompt},
         {"tier", s.tier},
         {"node_id", s.node_id},
         {"app_url", s.app_url.empty() || s.state == phase::destroyed ? json(nullptr) : json(s.app_url)},
         {"created_at", iso_time(s.created_at)},
         {"started_at", iso_time(s.started_at)},
         {"expires_at", iso_time(s.expires_at)},
         {"destroyed_at", iso_time(s.destroyed_at)},
         {"expires_in_seconds", left},
         {"costs", {{"estimated_usd", s.estimated_cost}, {"actual_usd", s.actual_cost},
                    {"input_tokens", s.input_tokens}, {"output_tokens", s.output_tokens},
                    {"generation_usd", s.generation_cost_usd}}},
         {"status_url", self_url},
         {"events_url", self_url + "/events"},
         {"files_url", self_url + "/files"},
         {"ws_url", ws_base + "/ws/v1/sessions/" + s.id}};
  auto meta = json::parse(s.metadata, nullptr, false);
  j["estimated_seconds"] = meta.is_object() ? meta.value("estimated_seconds", 5) : 5;
  if (meta.is_object() && meta.contains("site"))
    j["site"] = meta["site"];
  j["egress"] = meta.is_object() && meta.contains("egress") ? meta["egress"] : json::array();
  // Uploaded code (issue 18): what was detected; the archive's path stays inside.
  if (meta.is_object() && meta.contains("source") && meta["source"].is_object()) {
    auto src = meta["source"];
    src.erase("archive");
    j["source"] = src;
  }
  // Issue 6: the bill so far and the place in the generation queue, as the
  // session actor last recorded them in its metadata.
  auto items = meta.is_object() ? meta.value("cost_items", json::array()) : json::array();
  j["costs"]["currency"] = "USD";
  j["costs"]["items"] = items.is_array() ? items : json::array();
  auto pos = meta.is_object() ? meta.value("queue_position", json(nullptr)) : json(nullptr);
  j["queue_position"] = pos.is_number_integer() && pos.get<int>() > 0 ? pos : json(nullptr);
  j["queued"] = !j["queue_position"].is_null();
  // Issue 15: a turn updating the app, and the version that serves.
  auto turn = meta.is_object() ? meta.value("turn", json(nullptr)) : json(nullptr);
  j["status"] = turn.is_object() ? "updating" : "idle";
  j["turn_in_progress"] = turn.is_object() ? turn.value("number", json(nullptr)) : json(nullptr);
  auto version = meta.is_object() ? meta.value("version", 0) : 0;
  j["version"] = version > 0 ? json(version) : s.started_at > 0 ? json(1) : json(nullptr);
  // Issue 18: the custom domains that also reach the app.
  j["domains"] = meta.is_object() && meta.contains("domains") && meta["domains"].is_array()
                   ? meta["domains"]
                   : json::array();
  j["domains_url"] = self_url + "/domains";
  j["messages_url"] = self_url + "/messages";
  j["versions_url"] = self_url + "/versions";
  if (!s.failure_reason.empty())
    j["failure_reason"] = s.failure_reason;
  return j;
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
