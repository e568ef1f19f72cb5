// Issue 13 (8): apps have no egress by default. A network namespace made by
// this test stands in for the outside world: it is routed through the host
// (203.0.113.0/24, TEST-NET-3, plus one link-local and one private address)
// and listens on a few ports. An app container on the default bridge tries each of
// them under the policies of deploy/scripts/firewall.sh: default deny, egress
// allowed by the operator (private and link-local ranges stay closed), an
// allowlist entry, and the rules rebuilt by the set-up after they were
// flushed. No real outside address is ever contacted. Needs root, the Docker
// engine, the runtime image and `ip netns`.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <tuple>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "build_paths.hpp"
#include "infra/docker_engine.hpp"
#include "tests/functional/caddy_process.hpp"
#include "tests/functional/spawnd_process.hpp"

#include <nlohmann/json.hpp>

namespace {

using namespace std::chrono_literals;
using spawn::test::shell;

constexpr const char* image = "spawnai/runtime-node:1";
constexpr const char* network = "bridge";
constexpr const char* outside = "203.0.113.2";     // TEST-NET-3, in the test's namespace
constexpr const char* link_local = "169.254.77.1"; // as the metadata address would be
constexpr const char* private_addr = "10.213.77.1";

std::string source_dir() {
  return SPAWN_SOURCE_DIR;
}

/// Runs firewall.sh with `env` (e.g. "SPAWN_RUNTIME_EGRESS=allow"); "ok" on success.
std::string firewall(const std::string& env) {
  return shell("env " + env + " bash " + source_dir()
               + "/deploy/scripts/firewall.sh bridge >/dev/null 2>&1 && echo ok");
}

class egress_dockertest : public ::testing::Test {
protected:
  void SetUp() override {
    spawn::docker_engine engine;
    if (!engine.ping())
      GTEST_SKIP() << "no Docker engine on /var/run/docker.sock (deploy/scripts/dockerd.sh)";
    if (shell("docker network inspect -f ok " + std::string{network}) != "ok")
      GTEST_SKIP() << "no network " << network << " (deploy/scripts/setup.sh creates it)";
    auto has = engine.image_exists(image);
    if (!has || !*has)
      GTEST_SKIP() << "no image " << image << " (deploy/runtime/build-images.sh)";
    if (shell("id -u") != "0" || shell("ip netns list >/dev/null 2>&1 && echo ok") != "ok")
      GTEST_SKIP() << "needs root and `ip netns` (iproute2) to build the outside world";
    if (shell("ip -4 addr show | grep -c ' 203\\.0\\.113\\.'") != "0")
      GTEST_SKIP() << "203.0.113.0/24 is already in use on this machine";
    std::random_device rd;
    auto tag = std::to_string(rd() % 100000u);
    ns_ = "spawnai-egress-" + tag;
    veth_ = "sx" + tag;
    auto made = shell(
      "set -e; ip netns add " + ns_ + "; ip link add " + veth_ + " type veth peer name " + veth_
      + "p; ip link set " + veth_ + "p netns " + ns_ + "; ip addr add 203.0.113.1/24 dev " + veth_
      + "; ip link set " + veth_ + " up; ip -n " + ns_ + " addr add " + outside + "/24 dev "
      + veth_ + "p; ip -n " + ns_ + " addr add " + link_local + "/32 dev " + veth_ + "p; ip -n "
      + ns_ + " addr add " + private_addr + "/32 dev " + veth_ + "p; ip -n " + ns_
      + " link set " + veth_ + "p up; ip -n " + ns_ + " link set lo up; ip -n " + ns_
      + " route add default via 203.0.113.1; ip route add " + link_local + "/32 dev " + veth_
      + "; ip route add " + private_addr + "/32 dev " + veth_ + "; echo ok");
    ASSERT_EQ(made, "ok") << "could not build the test namespace";
    // Listeners in the namespace: each accepted connection gets "hi".
    const std::string server = R"PY(
import socket, selectors
sel = selectors.DefaultSelector()
for addr, port in [(')PY" + std::string{outside} + R"PY(', 8080), (')PY" + std::string{outside}
                               + R"PY(', 9090), (')PY" + link_local + R"PY(', 8080), (')PY"
                               + private_addr + R"PY(', 8080)]:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(64); sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        c, _ = key.fileobj.accept(); c.sendall(b'hi'); c.close()
)PY";
    shell("ip netns exec " + ns_ + " nohup /usr/bin/python3 -c \"$(cat <<'EOF'\n" + server
          + "\nEOF\n)\" >/dev/null 2>&1 & echo $! > /tmp/" + ns_ + ".pid");
    std::this_thread::sleep_for(300ms);
  }

  void TearDown() override {
    if (ns_.empty())
      return;
    shell("kill $(cat /tmp/" + ns_ + ".pid) 2>/dev/null; rm -f /tmp/" + ns_ + ".pid; ip route del "
          + link_local + "/32 2>/dev/null; ip route del " + private_addr + "/32 2>/dev/null; ip link del "
          + veth_ + " 2>/dev/null; ip netns del " + ns_ + " 2>/dev/null; true");
    // Back to the policy of the set-up (the config file's, deny by default).
    EXPECT_EQ(firewall(""), "ok");
  }

  /// From a fresh app container on the default bridge under OCI runtime `runtime`:
  /// "OPEN", "REFUSED" or "TIMEOUT" per target "host:port", one line each.
  std::string probe_under(const std::string& runtime, const std::vector<std::string>& targets) {
    std::string list;
    for (auto& t : targets)
      list += (list.empty() ? "" : ",") + t;
    const std::string script = R"JS(
const net = require('net');
const targets = process.env.TARGETS.split(',');
let left = targets.length;
for (const t of targets) {
  const i = t.lastIndexOf(':');
  const s = net.connect({host: t.slice(0, i), port: +t.slice(i + 1)});
  const done = (what) => { console.log(what + ' ' + t); s.destroy(); if (--left === 0) console.log('DONE'); };
  const timer = setTimeout(() => done('TIMEOUT'), 2000);
  s.on('data', () => { clearTimeout(timer); done('OPEN'); });
  s.on('error', () => { clearTimeout(timer); done('REFUSED'); });
}
)JS";
    return shell("docker run --rm --runtime " + runtime + " --label spawnai.test=egress --network "
                 + std::string{network}
                 + " --user 65534:65534 --cap-drop ALL -e TARGETS=" + list
                 + " --entrypoint /usr/bin/node " + image + " -e \"$(cat <<'EOF'\n" + script
                 + "\nEOF\n)\" 2>&1");
  }

  /// `probe_under` each runtime of this engine (runc, and gVisor's runsc when
  /// registered), the outputs joined: every isolation check holds under both.
  std::string probe(const std::vector<std::string>& targets) {
    std::string all;
    for (auto& rt : runtimes())
      all += probe_under(rt, targets) + "\n";
    return all;
  }

  static std::vector<std::string> runtimes() {
    std::vector<std::string> out{"runc"};
    if (shell("docker info -f '{{json .Runtimes}}' | grep -c '\"runsc\"'") == "1")
      out.push_back("runsc");
    return out;
  }

  std::string ns_;
  std::string veth_;
};

size_t egress_dockertest_runtimes();

std::string at(const std::string& host, int port) {
  return host + ":" + std::to_string(port);
}

size_t count(const std::string& out, const std::string& line) {
  size_t n = 0;
  auto text = "\n" + out + "\n";
  for (auto p = text.find("\n" + line + "\n"); p != std::string::npos;
       p = text.find("\n" + line + "\n", p + 1))
    ++n;
  return n;
}

/// `target` answered under every runtime probed.
bool open(const std::string& out, const std::string& target) {
  return count(out, "OPEN " + target) == egress_dockertest_runtimes();
}

/// `target` was refused or timed out under every runtime probed.
bool closed(const std::string& out, const std::string& target) {
  return count(out, "REFUSED " + target) + count(out, "TIMEOUT " + target)
         == egress_dockertest_runtimes();
}

size_t egress_dockertest_runtimes() {
  static const size_t n = shell("docker info -f '{{json .Runtimes}}' | grep -c '\"runsc\"'") == "1" ? 2 : 1;
  return n;
}

TEST_F(egress_dockertest, apps_have_no_egress_unless_the_operator_allows_it) {
  std::cout << "[ info     ] runtimes probed: " << egress_dockertest_runtimes() << "\n";
  std::vector<std::string> targets{at(outside, 8080), at(outside, 9090), at(link_local, 8080),
                                   at(private_addr, 8080)};
  // The outside world answers the host itself: a refusal below is the firewall's.
  EXPECT_EQ(shell("bash -c 'exec 3<>/dev/tcp/" + std::string{outside} + "/8080 && head -c2 <&3'"),
            "hi");

  ASSERT_EQ(firewall(""), "ok");
  auto denied = probe(targets);
  ASSERT_NE(denied.find("DONE"), std::string::npos) << denied;
  for (auto& t : targets)
    EXPECT_TRUE(closed(denied, t)) << "default policy, " << t << ":\n" << denied;

  ASSERT_EQ(firewall("SPAWN_RUNTIME_EGRESS=allow"), "ok");
  EXPECT_EQ(shell("iptables -w -C SPAWNAI-APPS-OUT -d 169.254.0.0/16 -p tcp -j REJECT "
                  "--reject-with tcp-reset && echo ok"),
            "ok")
    << "the metadata range must stay closed when egress is allowed";
  auto allowed = probe(targets);
  EXPECT_TRUE(open(allowed, at(outside, 8080))) << allowed;
  EXPECT_TRUE(open(allowed, at(outside, 9090))) << allowed;
  EXPECT_TRUE(closed(allowed, at(link_local, 8080))) << "link-local with egress on:\n" << allowed;
  EXPECT_TRUE(closed(allowed, at(private_addr, 8080))) << "private with egress on:\n" << allowed;

  ASSERT_EQ(firewall("SPAWN_RUNTIME_EGRESS=deny SPAWN_RUNTIME_EGRESS_ALLOW='" + at(outside, 9090)
                     + " " + at(link_local, 8080) + "'"),
            "ok");
  auto listed = probe(targets);
  EXPECT_TRUE(open(listed, at(outside, 9090))) << "the allowlisted port:\n" << listed;
  EXPECT_TRUE(closed(listed, at(outside, 8080))) << listed;
  EXPECT_TRUE(closed(listed, at(link_local, 8080)))
    << "an allowlist never opens link-local:\n" << listed;

  // A reboot (or anything) flushes the rules; the set-up's firewall.sh restores them.
  ASSERT_EQ(firewall("SPAWN_RUNTIME_EGRESS=allow"), "ok");
  shell("iptables -w -D DOCKER-USER -i $(docker network inspect -f '{{index .Options "
        "\"com.docker.network.bridge.name\"}}' bridge | sed 's/<no value>//') -j "
        "SPAWNAI-APPS-OUT 2>/dev/null; iptables -w -F SPAWNAI-APPS-OUT; "
        "iptables -w -D DOCKER-USER -i br-$(docker network inspect -f '{{.Id}}' bridge "
        "| cut -c1-12) -j SPAWNAI-APPS-OUT 2>/dev/null; true");
  ASSERT_EQ(firewall(""), "ok");
  auto restored = probe(targets);
  for (auto& t : targets)
    EXPECT_TRUE(closed(restored, t)) << "after the rules were rebuilt, " << t << ":\n" << restored;
  // Built once, however often the set-up runs.
  ASSERT_EQ(firewall(""), "ok");
  auto bridge = shell("docker network inspect -f '{{index .Options "
                      "\"com.docker.network.bridge.name\"}}' " + std::string{network});
  EXPECT_EQ(shell("iptables -w -S DOCKER-USER | grep -c -- '-i " + bridge + " -j SPAWNAI-APPS-OUT'"),
            "1");
}

// Per session (issue 13, item 8): a session created with "egress" (each
// entry one the operator permits, runtime.egress_permit) reaches exactly those
// destinations from its container; a session without reaches none. spawnd's
// egress keeper holds the rules in chain SPAWNAI-EGRESS, puts them back after a
// flush and takes them away with the session. Entries the operator does not
// permit, and malformed ones, are a JSON 400.
/// The per-session egress check with spawnd's apps under OCI runtime `runtime`
/// (every tier set to it in the config file).
void permitted_egress_under(const std::string& runtime, const char* db);

TEST_F(egress_dockertest, a_session_reaches_only_the_destinations_it_was_permitted) {
  const char* db = std::getenv("SPAWN_TEST_DATABASE_URL");
  if (!db)
    GTEST_SKIP() << "SPAWN_TEST_DATABASE_URL is not set (deploy/scripts/setup.sh)";
  size_t n = 0;
  for (auto* rt : {"runc", "runsc"}) {
    if (std::string{rt} == "runsc" && egress_dockertest_runtimes() < 2)
      continue;
    SCOPED_TRACE(std::string{"apps under "} + rt);
    permitted_egress_under(rt, db);
    ++n;
  }
  EXPECT_EQ(n, egress_dockertest_runtimes());
}

void permitted_egress_under(const std::string& runtime, const char* db) {
  using nlohmann::json;
  spawn::test::spawnd_options opts;
  opts.name = "egress";
  // Every tier under `runtime`; the rest is the table's defaults.
  json tiers = json::object();
  for (auto [name, cpus, mem, pids] : {std::tuple{"small", 1, 1024, 128},
                                        std::tuple{"medium", 2, 2048, 256},
                                        std::tuple{"large", 2, 4096, 256}})
    tiers[name] = {{"cpus", cpus}, {"memory_mb", mem}, {"pids", pids}, {"hourly_usd", 0.01},
                   {"runtime", runtime}};
  opts.config_file = "/tmp/spawnai-egress-" + runtime + "-" + std::to_string(::getpid()) + ".json";
  std::ofstream{opts.config_file} << json{{"tiers", tiers}}.dump();
  opts.env = {{"SPAWN_DATABASE_URL", db},
              {"SPAWN_RUNTIME_WARM_POOL_SIZE", "1"},
              {"SPAWN_RUNTIME_EGRESS_PERMIT", at(outside, 9090) + ",permitted.invalid:443"}};
  spawn::test::spawnd_process d{opts};
  ASSERT_TRUE(d.start()) << d.error();
  auto create = [&](const json& body) {
    auto r = d.call("POST", "/api/v1/sessions", body.dump());
    EXPECT_TRUE(r) << spawn::message_of(r.error());
    return r ? std::make_pair(r->status, json::parse(r->body, nullptr, false))
             : std::make_pair(0L, json{});
  };
  // Bad values first: nothing is created, spawnd lives on.
  for (auto bad : {json{{"prompt", "a todo list"}, {"egress", {at(outside, 8080)}}},
                   json{{"prompt", "a todo list"}, {"egress", "203.0.113.2:9090"}},
                   json{{"prompt", "a todo list"}, {"egress", {42}}},
                   json{{"prompt", "a todo list"}, {"egress", {"169.254.169.254:80"}}},
                   json{{"prompt", "a todo list"}, {"egress", json(std::vector<std::string>(17, at(outside, 9090)))}}}) {
    auto [status, body] = create(bad);
    EXPECT_EQ(status, 400) << bad.dump() << " -> " << body.dump();
    EXPECT_EQ(body["error"].value("code", ""), "invalid_input") << body.dump();
  }
  auto [s1, with] = create({{"prompt", "a todo list"}, {"egress", {at(outside, 9090)}}});
  ASSERT_EQ(s1, 201) << with.dump();
  auto [s2, without] = create({{"prompt", "a todo list"}});
  ASSERT_EQ(s2, 201) << without.dump();
  EXPECT_EQ(with["egress"], json::array({at(outside, 9090)}));
  EXPECT_EQ(without["egress"], json::array());
  auto container_of = [&](const std::string& id) {
    for (int i = 0; i < 150; ++i) {
      auto r = d.call("GET", "/api/v1/sessions/" + id);
      if (r && json::parse(r->body, nullptr, false).value("state", "") == "running")
        return shell("docker ps -q --no-trunc --filter label=spawnai.session=" + id);
      std::this_thread::sleep_for(100ms);
    }
    return std::string{};
  };
  auto c_with = container_of(with.value("id", ""));
  auto c_without = container_of(without.value("id", ""));
  ASSERT_EQ(c_with.size(), 64u) << c_with;
  ASSERT_EQ(c_without.size(), 64u) << c_without;
  auto ip_with = shell("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' " + c_with);
  // From inside each app's own container: OPEN / REFUSED / TIMEOUT per target.
  auto from = [&](const std::string& container) {
    const std::string script = R"JS(
const net = require('net');
const targets = process.argv.slice(1);
let left = targets.length;
for (const t of targets) {
  const i = t.lastIndexOf(':');
  const s = net.connect({host: t.slice(0, i), port: +t.slice(i + 1)});
  const done = (what) => { console.log(what + ' ' + t); s.destroy(); if (--left === 0) console.log('DONE'); };
  const timer = setTimeout(() => done('TIMEOUT'), 2000);
  s.on('data', () => { clearTimeout(timer); done('OPEN'); });
  s.on('error', () => { clearTimeout(timer); done('REFUSED'); });
}
)JS";
    return shell("docker exec " + container + " /usr/bin/node -e \"$(cat <<'EOF'\n" + script
                 + "\nEOF\n)\" " + at(outside, 9090) + " " + at(outside, 8080) + " "
                 + at(link_local, 8080) + " 2>&1");
  };
  auto has = [](const std::string& out, const std::string& line) {
    return ("\n" + out + "\n").find("\n" + line + "\n") != std::string::npos;
  };
  auto rules = [] { return shell("iptables -w -S SPAWNAI-EGRESS"); };
  // The keeper aligns every 2 s.
  std::string out;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 40 && !has(out, "OPEN " + at(outside, 9090)); ++i) {
    out = from(c_with);
    if (!has(out, "OPEN " + at(outside, 9090)))
      std::this_thread::sleep_for(250ms);
  }
  std::cout << "[ egress   ] " << runtime << ": a permitted destination reachable "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
            << " s after the app ran\n";
  EXPECT_TRUE(has(out, "OPEN " + at(outside, 9090))) << out << "\n" << rules();
  EXPECT_FALSE(has(out, "OPEN " + at(outside, 8080))) << "not permitted to this session:\n" << out;
  EXPECT_FALSE(has(out, "OPEN " + at(link_local, 8080))) << out;
  auto other = from(c_without);
  EXPECT_FALSE(has(other, "OPEN " + at(outside, 9090))) << "another session's grant leaked:\n" << other;
  EXPECT_NE(rules().find(ip_with + "/32"), std::string::npos) << rules();
  // A flush (a reboot, a firewall rebuild) is repaired by the keeper.
  shell("iptables -w -F SPAWNAI-EGRESS");
  ASSERT_EQ(firewall(""), "ok");
  bool back = false;
  for (int i = 0; i < 40 && !back; ++i) {
    back = rules().find(ip_with + "/32") != std::string::npos;
    if (!back)
      std::this_thread::sleep_for(250ms);
  }
  EXPECT_TRUE(back) << "the session's rules did not come back: " << rules();
  EXPECT_TRUE(has(from(c_with), "OPEN " + at(outside, 9090)));
  // Destroyed: its rules go.
  auto del = d.call("DELETE", "/api/v1/sessions/" + with.value("id", ""), "",
                    {{"X-Manage-Token", with.value("manage_token", "")}});
  ASSERT_TRUE(del);
  EXPECT_LT(del->status, 300) << del->body;
  bool gone = false;
  for (int i = 0; i < 40 && !gone; ++i) {
    gone = rules().find(ip_with + "/32") == std::string::npos;
    if (!gone)
      std::this_thread::sleep_for(250ms);
  }
  EXPECT_TRUE(gone) << "a destroyed session's rules stayed: " << rules();
  auto health = d.call("GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  std::remove(opts.config_file.c_str());
}

} // namespace
