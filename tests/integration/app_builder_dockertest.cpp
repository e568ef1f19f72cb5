// The builder sandbox (infra/source_builder.hpp) on the real Docker engine
// and the real npm registry (issue 18): an Express app installs its
// dependency, a hanging build is killed at its timeout, a build that fills
// its disk fails with that reason, a build cannot reach the control plane
// (the host's spawnd, PostgreSQL and Caddy ports), and a cancelled build's
// container is removed at once. Skips without the engine, the builder image
// or its network.
#include "infra/source_builder.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "core/error.hpp"
#include "infra/archive_extract.hpp"

using namespace spawn;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string sh(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, p))
      out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

class app_builder_dockertest : public ::testing::Test {
protected:
  void SetUp() override {
    if (sh("docker image inspect -f ok spawnai/builder-node:1") != "ok")
      GTEST_SKIP() << "no Docker engine or no builder image (deploy/runtime/build-builder.sh)";
    if (sh("docker network inspect -f ok spawnai-build") != "ok")
      GTEST_SKIP() << "no network spawnai-build (deploy/scripts/build-firewall.sh)";
    dir_ = fs::temp_directory_path() / ("spawn-builder-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    cfg_.timeout_ms = 120000;
  }
  void TearDown() override {
    if (!dir_.empty())
      fs::remove_all(dir_);
  }

  /// Packs `files` and stores the upload; the request the builder reads.
  generation_request upload(const std::string& session,
                            const std::map<std::string, std::string>& files) {
    auto src = dir_ / ("src-" + session);
    for (auto& [path, content] : files) {
      fs::create_directories((src / path).parent_path());
      std::ofstream{src / path} << content;
    }
    auto packed = pack_directory(src.string());
    EXPECT_TRUE(packed);
    auto stored = store_upload((dir_ / "state").string(), packed ? *packed : "");
    EXPECT_TRUE(stored);
    generation_request req;
    req.source = json{{"archive", stored ? *stored : ""}, {"session", session}}.dump();
    return req;
  }

  caf::expected<generated_app> build(source_builder& b, const generation_request& req,
                                     std::vector<std::string>* lines = nullptr) {
    generation_observer obs;
    auto mx = std::make_shared<std::mutex>();
    obs.progress = [lines, mx](const std::string& s) {
      std::lock_guard<std::mutex> g{*mx};
      if (lines)
        lines->push_back(s);
    };
    return b.generate_observed(req, obs);
  }

  static std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (auto& l : v)
      out += l + "\n";
    return out;
  }

  fs::path dir_;
  source_config cfg_;
};

/// A package.json whose build step runs `script` (detected as Vite, so it
/// installs and builds).
std::string building(const std::string& script) {
  return json{{"name", "t"},
              {"scripts", {{"build", script}}},
              {"devDependencies", {{"vite", "^5.4.0"}}}}
    .dump();
}

} // namespace

TEST_F(app_builder_dockertest, express_installs_from_the_registry_then_from_the_cache) {
  source_builder b{cfg_, (dir_ / "state").string(), "/var/run/docker.sock"};
  std::map<std::string, std::string> app{
    {"package.json", R"({"name":"x","scripts":{"start":"node server.js"},"dependencies":{"express":"^4.19.2"}})"},
    {"server.js", "require('express')().get('/', (q, r) => r.send('ok')).listen(8080);"}};
  std::vector<std::string> lines;
  auto t0 = std::chrono::steady_clock::now();
  auto first = build(b, upload("sbuild1", app), &lines);
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(first) << message_of(first.error()) << "\n" << joined(lines);
  EXPECT_EQ(first->template_name, "express");
  EXPECT_EQ(first->run, (std::vector<std::string>{"node", "server.js"}));
  EXPECT_NE(joined(lines).find("fresh install"), std::string::npos);
  // The bundle holds the installed dependency.
  auto out = dir_ / "unpacked";
  ASSERT_TRUE(extract_archive(first->bundle, out.string(), {[] {
                                extract_limits l;
                                l.max_entries = 100000;
                                return l;
                              }()}));
  EXPECT_TRUE(fs::exists(out / "node_modules/express/package.json"));
  lines.clear();
  auto second = build(b, upload("sbuild2", app), &lines);
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(second) << message_of(second.error());
  EXPECT_NE(joined(lines).find("dependencies cached"), std::string::npos) << joined(lines);
  std::printf("\nexpress build: %.2f s fresh, %.2f s from the dependency cache\n",
              std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count());
}

TEST_F(app_builder_dockertest, a_hanging_build_is_killed_at_its_timeout) {
  cfg_.timeout_ms = 15000;
  source_builder b{cfg_, (dir_ / "state").string(), "/var/run/docker.sock"};
  auto t0 = std::chrono::steady_clock::now();
  auto r = build(b, upload("shang1", {{"package.json", building("node -e \"setInterval(()=>{},1000)\"")},
                                      {"index.html", "x"}}));
  auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(r);
  EXPECT_NE(message_of(r.error()).find("did not finish within 15 s"), std::string::npos)
    << message_of(r.error());
  EXPECT_LT(took, 30.0);
  EXPECT_TRUE(sh("docker ps -aq --filter label=spawnai.build_owner=shang1").empty());
}

TEST_F(app_builder_dockertest, a_build_that_fills_its_disk_fails_with_that_reason) {
  cfg_.disk_mb = 96;
  source_builder b{cfg_, (dir_ / "state").string(), "/var/run/docker.sock"};
  auto r = build(b, upload("sdisk1", {{"package.json",
                                       building("node -e \"require('fs').writeFileSync('big', "
                                                "Buffer.alloc(200*1024*1024))\"")},
                                      {"index.html", "x"}}));
  ASSERT_FALSE(r);
  EXPECT_NE(message_of(r.error()).find("out of disk"), std::string::npos) << message_of(r.error());
}

TEST_F(app_builder_dockertest, a_build_cannot_reach_the_control_plane) {
  source_builder b{cfg_, (dir_ / "state").string(), "/var/run/docker.sock"};
  // Connects to the host (the bridge's gateway) on spawnd's, PostgreSQL's,
  // Caddy's admin and the Docker API's ports, and to a public address.
  auto probe =
    "const net=require('net');const fs=require('fs');"
    "const gw=fs.readFileSync('/proc/net/route','utf8').split('\\n').slice(1)"
    ".map(l=>l.split('\\t')).filter(f=>f[1]==='00000000')[0][2];"
    "const ip=[3,2,1,0].map(i=>parseInt(gw.substr(i*2,2),16)).join('.');"
    "const targets=[[ip,8080],[ip,54329],[ip,5432],[ip,2019],[ip,2375],['1.1.1.1',80]];"
    "let left=targets.length;for(const [h,p] of targets){const s=net.connect({host:h,port:p,"
    "timeout:3000});const done=(w)=>{console.log('probe '+h+':'+p+' '+w);s.destroy();"
    "if(--left===0)process.exit(0)};s.on('connect',()=>done('OPEN'));"
    "s.on('timeout',()=>done('blocked'));s.on('error',e=>done('blocked '+e.code));}";
  std::vector<std::string> lines;
  auto r = build(b, upload("snet1", {{"package.json", building(std::string{"node -e \""} + probe
                                                               + "\"")},
                                     {"index.html", "x"}}),
                 &lines);
  auto log = joined(lines);
  int probes = 0;
  for (size_t at = log.find("probe "); at != std::string::npos; at = log.find("probe ", at + 1)) {
    ++probes;
    auto line = log.substr(at, log.find('\n', at) - at);
    EXPECT_EQ(line.find("OPEN"), std::string::npos) << line;
  }
  EXPECT_EQ(probes, 6) << log;
  // The install itself reached the registry; the build then left no dist/.
  EXPECT_NE(log.find("npm install: done"), std::string::npos) << log;
  EXPECT_FALSE(r);
}

TEST_F(app_builder_dockertest, cancel_removes_the_builder_at_once) {
  source_builder b{cfg_, (dir_ / "state").string(), "/var/run/docker.sock"};
  auto req = upload("scancel1", {{"package.json", building("node -e \"setInterval(()=>{},1000)\"")},
                                 {"index.html", "x"}});
  caf::expected<generated_app> r = make_error(errc::internal, "not run");
  std::thread t{[&] { r = build(b, req); }};
  auto label = std::string{"label=spawnai.build_owner=scancel1"};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  while (std::chrono::steady_clock::now() < deadline && sh("docker ps -q --filter " + label).empty())
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  ASSERT_FALSE(sh("docker ps -q --filter " + label).empty());
  auto t0 = std::chrono::steady_clock::now();
  b.cancel("scancel1");
  t.join();
  auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(sh("docker ps -aq --filter " + label).empty());
  ASSERT_FALSE(r);
  EXPECT_LT(took, 10.0);
  std::printf("\ncancel: the build returned and its container was gone in %.2f s\n", took);
}
