#include "infra/egress_rules.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include "core/error.hpp"
#include "infra/process_runner.hpp"

namespace spawn {

bool egress_grant::operator<(const egress_grant& o) const {
  return std::tie(source, destination, port, protocol)
         < std::tie(o.source, o.destination, o.port, o.protocol);
}

bool egress_grant::operator==(const egress_grant& o) const {
  return std::tie(source, destination, port, protocol)
         == std::tie(o.source, o.destination, o.port, o.protocol);
}

namespace {

/// The rule's arguments, in the order `iptables -S` prints them.
std::vector<std::string> rule_args(const egress_grant& g) {
  return {"-s", g.source + "/32", "-d", g.destination + "/32", "-p", g.protocol,
          "-m", g.protocol, "--dport", std::to_string(g.port), "-j", "ACCEPT"};
}

bool is_ipv4(const std::string& s) {
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

} // namespace

caf::expected<std::string> egress_rules::run(std::vector<std::string> args) {
  process_spec spec;
  spec.argv = {iptables_, "-w"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  spec.timeout_ms = 10000;
  auto r = run_process(spec);
  if (!r)
    return std::move(r.error());
  if (r->exit_code != 0)
    return make_error(errc::runtime_failed, iptables_ + " " + args[0] + " " + chain + ": "
                                              + (r->err.empty() ? r->out : r->err));
  return r->out;
}

caf::expected<std::set<egress_grant>> egress_rules::current() {
  auto out = run({"-S", chain});
  if (!out)
    return std::move(out.error());
  std::set<egress_grant> got;
  std::istringstream lines{*out};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words{line};
    std::vector<std::string> w;
    for (std::string x; words >> x;)
      w.push_back(x);
    if (w.size() != 14 || w[0] != "-A" || w[1] != chain || w[13] != "ACCEPT")
      continue; // not one of ours
    egress_grant g;
    auto strip = [](std::string s) { return s.substr(0, s.find('/')); };
    for (size_t i = 2; i + 1 < w.size(); ++i) {
      if (w[i] == "-s")
        g.source = strip(w[i + 1]);
      else if (w[i] == "-d")
        g.destination = strip(w[i + 1]);
      else if (w[i] == "-p")
        g.protocol = w[i + 1];
      else if (w[i] == "--dport")
        g.port = std::atoi(w[i + 1].c_str());
    }
    if (!g.source.empty() && !g.destination.empty() && g.port > 0)
      got.insert(g);
  }
  return got;
}

caf::expected<std::pair<int, int>> egress_rules::apply(const std::set<egress_grant>& want) {
  auto have = current();
  if (!have) {
    if (auto made = run({"-N", chain}); !made)
      return std::move(made.error());
    have = std::set<egress_grant>{};
  }
  int added = 0, deleted = 0;
  for (auto& g : *have)
    if (!want.count(g)) {
      auto args = rule_args(g);
      args.insert(args.begin(), {"-D", chain});
      if (auto r = run(args); !r)
        return std::move(r.error());
      ++deleted;
    }
  for (auto& g : want)
    if (!have->count(g)) {
      auto args = rule_args(g);
      args.insert(args.begin(), {"-A", chain});
      if (auto r = run(args); !r)
        return std::move(r.error());
      ++added;
    }
  return std::make_pair(added, deleted);
}

bool never_reachable(const std::string& ipv4) {
  in_addr a{};
  if (inet_pton(AF_INET, ipv4.c_str(), &a) != 1)
    return true;
  uint32_t x = ntohl(a.s_addr);
  struct range {
    uint32_t base;
    int bits;
  };
  static const range never[] = {
    {0xA9FE0000, 16}, {0x00000000, 8}, {0x0A000000, 8}, {0x64400000, 10}, {0x7F000000, 8},
    {0xAC100000, 12}, {0xC0000000, 24}, {0xC0A80000, 16}, {0xC6120000, 15}, {0xE0000000, 4},
    {0xF0000000, 4}};
  for (auto& r : never) {
    uint32_t mask = r.bits == 0 ? 0 : ~uint32_t{0} << (32 - r.bits);
    if ((x & mask) == r.base)
      return true;
  }
  return false;
}

std::vector<egress_grant> resolve_grants(const std::string& source, const std::string& entry,
                                         std::vector<std::string>* refused) {
  std::vector<egress_grant> out;
  auto colon = entry.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return out;
  auto host = entry.substr(0, colon);
  int port = std::atoi(entry.c_str() + colon + 1);
  if (port < 1 || port > 65535)
    return out;
  std::set<std::string> addresses;
  if (is_ipv4(host)) {
    addresses.insert(host);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &found) == 0) {
      for (auto* a = found; a; a = a->ai_next) {
        char buf[INET_ADDRSTRLEN] = {0};
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, buf,
                  sizeof buf);
        addresses.insert(buf);
      }
      freeaddrinfo(found);
    }
  }
  for (auto& d : addresses) {
    if (never_reachable(d)) {
      if (refused)
        refused->push_back(entry + " (" + d + ")");
      continue;
    }
    out.push_back(egress_grant{source, d, port, "tcp"});
  }
  return out;
}

std::vector<std::string> host_resolvers(const std::string& resolv_conf) {
  std::vector<std::string> out;
  std::ifstream in{resolv_conf};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream w{line};
    std::string key, value;
    if (w >> key >> value && key == "nameserver" && is_ipv4(value))
      out.push_back(value);
  }
  return out;
}

} // namespace spawn

#include <nlohmann/json.hpp>

#include "infra/http_client.hpp"

namespace spawn {

caf::expected<std::string> container_address(const std::string& docker_socket,
                                             const std::string& id) {
  http_request req;
  req.url = "http://localhost/containers/" + id + "/json";
  req.unix_socket = docker_socket;
  req.timeout_ms = 5000;
  auto resp = perform(req);
  if (!resp)
    return std::move(resp.error());
  if (resp->status != 200)
    return make_error(errc::runtime_failed,
                      "inspect " + id + ": HTTP " + std::to_string(resp->status));
  auto j = nlohmann::json::parse(resp->body, nullptr, false);
  if (!j.is_object() || !j.contains("NetworkSettings"))
    return make_error(errc::runtime_failed, "inspect " + id + ": no NetworkSettings");
  auto& ns = j["NetworkSettings"];
  auto ip = ns.value("IPAddress", std::string{});
  if (ip.empty() && ns.contains("Networks") && ns["Networks"].is_object())
    for (auto& [name, net] : ns["Networks"].items())
      if (net.is_object() && !net.value("IPAddress", std::string{}).empty()) {
        ip = net.value("IPAddress", std::string{});
        break;
      }
  return ip;
}

} // namespace spawn
