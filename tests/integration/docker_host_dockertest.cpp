// A remote Docker host over TCP + TLS (issue 17): the second engine that
// deploy/scripts/docker-host.sh runs on 127.0.0.27 (t1, started by setup.sh).
// An app started there through the adapter answers on the host's address; a
// client without the installation's certificate is refused; the host set
// places containers over the local engine and t1 and gives up a host whose
// engine does not answer. Skips (with the reason) when t1 is not running.
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
#include "infra/docker_engine.hpp"
#include "infra/host_set.hpp"
#include "infra/http_client.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* image = "spawnai/runtime-node:1";
constexpr const char* test_label = "spawnai.hosttest";

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

spawn::docker_endpoint t1_endpoint() {
  spawn::docker_endpoint e;
  e.tcp = env_or("SPAWN_TEST_DOCKER_HOST", "tcp://127.0.0.27:2376");
  auto tls = env_or("SPAWN_TEST_HOSTS_TLS", "/var/lib/spawnai-hosts/tls");
  e.ca_file = tls + "/ca.pem";
  e.cert_file = tls + "/cert.pem";
  e.key_file = tls + "/key.pem";
  e.publish_address = "127.0.0.27";
  return e;
}

/// GET /containers/{id}/json on t1, as the Engine API answers it.
json inspect_raw(const std::string& id) {
  auto e = t1_endpoint();
  spawn::http_request req;
  req.url = "https://" + e.tcp.substr(6) + "/v1.41/containers/" + id + "/json";
  req.ca_file = e.ca_file;
  req.cert_file = e.cert_file;
  req.key_file = e.key_file;
  req.timeout_ms = 5000;
  auto r = spawn::perform(req);
  return r && r->status == 200 ? json::parse(r->body, nullptr, false) : json{};
}

caf::expected<spawn::http_response> get(const std::string& url) {
  spawn::http_request req;
  req.url = url;
  req.timeout_ms = 2000;
  req.connect_timeout_ms = 1000;
  return spawn::perform(req);
}

class docker_host_dockertest : public ::testing::Test {
protected:
  void SetUp() override {
    t1_ = std::make_shared<spawn::docker_engine>(t1_endpoint());
    if (!t1_->ping())
      GTEST_SKIP() << "no Docker engine answers over TLS at " << t1_endpoint().tcp
                   << " (start it: bash deploy/scripts/docker-host.sh start t1 127.0.0.27)";
    auto has = t1_->image_exists(image);
    ASSERT_TRUE(has) << spawn::message_of(has.error());
    if (!*has) { // what the host registry does for a host without the image
      spawn::docker_engine local;
      auto tar = local.save_image(image);
      ASSERT_TRUE(tar) << spawn::message_of(tar.error());
      ASSERT_FALSE(t1_->load_image(*tar));
    }
    std::random_device rd;
    tag_ = std::to_string(rd() % 1000000000u);
  }

  void TearDown() override {
    spawn::docker_engine local;
    for (auto* e : {t1_.get(), &local})
      if (e && e->ping())
        if (auto mine = e->list_labelled(std::string{test_label} + "=" + tag_))
          for (auto& c : *mine)
            (void) e->remove(c.id);
    for (auto& dir : slots_)
      fs::remove_all(dir);
  }

  /// A slot with a deployed page saying `text`, readable by the app's user.
  std::string slot_with(const std::string& text) {
    std::string tmpl = (fs::temp_directory_path() / "spawnai-hostslot-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr)
      return {};
    ::chmod(tmpl.c_str(), 0755);
    slots_.push_back(tmpl);
    fs::create_directories(tmpl + "/app");
    std::ofstream{tmpl + "/app/index.html"} << "<h1>" << text << "</h1>";
    std::ofstream{tmpl + "/manifest.json"}
      << json{{"type", "webapp"}, {"run", json::array()}, {"entry", "index.html"}}.dump();
    for (auto p : {tmpl + "/app", tmpl + "/app/index.html", tmpl + "/manifest.json"})
      ::chmod(p.c_str(), fs::is_directory(p) ? 0755 : 0644);
    return tmpl;
  }

  spawn::container_spec spec(const std::string& slot) {
    spawn::container_spec s;
    s.image = image;
    s.slot_dir = slot;
    // The engine's default bridge, as spawnd's runtime.network defaults to:
    // spawnai-apps exists on t1 only, and spread may place a container locally.
    s.network = "";
    s.labels[test_label] = tag_;
    s.labels["spawnai.tier"] = "small";
    return s;
  }

  /// Polls the app until it answers 200 with `text`; the last answer or error.
  static std::string wait_page(const std::string& url, const std::string& text) {
    std::string last = "no answer";
    for (int i = 0; i < 100; ++i) {
      auto r = get(url);
      if (r && r->status == 200 && r->body.find(text) != std::string::npos)
        return "ok";
      last = r ? "HTTP " + std::to_string(r->status) + " " + r->body : spawn::message_of(r.error());
      std::this_thread::sleep_for(100ms);
    }
    return last;
  }

  std::shared_ptr<spawn::docker_engine> t1_;
  std::string tag_;
  std::vector<std::string> slots_;
};

} // namespace

// The check that failed on a fresh CI machine before docker-host.sh kept the
// second engine off the main engine's bridge and iptables chains.
TEST_F(docker_host_dockertest, app_on_the_remote_engine_answers_on_its_address) {
  auto t0 = std::chrono::steady_clock::now();
  auto slot = slot_with("hello from t1 " + tag_);
  auto c = t1_->run(spec(slot));
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  ASSERT_FALSE(t1_->ship_slot(c->id, slot)); // t1 does not share this disk
  auto started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(c->address, "127.0.0.27");
  ASSERT_GT(c->host_port, 0);
  auto url = "http://127.0.0.27:" + std::to_string(c->host_port) + "/";
  EXPECT_EQ(wait_page(url, "hello from t1 " + tag_), "ok") << url;
  std::cout << "remote container start over TLS: " << started_ms << " ms\n";
  // Published on the host's address only, not on every address of the machine.
  auto loopback = get("http://127.0.0.1:" + std::to_string(c->host_port) + "/");
  EXPECT_TRUE(!loopback || loopback->body.find(tag_) == std::string::npos)
    << "the app also answers on 127.0.0.1";
  auto listed = t1_->list_labelled(std::string{test_label} + "=" + tag_);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, c->id);
  EXPECT_FALSE(t1_->remove(c->id));
  EXPECT_EQ(spawn::code_of(t1_->inspect(c->id).error()), spawn::errc::not_found);
}

TEST_F(docker_host_dockertest, clients_without_the_installation_certificate_are_refused) {
  auto no_cert = t1_endpoint();
  no_cert.cert_file.clear();
  no_cert.key_file.clear();
  spawn::docker_engine anonymous{no_cert};
  EXPECT_FALSE(anonymous.ping());
  auto listed = anonymous.list_labelled(test_label);
  ASSERT_FALSE(listed);
  EXPECT_EQ(spawn::code_of(listed.error()), spawn::errc::unavailable) << spawn::message_of(listed.error());
  // A client that does not know the CA does not trust the engine either.
  auto no_ca = t1_endpoint();
  no_ca.ca_file.clear();
  spawn::docker_engine untrusting{no_ca};
  EXPECT_FALSE(untrusting.ping());
  // Plain HTTP on the TLS port gets nothing useful.
  auto plain = get("http://127.0.0.27:2376/_ping");
  EXPECT_TRUE(!plain || plain->status == 400) << plain->body;
}

TEST_F(docker_host_dockertest, host_set_spreads_over_both_engines_and_gives_up_a_dead_host) {
  spawn::host_set set{spawn::placement_policy::spread};
  spawn::host_record local, t1, dead;
  local.id = "local";
  local.kind = "local";
  t1.id = "t1";
  t1.kind = "tcp";
  t1.address = t1_endpoint().tcp;
  t1.private_address = "127.0.0.27";
  dead.id = "dead";
  dead.kind = "tcp";
  dead.address = "tcp://127.0.0.29:2376"; // nothing listens there
  dead.private_address = "127.0.0.29";
  dead.used_sessions = 0;
  set.add(local, std::make_shared<spawn::docker_engine>());
  set.add(t1, t1_);
  auto dead_end = t1_endpoint();
  dead_end.tcp = dead.address;
  dead_end.publish_address = dead.private_address;
  set.add(dead, std::make_shared<spawn::docker_engine>(dead_end));
  // The dead host goes first (spread, all empty, it was never checked)... so
  // check first: two failed pings make it gone.
  EXPECT_TRUE(set.check(2, 1).empty());
  auto changed = set.check(2, 2);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].id, "dead");
  EXPECT_EQ(set.host("dead")->state, "gone");
  EXPECT_EQ(set.host("t1")->last_seen, 2);

  auto slot_a = slot_with("first " + tag_), slot_b = slot_with("second " + tag_);
  auto a = set.run(spec(slot_a));
  ASSERT_TRUE(a) << spawn::message_of(a.error());
  auto b = set.run(spec(slot_b));
  ASSERT_TRUE(b) << spawn::message_of(b.error());
  // The set ships the slot where the container runs (nothing to do locally).
  ASSERT_FALSE(set.ship_slot(a->id, slot_a));
  ASSERT_FALSE(set.ship_slot(b->id, slot_b));
  EXPECT_NE(a->host, b->host) << "spread put both containers on " << a->host;
  for (auto* c : {&*a, &*b}) {
    auto addr = c->host == "t1" ? "127.0.0.27" : "127.0.0.1";
    EXPECT_EQ(c->address, addr);
    EXPECT_EQ(set.address_of(c->id), addr);
    EXPECT_EQ(wait_page("http://" + std::string{addr} + ":" + std::to_string(c->host_port) + "/",
                        c == &*a ? "first " : "second "),
              "ok");
  }
  EXPECT_EQ(set.host("t1")->used_sessions, 1);
  // A set that has never seen the container (a restart) finds it by asking.
  spawn::host_set fresh{spawn::placement_policy::spread};
  fresh.add(local, std::make_shared<spawn::docker_engine>());
  fresh.add(t1, t1_);
  auto on_t1 = a->host == "t1" ? *a : *b;
  auto found = fresh.inspect(on_t1.id);
  ASSERT_TRUE(found) << spawn::message_of(found.error());
  EXPECT_EQ(found->host, "t1");
  EXPECT_EQ(fresh.address_of(on_t1.id), "127.0.0.27");
  // Once its host is gone a container counts as gone: the session redeploys.
  ASSERT_TRUE(fresh.set_state("t1", "gone"));
  auto lost = fresh.inspect(on_t1.id);
  ASSERT_FALSE(lost);
  EXPECT_EQ(spawn::code_of(lost.error()), spawn::errc::not_found);
  // Draining: no new container goes there.
  ASSERT_TRUE(set.set_state("local", "draining"));
  auto c = set.run(spec(slot_with("third " + tag_)));
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  EXPECT_EQ(c->host, "t1");
  ASSERT_TRUE(set.set_state("t1", "draining"));
  auto none = set.run(spec(slot_with("fourth " + tag_)));
  ASSERT_FALSE(none);
  EXPECT_EQ(spawn::code_of(none.error()), spawn::errc::unavailable);
  for (auto* x : {&*a, &*b, &*c})
    EXPECT_FALSE(set.remove(x->id));
  EXPECT_EQ(set.host("t1")->used_sessions, 0);
}

// Issue 17: a remote host does not share the node's disk. Its containers
// bind-mount nothing of the node; the slot reaches a running (warm) container
// through PUT /containers/{id}/archive, and a new version reaches a new one.
TEST_F(docker_host_dockertest, app_files_reach_the_remote_engine_through_its_api) {
  ASSERT_TRUE(t1_->ships_files());
  // A warm container: started with an empty slot, waiting for its manifest.
  std::string tmpl = (fs::temp_directory_path() / "spawnai-hostslot-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  slots_.push_back(tmpl);
  auto c = t1_->run(spec(tmpl));
  ASSERT_TRUE(c) << spawn::message_of(c.error());
  auto raw = inspect_raw(c->id);
  ASSERT_TRUE(raw.is_object());
  EXPECT_TRUE(raw["HostConfig"]["Binds"].is_null() || raw["HostConfig"]["Binds"].empty())
    << raw["HostConfig"]["Binds"];
  bool slot_volume = false;
  for (auto& m : raw["Mounts"]) {
    EXPECT_NE(m.value("Type", ""), "bind") << m;
    EXPECT_NE(m.value("Source", ""), tmpl) << m;
    slot_volume = slot_volume || (m.value("Destination", "") == "/srv/slot" && m.value("Type", "") == "volume");
  }
  EXPECT_TRUE(slot_volume) << raw["Mounts"];
  auto url = "http://127.0.0.27:" + std::to_string(c->host_port) + "/";
  // Written on the node only: the remote app does not see it.
  fs::create_directories(tmpl + "/app/css");
  std::ofstream{tmpl + "/app/index.html"} << "<h1>shipped " << tag_ << "</h1>";
  std::ofstream{tmpl + "/app/css/site.css"} << "h1{color:teal}";
  std::ofstream{tmpl + "/manifest.json"}
    << json{{"type", "webapp"}, {"run", json::array()}, {"entry", "index.html"}}.dump();
  std::this_thread::sleep_for(300ms);
  auto early = get(url);
  EXPECT_TRUE(!early || early->body.find(tag_) == std::string::npos) << "the slot was shared";
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_FALSE(t1_->ship_slot(c->id, tmpl));
  EXPECT_EQ(wait_page(url, "shipped " + tag_), "ok") << url;
  auto css = get(url + "css/site.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->body, "h1{color:teal}");
  std::cout << "slot shipped into a warm container on t1 -> page: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now() - t0).count()
            << " ms\n";
  // The app's user cannot change its files.
  auto raw_after = inspect_raw(c->id);
  EXPECT_EQ(raw_after["State"].value("Status", ""), "running");

  // A new version: a new slot on the node, shipped into a new container.
  auto v2 = slot_with("version two " + tag_);
  auto d = t1_->run(spec(v2));
  ASSERT_TRUE(d) << spawn::message_of(d.error());
  ASSERT_FALSE(t1_->ship_slot(d->id, v2));
  EXPECT_EQ(wait_page("http://127.0.0.27:" + std::to_string(d->host_port) + "/",
                      "version two " + tag_),
            "ok");
  // Bad input: no such container, no such slot; the engine is still fine.
  auto missing = t1_->ship_slot("0123456789ab-nosuch", v2);
  ASSERT_TRUE(missing);
  EXPECT_EQ(spawn::code_of(missing), spawn::errc::not_found) << spawn::message_of(missing);
  auto no_slot = t1_->ship_slot(c->id, tmpl + "-nosuch");
  ASSERT_TRUE(no_slot);
  EXPECT_EQ(spawn::code_of(no_slot), spawn::errc::not_found);
  // The local engine shares the node's disk: it bind-mounts and ships nothing.
  spawn::docker_engine local;
  EXPECT_FALSE(local.ships_files());
  EXPECT_FALSE(local.ship_slot(c->id, tmpl + "-nosuch"));
  // Removing a container takes its slot volume with it.
  std::string volume;
  for (auto& m : raw["Mounts"])
    if (m.value("Destination", "") == "/srv/slot")
      volume = m.value("Name", "");
  EXPECT_FALSE(t1_->remove(c->id));
  EXPECT_FALSE(t1_->remove(d->id));
  if (!volume.empty()) {
    auto e = t1_endpoint();
    spawn::http_request req;
    req.url = "https://" + e.tcp.substr(6) + "/v1.41/volumes/" + volume;
    req.ca_file = e.ca_file;
    req.cert_file = e.cert_file;
    req.key_file = e.key_file;
    auto r = spawn::perform(req);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << "the slot volume " << volume << " outlived its container";
  }
}
