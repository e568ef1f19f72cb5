// An app cannot learn about or reach its neighbours (issue 13, item 8): on
// the apps' network (the engine's default bridge, `runtime.network` empty) a
// neighbour's container name does not resolve, its address has no reverse
// name, and a connection to it fails, under every runtime of the engine (runc,
// and gVisor's runsc when registered). The same probe on a user-defined
// network, which the test makes, shows what it guards against: Docker's
// embedded DNS (127.0.0.11) there answers the neighbour's name and address.
// Needs the Docker engine, the runtime image and deploy/scripts/firewall.sh.
#include <chrono>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "infra/docker_engine.hpp"
#include "tests/functional/caddy_process.hpp"

namespace {

using namespace std::chrono_literals;
using spawn::test::shell;

constexpr const char* image = "spawnai/runtime-node:1";
constexpr const char* apps_network = "bridge"; // configs/spawnd.json: runtime.network empty

std::vector<std::string> runtimes() {
  std::vector<std::string> out{"runc"};
  if (shell("docker info -f '{{json .Runtimes}}' | grep -c '\"runsc\"'") == "1")
    out.push_back("runsc");
  return out;
}

/// In a fresh app container (same flags as an app) on `network` under
/// `runtime`: the lookup of `name`, the reverse lookup of `ip` and a connect to
/// `ip:8080`, one line each ("NAME <answer>", "PTR <answer>", "TCP OPEN|CLOSED").
std::string probe(const std::string& runtime, const std::string& network,
                  const std::string& name, const std::string& ip) {
  const std::string script = R"JS(
const dns = require('dns'), net = require('net');
let left = 3;
const out = (l) => { console.log(l); if (--left === 0) console.log('DONE'); };
dns.lookup(process.env.NAME, (e, a) => out('NAME ' + (e ? 'none(' + e.code + ')' : a)));
dns.reverse(process.env.IP, (e, n) => out('PTR ' + (e ? 'none(' + e.code + ')' : n.join(' '))));
const s = net.connect({host: process.env.IP, port: 8080});
const t = setTimeout(() => { s.destroy(); out('TCP CLOSED(timeout)'); }, 2000);
s.on('connect', () => { clearTimeout(t); s.destroy(); out('TCP OPEN'); });
s.on('error', (e) => { clearTimeout(t); out('TCP CLOSED(' + e.code + ')'); });
)JS";
  return shell("docker run --rm --runtime " + runtime + " --label spawnai.test=neighbours --network "
               + network + " --user 65534:65534 --cap-drop ALL -e NAME=" + name + " -e IP=" + ip
               + " --entrypoint /usr/bin/node " + image + " -e \"$(cat <<'EOF'\n" + script
               + "\nEOF\n)\" 2>&1");
}

class neighbour_isolation_dockertest : public ::testing::Test {
protected:
  void SetUp() override {
    spawn::docker_engine engine;
    if (!engine.ping())
      GTEST_SKIP() << "no Docker engine on /var/run/docker.sock (deploy/scripts/dockerd.sh)";
    auto has = engine.image_exists(image);
    if (!has || !*has)
      GTEST_SKIP() << "no image " << image << " (deploy/runtime/build-images.sh)";
    if (shell("iptables -w -S SPAWNAI-APPS-OUT >/dev/null 2>&1 && echo ok") != "ok")
      GTEST_SKIP() << "no host firewall chain SPAWNAI-APPS-OUT (deploy/scripts/firewall.sh)";
    std::random_device rd;
    tag_ = std::to_string(rd() % 1000000000u);
  }
  void TearDown() override {
    shell("docker rm -f $(docker ps -aq --filter label=spawnai.test=neighbours-" + tag_
          + ") >/dev/null 2>&1; docker network rm spawnai-dnsleak-" + tag_
          + " >/dev/null 2>&1; true");
  }

  /// A neighbour app serving on 8080 on `network`; returns its address.
  std::string neighbour(const std::string& name, const std::string& network) {
    auto id = shell("docker run -d --name " + name + " --label spawnai.test=neighbours-" + tag_
                    + " --network " + network + " --user 65534:65534 --cap-drop ALL"
                    + " --entrypoint /usr/bin/node " + image
                    + " -e \"require('http').createServer((q,r)=>r.end('hi')).listen(8080)\"");
    EXPECT_EQ(id.size(), 64u) << id;
    std::this_thread::sleep_for(300ms);
    return shell("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "
                 + name);
  }

  std::string tag_;
};

TEST_F(neighbour_isolation_dockertest, an_app_neither_resolves_nor_reaches_its_neighbours) {
  auto name = "spawnai-neighbour-" + tag_;
  auto ip = neighbour(name, apps_network);
  ASSERT_FALSE(ip.empty());
  // The neighbour answers from the host: the failures below are isolation.
  EXPECT_EQ(shell("curl -s -m 3 http://" + ip + ":8080/"), "hi");
  for (auto& rt : runtimes()) {
    auto out = probe(rt, apps_network, name, ip);
    ASSERT_NE(out.find("DONE"), std::string::npos) << rt << ":\n" << out;
    EXPECT_NE(out.find("NAME none("), std::string::npos)
      << rt << ": a neighbour's name resolved:\n" << out;
    EXPECT_NE(out.find("PTR none("), std::string::npos)
      << rt << ": a neighbour's address has a name:\n" << out;
    EXPECT_NE(out.find("TCP CLOSED"), std::string::npos)
      << rt << ": a neighbour was reachable:\n" << out;
    std::cout << "[ neighbours ] " << rt << ": " << out.substr(0, out.find("DONE")) << "\n";
  }
}

// What the apps are kept from: on a user-defined network (even without
// inter-container traffic) the embedded DNS hands out the neighbour's name.
TEST_F(neighbour_isolation_dockertest, a_user_defined_network_would_leak_names) {
  auto network = "spawnai-dnsleak-" + tag_;
  ASSERT_EQ(shell("docker network create -o com.docker.network.bridge.enable_icc=false " + network
                  + " >/dev/null && echo ok"),
            "ok");
  auto name = "spawnai-leaky-" + tag_;
  auto ip = neighbour(name, network);
  ASSERT_FALSE(ip.empty());
  auto out = probe("runc", network, name, ip);
  ASSERT_NE(out.find("DONE"), std::string::npos) << out;
  EXPECT_NE(out.find("NAME " + ip), std::string::npos)
    << "the embedded DNS no longer answers names: this test proves nothing:\n" << out;
}

} // namespace
