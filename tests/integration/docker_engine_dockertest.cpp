// Integration tests of the Docker Engine adapter and the runtime image against a
// real engine. They skip (with the reason) when no engine answers or when the
// runtime image has not been built.
#include "infra/docker_engine.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "core/error.hpp"
#include "infra/http_client.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr const char* socket_path = "/var/run/docker.sock";
constexpr const char* runtime_image = "spawnai/runtime-node:1";

long ms_since(clock_type::time_point t0) {
  return static_cast<long>(
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count());
}

std::string random_token() {
  std::random_device rd;
  return std::to_string(rd() % 1000000000u);
}

/// GET http://127.0.0.1:<port><path> with a short timeout.
caf::expected<spawn::http_response> app_get(int port, const std::string& path,
                                            const std::string& method = "GET") {
  spawn::http_request req;
  req.method = method;
  req.url = "http://127.0.0.1:" + std::to_string(port) + path;
  req.timeout_ms = 2000;
  req.connect_timeout_ms = 500;
  return spawn::perform(req);
}

/// Polls until `path` answers 200 (or `deadline` passes); returns the answer.
caf::expected<spawn::http_response> wait_for_200(int port, const std::string& path,
                                                 std::chrono::milliseconds deadline = 15s) {
  auto t0 = clock_type::now();
  caf::expected<spawn::http_response> last = spawn::make_error(spawn::errc::timeout, "no try");
  while (clock_type::now() - t0 < deadline) {
    last = app_get(port, path);
    if (last && last->status == 200)
      return last;
    std::this_thread::sleep_for(5ms);
  }
  return last;
}

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out{p, std::ios::binary};
  out << text;
}

} // namespace

class docker_engine_dockertest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!engine_.ping())
      GTEST_SKIP() << "no Docker engine at " << socket_path
                   << ": start one with deploy/scripts/dockerd.sh";
    auto has = engine_.image_exists(runtime_image);
    if (!has || !*has)
      GTEST_SKIP() << "runtime image " << runtime_image
                   << " is missing: build it with deploy/runtime/build-images.sh";
  }

  void TearDown() override {
    auto mine = engine_.list_labelled("spawnai.test.run");
    if (mine) {
      for (auto& c : *mine) {
        if (c.labels["spawnai.test.run"] == run_token_) {
          EXPECT_FALSE(engine_.remove(c.id)) << c.id;
        }
      }
    }
    for (auto& dir : slots_) {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  }

  /// A fresh slot directory, readable by the container's user.
  fs::path make_slot() {
    std::string tmpl = (fs::temp_directory_path() / "spawnai-slot-XXXXXX").string();
    auto* dir = ::mkdtemp(tmpl.data());
    EXPECT_NE(dir, nullptr);
    ::chmod(tmpl.c_str(), 0755);
    slots_.emplace_back(tmpl);
    return slots_.back();
  }

  /// A spec for the runtime image with the test labels and its own slot.
  spawn::container_spec spec_for(const fs::path& slot) {
    spawn::container_spec spec;
    spec.image = runtime_image;
    spec.slot_dir = slot.string();
    spec.memory_bytes = 128ll << 20;
    spec.cpus = 0.5;
    spec.pids_limit = 64;
    spec.labels = {{"spawnai.test", "1"}, {"spawnai.test.run", run_token_}};
    return spec;
  }

  /// Deploys like the host does: files first, then the manifest by rename.
  static void deploy(const fs::path& slot, const std::map<std::string, std::string>& files,
                     const json& manifest) {
    for (auto& [name, text] : files)
      write_file(slot / "app" / name, text);
    write_file(slot / "manifest.json.tmp", manifest.dump());
    fs::rename(slot / "manifest.json.tmp", slot / "manifest.json");
  }

  json raw_inspect(const std::string& id) {
    return raw_engine("/containers/" + id + "/json");
  }

  /// GET of an Engine API path (after the version prefix), as JSON.
  json raw_engine(const std::string& path) {
    spawn::http_request req;
    req.url = "http://localhost/v1.41" + path;
    req.unix_socket = socket_path;
    auto resp = spawn::perform(req);
    EXPECT_TRUE(resp) << spawn::message_of(resp.error());
    EXPECT_EQ(resp->status, 200);
    return json::parse(resp->body);
  }

  spawn::docker_engine engine_{socket_path};
  std::string run_token_ = random_token();
  std::vector<fs::path> slots_;
};

TEST_F(docker_engine_dockertest, run_applies_isolation_and_limits) {
  auto t0 = clock_type::now();
  auto c = engine_.run(spec_for(make_slot()));
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  std::cout << "[ timing ] run (create+start+inspect): " << ms_since(t0) << " ms\n";
  EXPECT_EQ(c->state, "running");
  EXPECT_GT(c->host_port, 0);
  EXPECT_EQ(c->labels["spawnai.test"], "1");
  auto j = raw_inspect(c->id);
  const auto& host = j["HostConfig"];
  EXPECT_TRUE(host["ReadonlyRootfs"].get<bool>());
  EXPECT_EQ(host["CapDrop"], json::array({"ALL"}));
  EXPECT_EQ(host["SecurityOpt"], json::array({"no-new-privileges"}));
  EXPECT_EQ(host["Memory"].get<int64_t>(), 128ll << 20);
  EXPECT_EQ(host["MemorySwap"].get<int64_t>(), 128ll << 20);
  EXPECT_EQ(host["NanoCpus"].get<int64_t>(), 500000000);
  EXPECT_EQ(host["PidsLimit"].get<int64_t>(), 64);
  EXPECT_TRUE(host["Init"].get<bool>());
  EXPECT_EQ(host["RestartPolicy"]["Name"], "no");
  EXPECT_EQ(host["Tmpfs"]["/tmp"], "rw,noexec,nosuid,size=64m");
  EXPECT_EQ(host["Binds"][0], slots_.back().string() + ":/srv/slot:ro");
  EXPECT_EQ(j["Config"]["User"], "65534:65534");
  auto binding = j["NetworkSettings"]["Ports"]["8080/tcp"][0];
  EXPECT_EQ(binding["HostIp"], "127.0.0.1");
  EXPECT_EQ(binding["HostPort"], std::to_string(c->host_port));
}

TEST_F(docker_engine_dockertest, webapp_answers_only_after_manifest) {
  auto slot = make_slot();
  auto t0 = clock_type::now();
  auto c = engine_.run(spec_for(slot));
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  auto run_ms = ms_since(t0);
  // The runner is up but must not listen before the manifest arrives.
  std::this_thread::sleep_for(300ms);
  auto early = app_get(c->host_port, "/");
  EXPECT_FALSE(early && early->status > 0) << "answered before deploy: " << early->status;
  auto page = std::string{"<!doctype html><title>t</title><h1>pomodoro "} + run_token_ + "</h1>";
  auto t1 = clock_type::now();
  deploy(slot, {{"index.html", page}, {"app.js", "console.log(1)"}, {"css/s.css", "a{}"}},
         {{"type", "webapp"}, {"entry", "index.html"}, {"title", "Pomodoro"}});
  auto resp = wait_for_200(c->host_port, "/");
  auto deploy_ms = ms_since(t1);
  ASSERT_TRUE(resp) << spawn::message_of(resp.error());
  EXPECT_EQ(resp->body, page);
  EXPECT_EQ(resp->headers["content-type"], "text/html; charset=utf-8");
  std::cout << "[ timing ] container run: " << run_ms
            << " ms; manifest written -> app answers: " << deploy_ms << " ms\n";
  EXPECT_LT(deploy_ms, 2000);
  EXPECT_EQ(app_get(c->host_port, "/app.js")->headers["content-type"],
            "text/javascript; charset=utf-8");
  EXPECT_EQ(app_get(c->host_port, "/css/s.css")->body, "a{}");
  EXPECT_EQ(app_get(c->host_port, "/nope.html")->status, 404);
  EXPECT_EQ(app_get(c->host_port, "/../../etc/passwd")->status, 404);
  EXPECT_EQ(app_get(c->host_port, "/%2e%2e/%2e%2e/etc/passwd")->status, 404);
  auto head = app_get(c->host_port, "/", "HEAD");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["content-length"], std::to_string(page.size()));
  EXPECT_EQ(app_get(c->host_port, "/__spawn/health")->body, "ok\n");
  EXPECT_EQ(app_get(c->host_port, "/", "POST")->status, 405);
}

TEST_F(docker_engine_dockertest, api_runs_the_app_and_exits_with_it) {
  auto slot = make_slot();
  auto c = engine_.run(spec_for(slot));
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  auto t1 = clock_type::now();
  deploy(slot,
         {{"server.js",
           "const http = require('http');\n"
           "http.createServer((q, r) => {\n"
           "  if (q.url === '/exit') { r.end('bye'); setTimeout(() => process.exit(3), 50); return; }\n"
           "  r.setHeader('content-type', 'application/json');\n"
           "  r.end(JSON.stringify({port: process.env.PORT, env: process.env.NODE_ENV,\n"
           "                        home: process.env.HOME, cwd: process.cwd(), url: q.url}));\n"
           "}).listen(Number(process.env.PORT), () => console.log('api up'));\n"}},
         {{"type", "api"}, {"run", {"node", "server.js"}}, {"title", "api"}});
  auto resp = wait_for_200(c->host_port, "/things?x=1");
  ASSERT_TRUE(resp) << spawn::message_of(resp.error());
  std::cout << "[ timing ] api: manifest written -> app answers: " << ms_since(t1) << " ms\n";
  auto body = json::parse(resp->body);
  EXPECT_EQ(body["port"], "8080");
  EXPECT_EQ(body["env"], "production");
  EXPECT_EQ(body["home"], "/tmp");
  EXPECT_EQ(body["cwd"], "/srv/slot/app");
  EXPECT_EQ(body["url"], "/things?x=1");
  ASSERT_TRUE(app_get(c->host_port, "/exit"));
  auto t0 = clock_type::now();
  json state;
  while (ms_since(t0) < 10000) {
    state = raw_inspect(c->id)["State"];
    if (state["Status"] == "exited")
      break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(state["Status"], "exited");
  EXPECT_EQ(state["ExitCode"], 3);
}

TEST_F(docker_engine_dockertest, script_output_is_served_as_a_page) {
  auto slot = make_slot();
  auto c = engine_.run(spec_for(slot));
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  deploy(slot, {{"main.js", "console.log('1 < 2 & <b>' + process.env.NODE_ENV);\n"}},
         {{"type", "script"}, {"run", {"node", "main.js"}}, {"title", "Sums <now>"}});
  auto resp = wait_for_200(c->host_port, "/");
  ASSERT_TRUE(resp) << spawn::message_of(resp.error());
  EXPECT_NE(resp->body.find("<title>Sums &lt;now&gt;</title>"), std::string::npos);
  EXPECT_NE(resp->body.find("1 &lt; 2 &amp; &lt;b&gt;production"), std::string::npos);
  EXPECT_NE(resp->body.find("exit code 0"), std::string::npos);
  auto raw = app_get(c->host_port, "/output.txt");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->body, "1 < 2 & <b>production\n");
  EXPECT_EQ(raw->headers["content-type"], "text/plain; charset=utf-8");

  // A script that prints an HTML document has it served as is.
  auto slot2 = make_slot();
  auto c2 = engine_.run(spec_for(slot2));
  ASSERT_TRUE(c2) << spawn::message_of(c2.error());
  deploy(slot2, {{"page.js", "console.log('  <!DOCTYPE html><p>made</p>');\n"}},
         {{"type", "script"}, {"run", {"node", "page.js"}}});
  auto html = wait_for_200(c2->host_port, "/");
  ASSERT_TRUE(html) << spawn::message_of(html.error());
  EXPECT_EQ(html->body, "  <!DOCTYPE html><p>made</p>\n");
}

TEST_F(docker_engine_dockertest, remove_is_idempotent) {
  auto c = engine_.run(spec_for(make_slot()));
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  EXPECT_FALSE(engine_.remove(c->id));
  EXPECT_FALSE(engine_.remove(c->id));
  EXPECT_FALSE(engine_.remove("spawnai-never-existed-" + run_token_));
  auto gone = engine_.inspect(c->id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(spawn::code_of(gone.error()), spawn::errc::not_found);
}

TEST_F(docker_engine_dockertest, list_labelled_finds_by_label) {
  auto key = "spawnai.test.find-" + run_token_;
  auto spec = spec_for(make_slot());
  spec.labels[key] = "x";
  auto c = engine_.run(spec);
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  auto other = engine_.run(spec_for(make_slot()));
  ASSERT_TRUE(other) << spawn::message_of(other.error());
  auto found = engine_.list_labelled(key);
  ASSERT_TRUE(found) << spawn::message_of(found.error());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id, c->id);
  EXPECT_EQ(found->front().labels[key], "x");
  EXPECT_EQ(found->front().state, "running");
  EXPECT_EQ(found->front().host_port, c->host_port);
  EXPECT_EQ(found->front().image, runtime_image);
}

TEST_F(docker_engine_dockertest, rename_and_name_conflicts) {
  auto spec = spec_for(make_slot());
  spec.name = "spawnai-test-a-" + run_token_;
  auto a = engine_.run(spec);
  ASSERT_TRUE(a) << spawn::message_of(a.error());
  EXPECT_EQ(a->name, spec.name);
  auto dup = engine_.run(spec);
  ASSERT_FALSE(dup);
  EXPECT_EQ(spawn::code_of(dup.error()), spawn::errc::conflict);
  auto b = engine_.run(spec_for(make_slot()));
  ASSERT_TRUE(b) << spawn::message_of(b.error());
  auto new_name = "spawnai-test-b-" + run_token_;
  EXPECT_FALSE(engine_.rename(b->id, new_name));
  EXPECT_EQ(engine_.inspect(b->id)->name, new_name);
  auto clash = engine_.rename(a->id, new_name);
  EXPECT_EQ(spawn::code_of(clash), spawn::errc::conflict) << spawn::message_of(clash);
  EXPECT_EQ(spawn::code_of(engine_.rename("spawnai-never-" + run_token_, "x" + run_token_)),
            spawn::errc::not_found);
}

TEST_F(docker_engine_dockertest, pause_and_unpause) {
  auto slot = make_slot();
  auto c = engine_.run(spec_for(slot));
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  deploy(slot, {{"index.html", "awake"}}, {{"type", "webapp"}});
  ASSERT_TRUE(wait_for_200(c->host_port, "/"));
  EXPECT_FALSE(engine_.pause(c->id));
  EXPECT_EQ(engine_.inspect(c->id)->state, "paused");
  EXPECT_EQ(spawn::code_of(engine_.pause(c->id)), spawn::errc::conflict);
  auto t0 = clock_type::now();
  EXPECT_FALSE(engine_.unpause(c->id));
  auto resp = wait_for_200(c->host_port, "/");
  ASSERT_TRUE(resp);
  std::cout << "[ timing ] unpause -> app answers: " << ms_since(t0) << " ms\n";
  EXPECT_EQ(resp->body, "awake");
  EXPECT_EQ(engine_.inspect(c->id)->state, "running");
}

TEST_F(docker_engine_dockertest, missing_image_is_an_error_value_leaving_nothing) {
  auto spec = spec_for(make_slot());
  spec.image = "spawnai/never-built-" + run_token_ + ":0";
  auto c = engine_.run(spec);
  ASSERT_FALSE(c);
  EXPECT_EQ(spawn::code_of(c.error()), spawn::errc::not_found) << spawn::message_of(c.error());
  auto exists = engine_.image_exists(spec.image);
  ASSERT_TRUE(exists);
  EXPECT_FALSE(*exists);
  auto left = engine_.list_labelled("spawnai.test.run");
  ASSERT_TRUE(left);
  for (auto& info : *left)
    EXPECT_NE(info.labels["spawnai.test.run"], run_token_) << "left behind: " << info.id;
}

TEST(docker_engine_offline_dockertest, no_engine_means_unavailable) {
  spawn::docker_engine engine{"/nonexistent/docker.sock"};
  EXPECT_FALSE(engine.ping());
  spawn::container_spec spec;
  spec.image = runtime_image;
  auto c = engine.run(spec);
  ASSERT_FALSE(c);
  EXPECT_EQ(spawn::code_of(c.error()), spawn::errc::unavailable);
  EXPECT_EQ(spawn::code_of(engine.remove("x")), spawn::errc::unavailable);
  EXPECT_FALSE(engine.image_exists("x"));
}

// Issue 13 (11): a tier may run its apps under gVisor (runsc), with the same
// limits and flags; the figures: time to app and memory per app under each.
TEST_F(docker_engine_dockertest, gvisor_runs_apps_with_the_same_limits) {
  if (!raw_engine("/info")["Runtimes"].contains("runsc"))
    GTEST_SKIP() << "runsc is not registered with the engine (deploy/scripts/gvisor.sh)";
  std::map<std::string, json> host_of;
  for (std::string rt : {"runc", "runsc"}) {
    auto slot = make_slot();
    auto spec = spec_for(slot);
    spec.runtime = rt == "runc" ? "" : rt;
    auto t0 = clock_type::now();
    auto c = engine_.run(spec);
    ASSERT_TRUE(c) << rt << ": " << spawn::message_of(c.error());
    auto run_ms = ms_since(t0);
    auto page = "<!doctype html><title>t</title><h1>" + rt + " " + run_token_ + "</h1>";
    deploy(slot, {{"index.html", page}}, {{"type", "webapp"}, {"entry", "index.html"}, {"title", "T"}});
    auto resp = wait_for_200(c->host_port, "/");
    auto to_app_ms = ms_since(t0);
    ASSERT_TRUE(resp) << rt << ": " << spawn::message_of(resp.error());
    EXPECT_EQ(resp->body, page) << rt;
    std::this_thread::sleep_for(1s);
    auto mem = raw_engine("/containers/" + c->id + "/stats?stream=false")["memory_stats"].value(
      "usage", int64_t{0});
    std::cout << "[ timing ] " << rt << ": run " << run_ms << " ms, run to app answering "
              << to_app_ms << " ms, idle app memory " << mem / 1024 << " KiB\n";
    auto j = raw_inspect(c->id);
    EXPECT_EQ(j["HostConfig"]["Runtime"], rt) << rt;
    host_of[rt] = j["HostConfig"];
  }
  for (auto key : {"Memory", "MemorySwap", "NanoCpus", "ReadonlyRootfs", "CapDrop",
                   "SecurityOpt", "Tmpfs", "Init", "NetworkMode", "PortBindings"})
    EXPECT_EQ(host_of["runc"][key], host_of["runsc"][key]) << key << " differs under gVisor";
  // The app keeps its own pids budget; the sandbox's host tasks come on top.
  EXPECT_EQ(host_of["runsc"]["PidsLimit"].get<int64_t>(),
            host_of["runc"]["PidsLimit"].get<int64_t>() + spawn::docker_engine::gvisor_sandbox_pids);
}

TEST(docker_engine_offline_dockertest, create_body_names_the_runtime_only_when_set) {
  spawn::container_spec spec;
  spec.image = "img";
  EXPECT_FALSE(json::parse(spawn::docker_engine::create_body(spec))["HostConfig"].contains("Runtime"));
  EXPECT_EQ(json::parse(spawn::docker_engine::create_body(spec))["HostConfig"]["PidsLimit"],
            spec.pids_limit);
  spec.runtime = "runsc";
  auto host = json::parse(spawn::docker_engine::create_body(spec))["HostConfig"];
  EXPECT_EQ(host["Runtime"], "runsc");
  EXPECT_EQ(host["PidsLimit"], spec.pids_limit + spawn::docker_engine::gvisor_sandbox_pids);
}

TEST(docker_engine_offline_dockertest, create_body_carries_the_spec) {
  spawn::container_spec spec;
  spec.image = "img";
  spec.slot_dir = "/s";
  spec.network = "bridge";
  spec.env = {"A=1"};
  spec.labels = {{"k", "v"}};
  auto j = json::parse(spawn::docker_engine::create_body(spec));
  EXPECT_EQ(j["Image"], "img");
  EXPECT_FALSE(j.contains("Cmd"));
  EXPECT_EQ(j["Env"], json::array({"A=1"}));
  EXPECT_EQ(j["Labels"]["k"], "v");
  EXPECT_TRUE(j["ExposedPorts"].contains("8080/tcp"));
  EXPECT_EQ(j["HostConfig"]["NetworkMode"], "bridge");
  EXPECT_EQ(j["HostConfig"]["PortBindings"]["8080/tcp"][0]["HostIp"], "127.0.0.1");
  EXPECT_EQ(j["HostConfig"]["Memory"].get<int64_t>(), 256ll << 20);
}

TEST(docker_engine_offline_dockertest, create_body_of_a_remote_engine_binds_nothing_of_the_node) {
  spawn::container_spec spec;
  spec.image = "img";
  spec.slot_dir = "/var/lib/spawnai/slots/abc";
  auto local = json::parse(spawn::docker_engine::create_body(spec))["HostConfig"];
  EXPECT_EQ(local["Binds"], json::array({"/var/lib/spawnai/slots/abc:/srv/slot:ro"}));
  EXPECT_FALSE(local.contains("Mounts"));
  auto remote = json::parse(spawn::docker_engine::create_body(spec, "10.0.0.5", true))["HostConfig"];
  EXPECT_FALSE(remote.contains("Binds")) << remote;
  ASSERT_EQ(remote["Mounts"].size(), 1u);
  EXPECT_EQ(remote["Mounts"][0]["Type"], "volume");
  EXPECT_EQ(remote["Mounts"][0]["Target"], "/srv/slot");
  EXPECT_FALSE(remote["Mounts"][0].contains("Source"));
  EXPECT_EQ(remote["ReadonlyRootfs"], true);
  EXPECT_EQ(remote["PortBindings"]["8080/tcp"][0]["HostIp"], "10.0.0.5");
  spec.slot_dir.clear(); // no slot: no volume either
  EXPECT_FALSE(json::parse(spawn::docker_engine::create_body(spec, "10.0.0.5", true))["HostConfig"]
                 .contains("Mounts"));
}
