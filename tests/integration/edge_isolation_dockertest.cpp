// An app container on the app network (the default bridge) cannot open a connection
// to the host: not to spawnd's port, PostgreSQL, Caddy's admin API or a port
// this test opens on every address, whether it tries the bridge's gateway or
// the host's own addresses; the Docker socket is not inside. The edge still
// reaches the app through its published loopback port. Needs the Docker engine,
// the runtime image and the host firewall of deploy/scripts/firewall.sh.
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "infra/docker_engine.hpp"
#include "infra/http_client.hpp"
#include "core/error.hpp"
#include "tests/functional/caddy_process.hpp"

namespace {

using namespace std::chrono_literals;

constexpr const char* image = "spawnai/runtime-node:1";
constexpr const char* network = "bridge";

using spawn::test::shell;

/// The host's IPv4 addresses other than loopback (eth0, the bridges).
std::set<std::string> host_addresses() {
  std::set<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0)
    return out;
  for (auto* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET)
      continue;
    char buf[INET_ADDRSTRLEN] = {0};
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, buf, sizeof buf);
    if (std::string{buf}.rfind("127.", 0) != 0)
      out.insert(buf);
  }
  freeifaddrs(list);
  return out;
}

/// A TCP listener on 0.0.0.0 (any address): what an unprotected host port is.
struct listener {
  int fd = -1;
  int port = 0;
  listener() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd, 16);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~listener() {
    close(fd);
  }
};

class edge_isolation_dockertest : public ::testing::Test {
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
    if (shell("iptables -w -S SPAWNAI-APPS-IN >/dev/null 2>&1 && echo ok") != "ok")
      GTEST_SKIP() << "no host firewall chain SPAWNAI-APPS-IN (deploy/scripts/firewall.sh)";
  }
};

/// runc, and gVisor's runsc when the engine has it: every check holds under both.
std::vector<std::string> runtimes() {
  std::vector<std::string> out{"runc"};
  if (shell("docker info -f '{{json .Runtimes}}' | grep -c '\"runsc\"'") == "1")
    out.push_back("runsc");
  return out;
}

TEST_F(edge_isolation_dockertest, app_cannot_reach_the_host_but_the_edge_reaches_the_app) {
 for (auto& runtime : runtimes()) {
  SCOPED_TRACE("runtime " + runtime);
  listener open_port; // listens on every address: reachable unless the firewall stops it
  // The bridge's own address on the host (the default bridge lists no gateway).
  auto bridge = shell("docker network inspect -f '{{index .Options \"com.docker.network.bridge.name\"}}' "
                      + std::string{network});
  auto gateway = shell("ip -4 -o addr show dev " + bridge + " | awk '{print $4}' | cut -d/ -f1 | head -n1");
  ASSERT_FALSE(gateway.empty()) << "bridge " << bridge;
  std::set<std::string> hosts = host_addresses();
  hosts.insert(gateway);
  std::vector<int> ports{open_port.port, 54329, 2019, 8080, 2375, 22};
  std::string targets;
  for (auto& h : hosts)
    for (int p : ports)
      targets += (targets.empty() ? "" : ",") + h + ":" + std::to_string(p);
  // In the container: try each target for up to 2 s, print the outcome, then
  // serve HTTP on 8080 like an app.
  const std::string script = R"JS(
const net = require('net'), http = require('http'), fs = require('fs');
const targets = process.env.TARGETS.split(',');
let left = targets.length;
console.log('SOCKET ' + (fs.existsSync('/var/run/docker.sock') ? 'present' : 'absent'));
for (const t of targets) {
  const i = t.lastIndexOf(':');
  const s = net.connect({host: t.slice(0, i), port: +t.slice(i + 1)});
  const done = (what) => { console.log(what + ' ' + t); s.destroy(); if (--left === 0) console.log('DONE'); };
  const timer = setTimeout(() => done('TIMEOUT'), 2000);
  s.on('connect', () => { clearTimeout(timer); done('OPEN'); });
  s.on('error', () => { clearTimeout(timer); done('REFUSED'); });
}
http.createServer((q, r) => r.end('app-answers')).listen(8080);
)JS";
  std::random_device rd;
  auto name = "spawnai-isolation-test-" + std::to_string(rd() % 1000000000u);
  auto id = shell("docker run -d --name " + name + " --runtime " + runtime
                + " --label spawnai.test=isolation --network "
                + network + " -p 127.0.0.1::8080 --user 65534:65534 --cap-drop ALL -e TARGETS="
                + targets + " --entrypoint /usr/bin/node " + image + " -e \"$(cat <<'EOF'\n"
                + script + "\nEOF\n)\"");
  ASSERT_EQ(id.size(), 64u) << id;
  std::string logs;
  for (int i = 0; i < 150 && logs.find("DONE") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    logs = shell("docker logs " + id);
  }
  auto port = shell("docker port " + id + " 8080/tcp | head -n1 | sed 's/.*://'");
  spawn::http_request req;
  req.url = "http://127.0.0.1:" + port + "/";
  req.timeout_ms = 3000;
  auto resp = spawn::perform(req);
  shell("docker rm -f " + id);

  ASSERT_NE(logs.find("DONE"), std::string::npos) << logs;
  EXPECT_NE(logs.find("SOCKET absent"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("OPEN "), std::string::npos) << "a host port was reachable:\n" << logs;
  for (auto& h : hosts)
    EXPECT_NE(logs.find(h + ":" + std::to_string(open_port.port)), std::string::npos) << logs;
  ASSERT_TRUE(resp) << spawn::message_of(resp.error());
  EXPECT_EQ(resp->status, 200);
  EXPECT_EQ(resp->body, "app-answers");
 }
}

// The same listener is reachable from the host itself: the test above fails
// for the firewall, not because the port was never open.
TEST_F(edge_isolation_dockertest, the_open_port_answers_from_the_host) {
  listener open_port;
  for (auto& h : host_addresses()) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(open_port.port));
    inet_pton(AF_INET, h.c_str(), &addr.sin_addr);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << h;
    close(fd);
  }
}

} // namespace
