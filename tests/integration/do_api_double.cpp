#include "tests/integration/do_api_double.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "build_paths.hpp"

namespace spawn::test {

using nlohmann::json;

namespace {

bool send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    auto n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string host_script() {
  return std::string{"bash "} + SPAWN_SOURCE_DIR + "/deploy/scripts/docker-host.sh";
}

std::string query_value(const std::string& query, const std::string& key) {
  size_t pos = 0;
  while (pos < query.size()) {
    auto amp = query.find('&', pos);
    auto part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = part.find('=');
    if (eq != std::string::npos && part.substr(0, eq) == key)
      return part.substr(eq + 1);
    if (amp == std::string::npos)
      break;
    pos = amp + 1;
  }
  return {};
}

} // namespace

do_api_double::do_api_double(std::string token) : token_(std::move(token)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0
      || ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("do_api_double: cannot listen");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread{[this] { accept_loop(); }};
}

do_api_double::~do_api_double() {
  stop_ = true;
  acceptor_.join();
  for (auto& w : workers_) // no new worker: the acceptor is gone
    w.join();
  for (auto& b : boots_) // no new boot: every worker is done
    b.join();
  ::close(listen_fd_);
  // A droplet a test did not destroy is a leak the test reports; its engine
  // is stopped here all the same.
  for (auto& [id, d] : droplets_)
    if (!d.destroyed && !d.host_name.empty())
      std::system((host_script() + " stop " + d.host_name + " " + d.address + " >/dev/null 2>&1").c_str());
}

std::string do_api_double::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

int do_api_double::live() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return static_cast<int>(std::count_if(droplets_.begin(), droplets_.end(),
                                        [](auto& kv) { return !kv.second.destroyed; }));
}

int do_api_double::created() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return static_cast<int>(droplets_.size());
}

int do_api_double::requests(const std::string& key) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

void do_api_double::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0)
      continue;
    std::lock_guard<std::mutex> guard{mtx_};
    workers_.emplace_back([this, fd] {
      serve(fd);
      ::close(fd);
    });
  }
}

void do_api_double::serve(int fd) {
  std::string in;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  size_t head_end = std::string::npos, need = 0;
  while (std::chrono::steady_clock::now() < deadline && !stop_) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      continue;
    char buf[8192];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0)
      return;
    in.append(buf, static_cast<size_t>(n));
    if (head_end == std::string::npos) {
      head_end = in.find("\r\n\r\n");
      if (head_end == std::string::npos)
        continue;
      auto lower = in.substr(0, head_end);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      auto cl = lower.find("content-length:");
      if (cl != std::string::npos)
        need = std::stoul(lower.substr(cl + 15));
    }
    if (in.size() >= head_end + 4 + need)
      break;
  }
  if (head_end == std::string::npos)
    return;
  auto line_end = in.find("\r\n");
  auto first = in.substr(0, line_end);
  auto sp1 = first.find(' ');
  auto sp2 = first.find(' ', sp1 + 1);
  auto method = first.substr(0, sp1);
  auto target = first.substr(sp1 + 1, sp2 - sp1 - 1);
  std::map<std::string, std::string> headers;
  size_t pos = line_end + 2;
  while (pos < head_end) {
    auto e = in.find("\r\n", pos);
    auto l = in.substr(pos, e - pos);
    pos = e + 2;
    auto colon = l.find(':');
    if (colon == std::string::npos)
      continue;
    auto name = l.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = l.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.erase(value.begin());
    headers[name] = value;
  }
  send_all(fd, respond(method, target, headers, in.substr(head_end + 4, need)));
}

std::string do_api_double::droplet_json(const droplet_state& d) const {
  json v4 = json::array();
  if (d.status == "active") {
    v4.push_back({{"ip_address", d.address}, {"netmask", "255.255.255.0"}, {"gateway", "127.0.0.1"},
                  {"type", "public"}});
    v4.push_back({{"ip_address", d.address}, {"netmask", "255.255.0.0"}, {"gateway", "127.0.0.1"},
                  {"type", "private"}});
  }
  return json{{"id", d.id},
              {"name", d.name},
              {"memory", 1024},
              {"vcpus", 1},
              {"disk", 25},
              {"locked", false},
              {"status", d.status},
              {"created_at", "2026-12-01T00:00:00Z"},
              {"features", json::array()},
              {"image", {{"slug", d.image}}},
              {"size_slug", d.size},
              {"networks", {{"v4", v4}, {"v6", json::array()}}},
              {"region", {{"slug", d.region}, {"name", d.region}}},
              {"tags", d.tags},
              {"vpc_uuid", "vpc-double"}}
    .dump();
}

void do_api_double::boot(int64_t id) {
  std::string name, address;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto& d = droplets_[id];
    name = d.host_name;
    address = d.address;
  }
  bool ok = true;
  if (!action_errors && !engine_never_up)
    ok = std::system((host_script() + " start " + name + " " + address + " >/dev/null 2>&1").c_str()) == 0;
  std::lock_guard<std::mutex> guard{mtx_};
  auto& d = droplets_[id];
  if (d.destroyed)
    return;
  if (action_errors || !ok) {
    d.action = "errored";
  } else {
    d.action = "completed";
    d.status = "active";
  }
}

std::string do_api_double::respond(const std::string& method, const std::string& target,
                                   const std::map<std::string, std::string>& headers,
                                   const std::string& body) {
  auto q = target.find('?');
  auto path = target.substr(0, q);
  auto query = q == std::string::npos ? std::string{} : target.substr(q + 1);
  int remaining;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    counts_[method + " " + path]++;
    remaining = remaining_ > 0 ? --remaining_ : 0;
  }
  auto reply = [&](int status, const std::string& text, const std::string& extra = {},
                   int left = -1, int64_t reset = 0) {
    std::string reason = status == 200 ? "OK" : status == 202 ? "Accepted" : status == 204
                         ? "No Content" : "Status";
    auto head = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n"
                "content-type: application/json; charset=utf-8\r\n"
                "ratelimit-limit: 5000\r\nratelimit-remaining: "
                + std::to_string(left < 0 ? remaining : left) + "\r\nratelimit-reset: "
                + std::to_string(reset > 0 ? reset : now_s() + 60) + "\r\n" + extra
                + "content-length: " + std::to_string(text.size()) + "\r\nconnection: close\r\n\r\n";
    return head + text;
  };
  auto error = [&](int status, const std::string& id, const std::string& message) {
    return reply(status, json{{"id", id}, {"message", message}, {"request_id", "double"}}.dump());
  };
  auto auth = headers.find("authorization");
  if (auth == headers.end() || auth->second != "Bearer " + token_)
    return error(401, "Unauthorized", "Unable to authenticate you");
  if (rate_limit_429 > 0) {
    --rate_limit_429;
    return reply(429, json{{"id", "too_many_requests"}, {"message", "API Rate limit exceeded."}}.dump(),
                 {}, 0, now_s() + 1);
  }
  if (fail_5xx > 0) {
    --fail_5xx;
    return error(503, "service_unavailable", "The service is temporarily unavailable.");
  }
  auto answer = [&](int status, const std::string& text) {
    if (malformed > 0) {
      --malformed;
      return reply(status, "<html>502 Bad Gateway</html>");
    }
    return reply(status, text);
  };
  if (method == "POST" && path == "/v2/droplets") {
    auto j = json::parse(body, nullptr, false);
    for (auto key : {"name", "region", "size", "image"})
      if (!j.is_object() || !j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty())
        return error(422, "unprocessable_entity", std::string{key} + " is required");
    droplet_state d;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      ++next_;
      d.id = 300000 + next_;
      d.host_name = "do" + std::to_string(30 + next_ - 1);
      d.address = "127.0.0." + std::to_string(30 + next_ - 1);
      d.name = j["name"];
      d.region = j["region"];
      d.size = j["size"];
      d.image = j["image"];
      if (j.contains("tags") && j["tags"].is_array())
        for (auto& t : j["tags"])
          d.tags.push_back(t.get<std::string>());
      droplets_[d.id] = d;
      boots_.emplace_back([this, id = d.id] { boot(id); });
    }
    json links{{"actions", json::array({{{"id", d.id + 1000000}, {"rel", "create"},
                                          {"href", base_url() + "/v2/actions/"
                                                     + std::to_string(d.id + 1000000)}}})}};
    return answer(202, "{\"droplet\": " + droplet_json(d) + ", \"links\": " + links.dump() + "}");
  }
  if (method == "GET" && path.rfind("/v2/actions/", 0) == 0) {
    int64_t action = std::atoll(path.substr(12).c_str());
    std::lock_guard<std::mutex> guard{mtx_};
    auto it = droplets_.find(action - 1000000);
    if (it == droplets_.end())
      return error(404, "not_found", "The resource you were accessing could not be found.");
    return answer(200, json{{"action", {{"id", action}, {"status", it->second.action},
                                        {"type", "create"}, {"resource_id", it->first},
                                        {"resource_type", "droplet"},
                                        {"region_slug", it->second.region}}}}.dump());
  }
  if (path.rfind("/v2/droplets/", 0) == 0) {
    int64_t id = std::atoll(path.substr(13).c_str());
    std::unique_lock<std::mutex> guard{mtx_};
    auto it = droplets_.find(id);
    if (it == droplets_.end() || it->second.destroyed)
      return error(404, "not_found", "The resource you were accessing could not be found.");
    if (method == "GET") {
      auto text = "{\"droplet\": " + droplet_json(it->second) + "}";
      guard.unlock();
      return answer(200, text);
    }
    if (method == "DELETE") {
      it->second.destroyed = true;
      auto cmd = host_script() + " stop " + it->second.host_name + " " + it->second.address
                 + " >/dev/null 2>&1";
      guard.unlock();
      std::system(cmd.c_str());
      return reply(204, "");
    }
  }
  if (method == "GET" && path == "/v2/droplets") {
    auto tag = query_value(query, "tag_name");
    int page = std::max(1, std::atoi(query_value(query, "page").c_str()));
    int per = std::clamp(std::atoi(query_value(query, "per_page").c_str()), 1, 200);
    per = std::min(per, page_size.load());
    std::vector<std::string> all;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      for (auto& [id, d] : droplets_)
        if (!d.destroyed && (tag.empty() || std::count(d.tags.begin(), d.tags.end(), tag)))
          all.push_back(droplet_json(d));
    }
    std::string items;
    for (size_t i = size_t(page - 1) * per; i < all.size() && i < size_t(page) * per; ++i)
      items += (items.empty() ? "" : ",") + all[i];
    json pages = json::object();
    if (size_t(page) * per < all.size())
      pages["next"] = base_url() + "/v2/droplets?page=" + std::to_string(page + 1)
                      + "&per_page=" + std::to_string(per) + "&tag_name=" + tag;
    return answer(200, "{\"droplets\": [" + items + "], \"links\": {\"pages\": " + pages.dump()
                         + "}, \"meta\": {\"total\": " + std::to_string(all.size()) + "}}");
  }
  return error(404, "not_found", "The resource you were accessing could not be found.");
}

} // namespace spawn::test
