#include "infra/docker_engine.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "infra/slot_archive.hpp"

namespace spawn {

namespace {

using json = nlohmann::json;

constexpr long ping_timeout_ms = 3000;
constexpr long start_timeout_ms = 60000;

/// Percent-encodes `s` for a URL, keeping unreserved characters and `keep`.
std::string url_encode(const std::string& s, const std::string& keep = {}) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'
        || keep.find(static_cast<char>(c)) != std::string::npos) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

/// The engine's own explanation: `{"message": "..."}`, or the raw body.
std::string engine_message(const http_response& resp) {
  try {
    auto j = json::parse(resp.body);
    if (j.is_object() && j.contains("message") && j["message"].is_string())
      return j["message"].get<std::string>();
  } catch (const std::exception&) {
    // not JSON: fall through to the raw body
  }
  auto msg = resp.body;
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r'))
    msg.pop_back();
  return msg.empty() ? "HTTP " + std::to_string(resp.status) : msg;
}

caf::error status_error(const http_response& resp, const std::string& what) {
  auto msg = what + ": " + engine_message(resp);
  switch (resp.status) {
    case 404: return make_error(errc::not_found, std::move(msg));
    case 409: return make_error(errc::conflict, std::move(msg));
    default: return make_error(errc::runtime_failed, std::move(msg));
  }
}

std::map<std::string, std::string> labels_of(const json& j) {
  std::map<std::string, std::string> out;
  if (j.is_object())
    for (auto& [k, v] : j.items())
      if (v.is_string())
        out.emplace(k, v.get<std::string>());
  return out;
}

int to_port(const json& j) {
  if (j.is_number_integer())
    return j.get<int>();
  if (j.is_string()) {
    try {
      return std::stoi(j.get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

/// Host port from inspect's NetworkSettings.Ports, preferring `preferred`/tcp.
int host_port_of(const json& ports, int preferred) {
  if (!ports.is_object())
    return 0;
  auto first_binding = [](const json& bindings) {
    if (bindings.is_array())
      for (auto& b : bindings)
        if (b.is_object() && b.contains("HostPort"))
          if (auto p = to_port(b["HostPort"]); p > 0)
            return p;
    return 0;
  };
  auto key = std::to_string(preferred) + "/tcp";
  if (ports.contains(key))
    if (auto p = first_binding(ports[key]); p > 0)
      return p;
  for (auto& [k, v] : ports.items())
    if (auto p = first_binding(v); p > 0)
      return p;
  return 0;
}

/// Reads GET /containers/{id}/json.
container_info info_from_inspect(const json& j, int preferred_port) {
  container_info info;
  info.id = j.value("Id", "");
  info.name = j.value("Name", "");
  if (!info.name.empty() && info.name.front() == '/')
    info.name.erase(0, 1);
  const auto& config = j.contains("Config") ? j["Config"] : json::object();
  info.image = config.is_object() ? config.value("Image", "") : "";
  if (config.is_object() && config.contains("Labels"))
    info.labels = labels_of(config["Labels"]);
  if (j.contains("State") && j["State"].is_object())
    info.state = j["State"].value("Status", "");
  if (j.contains("NetworkSettings") && j["NetworkSettings"].is_object()
      && j["NetworkSettings"].contains("Ports"))
    info.host_port = host_port_of(j["NetworkSettings"]["Ports"], preferred_port);
  return info;
}

/// Reads one entry of GET /containers/json.
container_info info_from_list(const json& j) {
  container_info info;
  info.id = j.value("Id", "");
  if (j.contains("Names") && j["Names"].is_array() && !j["Names"].empty()
      && j["Names"][0].is_string()) {
    info.name = j["Names"][0].get<std::string>();
    if (!info.name.empty() && info.name.front() == '/')
      info.name.erase(0, 1);
  }
  info.image = j.value("Image", "");
  info.state = j.value("State", "");
  if (j.contains("Labels"))
    info.labels = labels_of(j["Labels"]);
  if (j.contains("Ports") && j["Ports"].is_array())
    for (auto& p : j["Ports"])
      if (p.is_object() && p.contains("PublicPort") && info.host_port == 0)
        info.host_port = to_port(p["PublicPort"]);
  return info;
}

template <class F>
auto guarded(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return make_error(errc::runtime_failed,
                      std::string{what} + ": unexpected engine answer: " + e.what());
  }
}

} // namespace

docker_engine::docker_engine(std::string socket_path, std::string api_prefix)
  : socket_path_(std::move(socket_path)), api_prefix_(std::move(api_prefix)) {
  where_.socket = socket_path_;
}

docker_engine::docker_engine(docker_endpoint where, std::string api_prefix)
  : socket_path_(where.tcp.empty() ? where.socket : std::string{}),
    api_prefix_(std::move(api_prefix)),
    where_(std::move(where)) {
  // nop
}

std::string docker_engine::create_body(const container_spec& spec,
                                       const std::string& publish_address, bool ships_files) {
  auto port_key = std::to_string(spec.container_port) + "/tcp";
  json host{
    {"PortBindings", {{port_key, json::array({{{"HostIp", publish_address}, {"HostPort", ""}}})}}},
    {"Memory", spec.memory_bytes},
    {"MemorySwap", spec.memory_bytes},
    {"NanoCpus", static_cast<int64_t>(std::llround(spec.cpus * 1e9))},
    {"PidsLimit", spec.runtime == "runsc" ? spec.pids_limit + gvisor_sandbox_pids
                                          : spec.pids_limit},
    {"ReadonlyRootfs", true},
    {"Tmpfs", {{"/tmp", "rw,noexec,nosuid,size=64m"}}},
    {"CapDrop", json::array({"ALL"})},
    {"SecurityOpt", json::array({"no-new-privileges"})},
    {"Init", true},
    {"RestartPolicy", {{"Name", "no"}}},
  };
  if (!spec.slot_dir.empty() && ships_files) // writable by the engine only: files are root's 0644
    host["Mounts"] = json::array({{{"Type", "volume"}, {"Target", "/srv/slot"}}});
  else if (!spec.slot_dir.empty())
    host["Binds"] = json::array({spec.slot_dir + ":/srv/slot:ro"});
  if (!spec.network.empty())
    host["NetworkMode"] = spec.network;
  if (!spec.runtime.empty())
    host["Runtime"] = spec.runtime; // same limits and flags (pids: plus the sandbox's own)
  json body{
    {"Image", spec.image},
    {"User", spec.user},
    {"Env", spec.env},
    {"Labels", spec.labels},
    {"ExposedPorts", {{port_key, json::object()}}},
    {"HostConfig", std::move(host)},
  };
  return body.dump();
}

caf::expected<http_response> docker_engine::call(const std::string& method,
                                                 const std::string& path, std::string body,
                                                 long timeout_ms) const {
  http_request req;
  req.method = method;
  if (where_.tcp.empty()) {
    req.url = "http://localhost" + api_prefix_ + path;
    req.unix_socket = socket_path_;
  } else {
    // tcp://host:port → https://host:port, the engine verifying our certificate.
    auto hostport = where_.tcp.rfind("tcp://", 0) == 0 ? where_.tcp.substr(6) : where_.tcp;
    req.url = "https://" + hostport + api_prefix_ + path;
    req.ca_file = where_.ca_file;
    req.cert_file = where_.cert_file;
    req.key_file = where_.key_file;
    req.verify_host = where_.verify_host;
  }
  req.timeout_ms = timeout_ms < 0 ? call_timeout_ms_ : timeout_ms;
  if (!body.empty() || method == "POST")
    req.headers.emplace_back("Content-Type", path.rfind("/images/load", 0) == 0
                                                 || path.find("/archive?") != std::string::npos
                                               ? "application/x-tar"
                                               : "application/json");
  req.body = std::move(body);
  auto resp = perform(req);
  if (!resp) {
    if (code_of(resp.error()) == errc::timeout)
      return std::move(resp.error());
    return make_error(errc::unavailable, "no Docker engine at " + where() + ": "
                                           + message_of(resp.error()));
  }
  return resp;
}

caf::expected<http_response> docker_engine::call_ok(const std::string& method,
                                                    const std::string& path, std::string body,
                                                    long timeout_ms, long ok_also) const {
  auto resp = call(method, path, std::move(body), timeout_ms);
  if (resp && (resp->status < 200 || resp->status > 299) && resp->status != ok_also)
    return status_error(*resp, method + " " + path);
  return resp;
}

bool docker_engine::ping() {
  auto resp = call("GET", "/_ping", {}, ping_timeout_ms);
  return resp && resp->status == 200;
}

caf::expected<bool> docker_engine::image_exists(const std::string& image) {
  auto resp = call_ok("GET", "/images/" + url_encode(image, "/:@") + "/json", {}, -1, 404);
  if (!resp)
    return std::move(resp.error());
  return resp->status == 200;
}

caf::expected<container_info> docker_engine::run(const container_spec& spec) {
  std::string path = "/containers/create";
  if (!spec.name.empty())
    path += "?name=" + url_encode(spec.name);
  auto created = call_ok("POST", path, create_body(spec, where_.publish_address, ships_files()));
  if (!created)
    return std::move(created.error());
  auto id = guarded("create", [&]() -> caf::expected<std::string> {
    return json::parse(created->body).at("Id").get<std::string>();
  });
  if (!id)
    return std::move(id.error());
  // From here on, a failure removes the container: run leaves nothing behind.
  auto result = guarded("run", [&]() -> caf::expected<container_info> {
    auto started = call_ok("POST", "/containers/" + *id + "/start", {}, start_timeout_ms);
    if (!started)
      return std::move(started.error());
    auto inspected = call_ok("GET", "/containers/" + *id + "/json");
    if (!inspected)
      return std::move(inspected.error());
    auto j = json::parse(inspected->body);
    auto info = info_from_inspect(j, spec.container_port);
    info.address = where_.publish_address;
    if (info.host_port == 0 && info.state != "running") {
      auto code = j.at("State").value("ExitCode", -1);
      return make_error(errc::runtime_failed,
                        "container " + id->substr(0, 12) + " stopped right after start ("
                          + info.state + ", exit code " + std::to_string(code) + ")");
    }
    return info;
  });
  if (!result)
    (void) remove(*id);
  return result;
}

caf::error docker_engine::remove(const std::string& id) {
  auto resp = call_ok("DELETE", "/containers/" + url_encode(id) + "?force=true&v=true", {},
                      -1, 404);
  return resp ? caf::error{} : std::move(resp.error());
}

caf::expected<container_info> docker_engine::inspect(const std::string& id) {
  return guarded("inspect", [&]() -> caf::expected<container_info> {
    auto resp = call_ok("GET", "/containers/" + url_encode(id) + "/json");
    if (!resp)
      return std::move(resp.error());
    auto info = info_from_inspect(json::parse(resp->body), 8080);
    info.address = where_.publish_address;
    return info;
  });
}

caf::expected<std::vector<container_info>>
docker_engine::list_labelled(const std::string& key) {
  return guarded("list_labelled", [&]() -> caf::expected<std::vector<container_info>> {
    json filters{{"label", json::array({key})}};
    auto resp = call_ok("GET", "/containers/json?all=true&filters=" + url_encode(filters.dump()));
    if (!resp)
      return std::move(resp.error());
    std::vector<container_info> out;
    for (auto& entry : json::parse(resp->body)) {
      out.push_back(info_from_list(entry));
      out.back().address = where_.publish_address;
    }
    return out;
  });
}

caf::error docker_engine::rename(const std::string& id, const std::string& name) {
  auto resp = call_ok("POST", "/containers/" + url_encode(id) + "/rename?name=" + url_encode(name));
  return resp ? caf::error{} : std::move(resp.error());
}

caf::error docker_engine::pause(const std::string& id) {
  auto resp = call_ok("POST", "/containers/" + url_encode(id) + "/pause");
  return resp ? caf::error{} : std::move(resp.error());
}

caf::error docker_engine::unpause(const std::string& id) {
  auto resp = call_ok("POST", "/containers/" + url_encode(id) + "/unpause");
  return resp ? caf::error{} : std::move(resp.error());
}

caf::error docker_engine::restart(const std::string& id) {
  auto resp = call_ok("POST", "/containers/" + url_encode(id) + "/restart?t=2");
  return resp ? caf::error{} : std::move(resp.error());
}

caf::expected<int64_t> docker_engine::net_rx_bytes(const std::string& id) {
  // one-shot: one sample, no second one a second later (API 1.41).
  auto resp = call_ok("GET", "/containers/" + url_encode(id) + "/stats?stream=false&one-shot=true");
  if (!resp)
    return resp.error();
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (!j.is_object() || !j.contains("networks") || !j["networks"].is_object())
    return make_error(errc::runtime_failed, "no network counters for " + id);
  int64_t total = 0;
  for (auto& [name, net] : j["networks"].items())
    if (net.is_object() && net.contains("rx_bytes") && net["rx_bytes"].is_number_integer())
      total += net["rx_bytes"].get<int64_t>();
  return total;
}

caf::error docker_engine::ship_slot(const std::string& id, const std::string& slot_dir) {
  if (!ships_files())
    return {};
  auto tar = slot_tar(slot_dir);
  if (!tar)
    return tar.error();
  auto resp = call_ok("PUT", "/containers/" + url_encode(id) + "/archive?path=%2Fsrv%2Fslot",
                      std::move(*tar), 120000);
  return resp ? caf::error{} : std::move(resp.error());
}

caf::expected<std::string> docker_engine::save_image(const std::string& image) {
  auto resp = call_ok("GET", "/images/" + url_encode(image, "/:@") + "/get", {}, 300000);
  if (!resp)
    return std::move(resp.error());
  return std::move(resp->body);
}

caf::error docker_engine::load_image(const std::string& tar) {
  auto resp = call_ok("POST", "/images/load?quiet=1", tar, 300000);
  return resp ? caf::error{} : std::move(resp.error());
}

} // namespace spawn
