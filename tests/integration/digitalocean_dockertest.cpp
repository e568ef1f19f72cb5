// The DigitalOcean provider (issue 17) against a double of the API v2
// (tests/integration/do_api_double.hpp) whose droplets boot real Docker
// engines with TLS on 127.0.0.30+ (deploy/scripts/docker-host.sh): create →
// action completed → engine answers → an app runs there → destroyed. Bad
// answers (5xx, 429, malformed JSON, an errored action, an engine that never
// comes up) end in a clear error and no droplet left. Skips without root or a
// local Docker engine with the runtime image.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "infra/digitalocean.hpp"
#include "infra/docker_engine.hpp"
#include "infra/droplet_host.hpp"
#include "tests/integration/do_api_double.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* token = "dop_v1_test_token_never_in_logs_4242";
constexpr const char* image = "spawnai/runtime-node:1";

std::string tls_dir() {
  const char* v = std::getenv("SPAWN_TEST_HOSTS_TLS");
  return v && *v ? v : "/var/lib/spawnai-hosts/tls";
}

spawn::docker_endpoint endpoint_of(const spawn::droplet& d) {
  spawn::docker_endpoint e;
  e.tcp = "tcp://" + d.public_ip + ":2376";
  e.ca_file = tls_dir() + "/ca.pem";
  e.cert_file = tls_dir() + "/cert.pem";
  e.key_file = tls_dir() + "/key.pem";
  e.publish_address = d.private_ip;
  return e;
}

class digitalocean_dockertest : public ::testing::Test {
protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "the droplet double starts Docker engines: needs root";
    spawn::docker_engine local;
    auto has = local.image_exists(image);
    if (!local.ping() || !has || !*has)
      GTEST_SKIP() << "no local Docker engine with " << image << " (deploy/scripts/setup.sh)";
    double_ = std::make_unique<spawn::test::do_api_double>(token);
    spawn::digitalocean_settings s;
    s.api_base = double_->base_url();
    s.token = token;
    s.max_backoff_ms = 2000;
    api_ = std::make_unique<spawn::digitalocean>(s);
  }

  spawn::droplet_plan plan(const std::string& name) {
    spawn::droplet_plan p;
    p.request.name = name;
    p.request.region = "nyc3";
    p.request.size = spawn::droplet_size_for(1024);
    p.request.image = "debian-12-x64";
    p.request.tags = {"spawnai", "spawnai-test"};
    p.request.user_data = spawn::droplet_user_data("CA", "CERT", "KEY", "127.0.0.1/32");
    p.poll_ms = 100;
    p.engine_timeout_ms = 60000;
    return p;
  }

  static bool engine_up(const spawn::droplet& d) {
    return spawn::docker_engine{endpoint_of(d)}.ping();
  }

  std::unique_ptr<spawn::test::do_api_double> double_;
  std::unique_ptr<spawn::digitalocean> api_;
};

} // namespace

TEST_F(digitalocean_dockertest, a_droplet_boots_runs_an_app_and_is_destroyed) {
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> steps;
  auto d = spawn::provision_droplet(*api_, plan("spawnai-host-a"), engine_up,
                                    [&](const std::string& s) { steps.push_back(s); });
  ASSERT_TRUE(d) << spawn::message_of(d.error());
  EXPECT_EQ(d->status, "active");
  EXPECT_EQ(d->region, "nyc3");
  EXPECT_EQ(d->size, "s-1vcpu-1gb");
  ASSERT_FALSE(d->public_ip.empty());
  auto ready_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0).count();
  // The app: the host holds the image (a real droplet gets it the same way
  // through POST /images/load), then a container answers on its address.
  auto engine = std::make_shared<spawn::docker_engine>(endpoint_of(*d));
  if (auto has = engine->image_exists(image); !has || !*has) {
    auto tar = spawn::docker_engine{}.save_image(image);
    ASSERT_TRUE(tar);
    ASSERT_FALSE(engine->load_image(*tar));
  }
  std::string slot = (fs::temp_directory_path() / "spawnai-doslot-XXXXXX").string();
  ASSERT_NE(::mkdtemp(slot.data()), nullptr);
  ::chmod(slot.c_str(), 0755);
  fs::create_directories(slot + "/app");
  std::ofstream{slot + "/app/index.html"} << "<p>on a droplet</p>";
  std::ofstream{slot + "/manifest.json"} << R"({"type":"webapp","run":[],"entry":"index.html"})";
  ::chmod((slot + "/app").c_str(), 0755);
  ::chmod((slot + "/app/index.html").c_str(), 0644);
  ::chmod((slot + "/manifest.json").c_str(), 0644);
  spawn::container_spec spec;
  spec.image = image;
  spec.slot_dir = slot;
  spec.network = "spawnai-apps";
  spec.labels["spawnai.dotest"] = "1";
  auto c = engine->run(spec);
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  // A droplet does not share this disk: the files go over the Engine API.
  ASSERT_FALSE(engine->ship_slot(c->id, slot));
  std::string body;
  for (int i = 0; i < 100 && body.find("on a droplet") == std::string::npos; ++i) {
    spawn::http_request req;
    req.url = "http://" + c->address + ":" + std::to_string(c->host_port) + "/";
    req.timeout_ms = 1000;
    if (auto r = spawn::perform(req))
      body = r->body;
    else
      std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(body.find("on a droplet"), std::string::npos);
  auto app_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - t0).count();
  std::cout << "droplet request -> engine ready: " << ready_ms << " ms; -> first app answers: "
            << app_ms << " ms\n";
  EXPECT_FALSE(engine->remove(c->id));
  auto listed = api_->list_tagged("spawnai-test");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, d->id);
  ASSERT_FALSE(api_->destroy(d->id));
  EXPECT_EQ(double_->live(), 0);
  EXPECT_FALSE(engine->ping()) << "the destroyed droplet's engine still answers";
  EXPECT_FALSE(api_->destroy(d->id)) << "destroying twice is not an error";
  fs::remove_all(slot);
}

TEST_F(digitalocean_dockertest, an_errored_create_action_leaves_no_droplet) {
  double_->action_errors = true;
  auto d = spawn::provision_droplet(*api_, plan("spawnai-host-err"), engine_up);
  ASSERT_FALSE(d);
  EXPECT_NE(spawn::message_of(d.error()).find("errored"), std::string::npos)
    << spawn::message_of(d.error());
  EXPECT_EQ(double_->created(), 1);
  EXPECT_EQ(double_->live(), 0);
}

TEST_F(digitalocean_dockertest, an_engine_that_never_answers_times_out_and_is_destroyed) {
  double_->engine_never_up = true;
  auto p = plan("spawnai-host-mute");
  p.engine_timeout_ms = 1500;
  auto d = spawn::provision_droplet(*api_, p, engine_up);
  ASSERT_FALSE(d);
  EXPECT_EQ(spawn::code_of(d.error()), spawn::errc::timeout) << spawn::message_of(d.error());
  EXPECT_EQ(double_->live(), 0);
}

TEST_F(digitalocean_dockertest, malformed_answers_are_errors_and_the_droplet_is_found_and_destroyed) {
  double_->engine_never_up = true;
  double_->malformed = 1; // the create's answer is garbage, the droplet exists
  auto d = spawn::provision_droplet(*api_, plan("spawnai-host-garbled"), engine_up);
  ASSERT_FALSE(d);
  EXPECT_EQ(spawn::code_of(d.error()), spawn::errc::runtime_failed) << spawn::message_of(d.error());
  EXPECT_EQ(double_->created(), 1);
  EXPECT_EQ(double_->live(), 0) << "the droplet of a garbled create was left behind";
  double_->malformed = 1;
  auto got = api_->get(12345);
  ASSERT_FALSE(got);
  EXPECT_EQ(spawn::code_of(got.error()), spawn::errc::not_found); // 404 comes before the body
}

TEST_F(digitalocean_dockertest, server_errors_and_429_are_retried_with_backoff) {
  std::vector<long> waits;
  api_->set_sleeper([&](long ms) { waits.push_back(ms); });
  double_->fail_5xx = 2;
  auto listed = api_->list_tagged("spawnai-test");
  ASSERT_TRUE(listed) << spawn::message_of(listed.error());
  EXPECT_EQ(double_->requests("GET /v2/droplets"), 3);
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_LT(waits[0], waits[1]) << "backoff does not grow";
  waits.clear();
  double_->rate_limit_429 = 1;
  ASSERT_TRUE(api_->list_tagged("spawnai-test"));
  ASSERT_FALSE(waits.empty());
  EXPECT_GE(waits[0], 500) << "a 429 was retried without waiting for ratelimit-reset";
  // A service that keeps failing: an error after max_attempts calls, nothing made.
  double_->fail_5xx = 100;
  auto before = api_->calls();
  auto made = api_->create(plan("spawnai-host-never").request);
  ASSERT_FALSE(made);
  EXPECT_EQ(spawn::code_of(made.error()), spawn::errc::unavailable);
  EXPECT_EQ(api_->calls() - before, 5);
  EXPECT_EQ(double_->created(), 0);
  double_->fail_5xx = 0;
}

TEST_F(digitalocean_dockertest, bad_requests_and_tokens_are_refused_without_showing_the_token) {
  auto p = plan("");
  auto made = api_->create(p.request);
  ASSERT_FALSE(made);
  EXPECT_EQ(spawn::code_of(made.error()), spawn::errc::invalid_input);
  EXPECT_NE(spawn::message_of(made.error()).find("name is required"), std::string::npos);
  spawn::digitalocean_settings s;
  s.api_base = double_->base_url();
  s.token = "dop_v1_wrong";
  spawn::digitalocean wrong{s};
  auto listed = wrong.list_tagged("spawnai");
  ASSERT_FALSE(listed);
  EXPECT_EQ(spawn::code_of(listed.error()), spawn::errc::unauthorized);
  for (auto& msg : {spawn::message_of(made.error()), spawn::message_of(listed.error())}) {
    EXPECT_EQ(msg.find(token), std::string::npos) << msg;
    EXPECT_EQ(msg.find("dop_v1_wrong"), std::string::npos) << msg;
  }
}

TEST_F(digitalocean_dockertest, listing_follows_pages) {
  double_->engine_never_up = true;
  double_->page_size = 2;
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto p = plan("spawnai-page-" + std::to_string(i));
    auto made = api_->create(p.request);
    ASSERT_TRUE(made) << spawn::message_of(made.error());
    ids.push_back(made->first.id);
  }
  auto listed = api_->list_tagged("spawnai-test");
  ASSERT_TRUE(listed) << spawn::message_of(listed.error());
  EXPECT_EQ(listed->size(), 5u);
  EXPECT_EQ(double_->requests("GET /v2/droplets"), 3); // pages of 2, 2, 1
  for (auto id : ids)
    EXPECT_FALSE(api_->destroy(id));
  EXPECT_EQ(double_->live(), 0);
}

TEST(digitalocean_test, sizes_user_data_and_token_sources) {
  EXPECT_EQ(spawn::droplet_size_for(512), "s-1vcpu-1gb");
  EXPECT_EQ(spawn::droplet_size_for(1024), "s-1vcpu-1gb");
  EXPECT_EQ(spawn::droplet_size_for(2048), "s-2vcpu-2gb");
  EXPECT_EQ(spawn::droplet_size_for(4096), "s-2vcpu-4gb");
  auto y = spawn::droplet_user_data("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----",
                                    "SERVER", "KEY", "10.0.0.2/32");
  EXPECT_EQ(y.rfind("#cloud-config\n", 0), 0u);
  EXPECT_NE(y.find("docker.io"), std::string::npos);
  EXPECT_NE(y.find("      -----BEGIN CERTIFICATE-----\n      CA\n"), std::string::npos) << y;
  EXPECT_NE(y.find("--tlsverify"), std::string::npos);
  EXPECT_NE(y.find("from, '10.0.0.2/32', to, any, port, '2376'"), std::string::npos) << y;
  EXPECT_NE(y.find("permissions: '0600'"), std::string::npos);
  auto file = (fs::temp_directory_path() / ("spawnai-dotoken-" + std::to_string(::getpid()))).string();
  std::ofstream{file} << "dop_v1_from_file \n";
  EXPECT_EQ(spawn::digitalocean_token(nullptr, file), "dop_v1_from_file");
  EXPECT_EQ(spawn::digitalocean_token("dop_v1_env", file), "dop_v1_env");
  EXPECT_EQ(spawn::digitalocean_token("", "/nonexistent/token"), "");
  fs::remove(file);
}
