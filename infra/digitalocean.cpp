#include "infra/digitalocean.hpp"

#include <chrono>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace spawn {

namespace {

using json = nlohmann::json;

int64_t epoch_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

int64_t header_int(const http_response& r, const std::string& name, int64_t fallback) {
  auto it = r.headers.find(name);
  if (it == r.headers.end())
    return fallback;
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

/// The API's error body `{"id", "message"}`, or the status.
std::string api_message(const http_response& r) {
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string())
    return j.value("id", std::string{"error"}) + ": " + j["message"].get<std::string>();
  return "HTTP " + std::to_string(r.status);
}

caf::error status_error(const http_response& r, const std::string& what) {
  auto msg = "DigitalOcean " + what + ": " + api_message(r);
  if (r.status == 404)
    return make_error(errc::not_found, msg);
  if (r.status == 401 || r.status == 403)
    return make_error(errc::unauthorized, msg);
  if (r.status == 422 || r.status == 400)
    return make_error(errc::invalid_input, msg);
  if (r.status == 429)
    return make_error(errc::rate_limited, msg);
  return make_error(errc::unavailable, msg);
}

caf::error malformed(const std::string& what, const std::string& why) {
  return make_error(errc::runtime_failed, "DigitalOcean " + what + ": unexpected answer (" + why + ")");
}

droplet droplet_of(const json& d) {
  droplet out;
  out.id = d.at("id").get<int64_t>();
  out.name = d.value("name", "");
  out.status = d.value("status", "");
  if (d.contains("region") && d["region"].is_object())
    out.region = d["region"].value("slug", "");
  out.size = d.value("size_slug", "");
  if (d.contains("tags") && d["tags"].is_array())
    for (auto& t : d["tags"])
      if (t.is_string())
        out.tags.push_back(t.get<std::string>());
  if (d.contains("networks") && d["networks"].is_object() && d["networks"].contains("v4"))
    for (auto& n : d["networks"]["v4"]) {
      auto type = n.value("type", "");
      if (type == "public")
        out.public_ip = n.value("ip_address", "");
      else if (type == "private")
        out.private_ip = n.value("ip_address", "");
    }
  return out;
}

} // namespace

digitalocean::digitalocean(digitalocean_settings s) : s_(std::move(s)) {
  while (!s_.api_base.empty() && s_.api_base.back() == '/')
    s_.api_base.pop_back();
  sleep_ = [](long ms) { std::this_thread::sleep_for(std::chrono::milliseconds{ms}); };
}

int digitalocean::calls() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return calls_;
}

caf::expected<http_response> digitalocean::call(const std::string& method, const std::string& url,
                                                const std::string& body) {
  auto full = url.rfind("http", 0) == 0 ? url : s_.api_base + url;
  long backoff = 500;
  caf::error last;
  for (int attempt = 1; attempt <= s_.max_attempts; ++attempt) {
    long wait = 0;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (remaining_ == 0 && reset_at_ > epoch_seconds())
        wait = std::min<long>(s_.max_backoff_ms, (reset_at_ - epoch_seconds()) * 1000);
      ++calls_;
    }
    if (wait > 0)
      sleep_(wait);
    http_request req;
    req.method = method;
    req.url = full;
    req.timeout_ms = s_.timeout_ms;
    req.headers.emplace_back("Authorization", "Bearer " + s_.token);
    if (!body.empty())
      req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
    auto resp = perform(req);
    if (!resp) {
      // errors name the method and URL only (http_client never puts headers in them)
      last = make_error(errc::unavailable, "DigitalOcean API: " + message_of(resp.error()));
    } else {
      {
        std::lock_guard<std::mutex> guard{mtx_};
        remaining_ = static_cast<int>(header_int(*resp, "ratelimit-remaining", -1));
        reset_at_ = header_int(*resp, "ratelimit-reset", 0);
      }
      if (resp->status != 429 && resp->status < 500)
        return resp;
      last = status_error(*resp, method + " " + url);
      if (resp->status == 429) {
        auto reset = header_int(*resp, "ratelimit-reset", 0) - epoch_seconds();
        auto retry_after = header_int(*resp, "retry-after", 0);
        backoff = std::max<long>(backoff, std::max<int64_t>(reset, retry_after) * 1000);
      }
    }
    if (attempt < s_.max_attempts) {
      sleep_(std::min(backoff, s_.max_backoff_ms));
      backoff = std::min(backoff * 2, s_.max_backoff_ms);
    }
  }
  return last;
}

caf::expected<std::pair<droplet, std::string>> digitalocean::create(const droplet_request& r) {
  json body{{"name", r.name}, {"region", r.region}, {"size", r.size}, {"image", r.image},
            {"tags", r.tags}, {"user_data", r.user_data}, {"monitoring", false}, {"ipv6", false}};
  auto resp = call("POST", "/v2/droplets", body.dump());
  if (!resp)
    return resp.error();
  if (resp->status != 202)
    return status_error(*resp, "create droplet");
  auto j = json::parse(resp->body, nullptr, false);
  try {
    auto d = droplet_of(j.at("droplet"));
    std::string href;
    for (auto& a : j.at("links").at("actions"))
      if (a.value("rel", "") == "create")
        href = a.at("href").get<std::string>();
    if (href.empty())
      return malformed("create droplet", "no create action in links.actions");
    return std::make_pair(std::move(d), std::move(href));
  } catch (const std::exception& e) {
    return malformed("create droplet", e.what());
  }
}

caf::expected<std::string> digitalocean::action_status(const std::string& href) {
  auto resp = call("GET", href);
  if (!resp)
    return resp.error();
  if (resp->status != 200)
    return status_error(*resp, "action");
  auto j = json::parse(resp->body, nullptr, false);
  try {
    auto status = j.at("action").at("status").get<std::string>();
    if (status != "in-progress" && status != "completed" && status != "errored")
      return malformed("action", "status '" + status + "'");
    return status;
  } catch (const std::exception& e) {
    return malformed("action", e.what());
  }
}

caf::expected<droplet> digitalocean::get(int64_t id) {
  auto resp = call("GET", "/v2/droplets/" + std::to_string(id));
  if (!resp)
    return resp.error();
  if (resp->status != 200)
    return status_error(*resp, "droplet " + std::to_string(id));
  auto j = json::parse(resp->body, nullptr, false);
  try {
    return droplet_of(j.at("droplet"));
  } catch (const std::exception& e) {
    return malformed("droplet", e.what());
  }
}

caf::error digitalocean::destroy(int64_t id) {
  auto resp = call("DELETE", "/v2/droplets/" + std::to_string(id));
  if (!resp)
    return resp.error();
  if (resp->status == 204 || resp->status == 404)
    return {};
  return status_error(*resp, "destroy droplet " + std::to_string(id));
}

caf::expected<std::vector<droplet>> digitalocean::list_tagged(const std::string& tag) {
  std::vector<droplet> out;
  std::string next = "/v2/droplets?per_page=50&tag_name=" + tag;
  for (int page = 0; !next.empty() && page < 100; ++page) {
    auto resp = call("GET", next);
    if (!resp)
      return resp.error();
    if (resp->status != 200)
      return status_error(*resp, "list droplets");
    auto j = json::parse(resp->body, nullptr, false);
    try {
      for (auto& d : j.at("droplets"))
        out.push_back(droplet_of(d));
      next.clear();
      if (j.contains("links") && j["links"].contains("pages")
          && j["links"]["pages"].contains("next"))
        next = j["links"]["pages"]["next"].get<std::string>();
    } catch (const std::exception& e) {
      return malformed("list droplets", e.what());
    }
  }
  return out;
}

std::string droplet_size_for(int64_t memory_mb) {
  if (memory_mb <= 1024)
    return "s-1vcpu-1gb";
  if (memory_mb <= 2048)
    return "s-2vcpu-2gb";
  return "s-2vcpu-4gb";
}

std::string digitalocean_token(const char* env, const std::string& file) {
  if (env != nullptr && *env != '\0')
    return env;
  if (file.empty())
    return {};
  std::ifstream in{file};
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
    line.pop_back();
  return line;
}

} // namespace spawn
