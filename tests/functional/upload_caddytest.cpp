// Uploaded code end to end (issue 18): a real spawnd with PostgreSQL, the
// Docker engine, the builder sandbox (spawnai/builder-node:1 on the
// spawnai-build network, npm from the real registry) and a private Caddy as
// its edge. A static folder, an Express app with a real dependency and a Vite
// app are uploaded (multipart, raw archive, JSON base64), served through the
// edge and destroyed; the time from upload to serving is printed for each,
// without and with the dependency cache. A hot deploy of an edited file
// serves the new version with no failed request during the switch; hostile
// archives and bad bodies get a 4xx; a destroy during a build removes the
// builder at once.
#include <archive.h>
#include <archive_entry.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <restinio/utils/base64.hpp>

#include "build_paths.hpp"
#include "infra/archive_extract.hpp"
#include "infra/http_client.hpp"
#include "tests/functional/caddy_process.hpp"
#include "tests/functional/spawnd_functest_fixture.hpp"

namespace spawn::test::functest {

namespace {

namespace fs = std::filesystem;

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

/// A folder of files → .tar.gz bytes (the project's own packer).
std::string pack(const fs::path& dir, const std::map<std::string, std::string>& files) {
  fs::remove_all(dir);
  for (auto& [path, content] : files) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream{dir / path, std::ios::binary} << content;
  }
  auto a = spawn::pack_directory(dir.string());
  return a ? *a : std::string{};
}

la_ssize_t append(struct archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

/// One raw entry, unchecked: for hostile archives.
std::string hostile(const std::string& name, mode_t type, const std::string& link = {},
                    const std::string& content = "x") {
  std::string out;
  auto* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  archive_write_open(a, &out, nullptr, append, nullptr);
  auto* ok = archive_entry_new();
  archive_entry_set_pathname(ok, "index.html");
  archive_entry_set_filetype(ok, AE_IFREG);
  archive_entry_set_perm(ok, 0644);
  archive_entry_set_size(ok, 2);
  archive_write_header(a, ok);
  archive_write_data(a, "hi", 2);
  archive_entry_free(ok);
  auto* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, type);
  archive_entry_set_perm(e, 0644);
  if (type == AE_IFLNK)
    archive_entry_set_symlink(e, link.c_str());
  if (type == AE_IFREG) {
    if (!link.empty())
      archive_entry_set_hardlink(e, link.c_str());
    else
      archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
  }
  archive_write_header(a, e);
  if (type == AE_IFREG && link.empty())
    archive_write_data(a, content.data(), content.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

std::string express_server(const std::string& greeting) {
  return "const express = require('express');\nconst app = express();\n"
         "app.get('/', (req, res) => res.send('<title>" + greeting + "</title>" + greeting
         + "'));\napp.get('/api/hello', (req, res) => res.json({hello: 'world', via: 'express'}));\n"
           "app.listen(process.env.PORT || 8080);\n";
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

} // namespace

class upload_caddytest : public ::testing::Test {
public:
  static void SetUpTestSuite() {
    if (!spawn::test::functional_prereqs(why_))
      return;
    if (!have_caddy()) {
      why_ = "caddy is not installed (deploy/scripts/install-deps.sh)";
      return;
    }
    if (sh("docker image inspect -f ok spawnai/builder-node:1") != "ok") {
      why_ = "no builder image spawnai/builder-node:1 (deploy/runtime/build-builder.sh)";
      return;
    }
    if (sh("docker network inspect -f ok spawnai-build") != "ok") {
      why_ = "no network spawnai-build (deploy/scripts/build-firewall.sh)";
      return;
    }
    dir_ = "/tmp/spawnai-upload-caddytest-" + std::to_string(getpid());
    fs::create_directories(dir_);
    caddy_ = new caddy_process(dir_ + "/caddy");
    if (!caddy_->start()) {
      start_error_ = "private Caddy did not start; see " + dir_ + "/caddy/caddy.log";
      return;
    }
    edge_port_ = free_loopback_port();
    auto opts = spawnd_functest::options("upload");
    opts.env["SPAWN_EDGE_CADDY_ADMIN"] = caddy_->admin_url();
    opts.env["SPAWN_EDGE_SERVER"] = "upload";
    opts.env["SPAWN_EDGE_LISTEN"] = "127.0.0.1:" + std::to_string(edge_port_);
    opts.env["SPAWN_EDGE_CHECK_INTERVAL_MS"] = "500";
    opts.env["SPAWN_RUNTIME_WARM_POOL_SIZE"] = "2";
    opts.env["SPAWN_SESSIONS_DRAIN_MS"] = "1500";
    opts.env["SPAWN_SOURCE_MAX_UPLOAD_BYTES"] = std::to_string(2 << 20);
    daemon_ = new spawnd_process(opts);
    if (!daemon_->start())
      start_error_ = daemon_->error();
  }

  static void TearDownTestSuite() {
    delete daemon_;
    delete caddy_;
    daemon_ = nullptr;
    caddy_ = nullptr;
    if (!dir_.empty())
      fs::remove_all(dir_);
  }

protected:
  void SetUp() override {
    if (!why_.empty())
      GTEST_SKIP() << "upload test prerequisites missing: " << why_;
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    ASSERT_TRUE(daemon_->running()) << daemon_->log_tail();
  }

  void TearDown() override {
    if (HasFailure() && daemon_)
      std::cerr << "spawnd log " << daemon_->log_path() << ":\n" << daemon_->log_tail(60) << "\n";
  }

  caf::expected<spawn::http_response> post(const std::string& path, const std::string& body,
                                           const std::string& type,
                                           const std::string& token = {}) {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", type}};
    if (!token.empty())
      headers.emplace_back("X-Manage-Token", token);
    return daemon_->call("POST", path, body, headers, 60000);
  }

  static std::string multipart(const std::string& archive, const std::string& ttl = "") {
    std::string b = "--XbOuNdArY\r\n";
    if (!ttl.empty())
      b += "Content-Disposition: form-data; name=\"ttl_seconds\"\r\n\r\n" + ttl
           + "\r\n--XbOuNdArY\r\n";
    b += "Content-Disposition: form-data; name=\"file\"; filename=\"app.tar.gz\"\r\n"
         "Content-Type: application/gzip\r\n\r\n"
         + archive + "\r\n--XbOuNdArY--\r\n";
    return b;
  }
  static constexpr const char* multipart_type = "multipart/form-data; boundary=XbOuNdArY";

  /// GET `path` of session `id` through the edge.
  caf::expected<spawn::http_response> via_edge(const std::string& id,
                                               const std::string& path = "/") {
    spawn::http_request req;
    req.url = "http://127.0.0.1:" + std::to_string(edge_port_) + path;
    req.headers.emplace_back("Host", id + ".localhost");
    req.timeout_ms = 5000;
    return spawn::perform(req);
  }

  /// Waits until the session runs and `needle` is served through the edge;
  /// the seconds since `t0` (negative: it never did).
  double until_served(const std::string& id, const std::string& needle, clock_type::time_point t0,
                      std::chrono::seconds limit = 300s) {
    auto deadline = clock_type::now() + limit;
    while (clock_type::now() < deadline) {
      auto g = daemon_->call("GET", "/api/v1/sessions/" + id);
      auto s = g ? parse_or_null(g->body) : json{};
      if (s.value("state", "") == "failed" || s.value("state", "") == "destroyed") {
        ADD_FAILURE() << "session " << id << " " << s.value("state", "") << ": "
                      << s.value("failure_reason", "");
        return -1;
      }
      if (s.value("state", "") == "running") {
        auto r = via_edge(id);
        if (r && r->status == 200 && r->body.find(needle) != std::string::npos)
          return seconds_since(t0);
      }
      std::this_thread::sleep_for(50ms);
    }
    auto evs = daemon_->call("GET", "/api/v1/sessions/" + id + "/events");
    ADD_FAILURE() << "'" << needle << "' never served; events: " << (evs ? evs->body : "");
    return -1;
  }

  void destroy(const std::string& id, const std::string& token) {
    auto r = daemon_->call("DELETE", "/api/v1/sessions/" + id, "", {{"X-Manage-Token", token}});
    ASSERT_TRUE(r && r->status == 202) << (r ? r->body : "");
    auto deadline = clock_type::now() + 30s;
    while (clock_type::now() < deadline) {
      auto g = daemon_->call("GET", "/api/v1/sessions/" + id);
      if (g && parse_or_null(g->body).value("state", "") == "destroyed")
        break;
      std::this_thread::sleep_for(100ms);
    }
    auto r2 = via_edge(id);
    EXPECT_TRUE(!r2 || r2->status != 200 || r2->body.find("express") == std::string::npos);
  }

  /// Uploads `archive` (as `form`), then waits for `needle` through the edge.
  /// The session JSON with the seconds it took in "took".
  json deploy(const std::string& archive, const std::string& form, const std::string& needle) {
    auto t0 = clock_type::now();
    caf::expected<spawn::http_response> r = make_error(errc::internal, "no form");
    if (form == "multipart")
      r = post("/api/v1/sessions", multipart(archive, "600"), multipart_type);
    else if (form == "raw")
      r = post("/api/v1/sessions?ttl_seconds=600", archive, "application/gzip");
    else
      r = post("/api/v1/sessions",
               json{{"source", restinio::utils::base64::encode(archive)}, {"ttl_seconds", 600}}
                 .dump(),
               "application/json");
    if (!r || r->status != 201) {
      ADD_FAILURE() << form << " upload: " << (r ? r->body : spawn::message_of(r.error()));
      return nullptr;
    }
    auto s = parse_or_null(r->body);
    s["took"] = until_served(s["id"].get<std::string>(), needle, t0);
    return s;
  }

  static inline std::string why_, start_error_, dir_;
  static inline caddy_process* caddy_ = nullptr;
  static inline spawnd_process* daemon_ = nullptr;
  static inline int edge_port_ = 0;
};

TEST_F(upload_caddytest, static_express_and_vite_deploy_serve_and_go) {
  auto root = fs::path{dir_} / "apps";
  auto site = pack(root / "site", {{"index.html", "<title>Static site</title><h1>static upload</h1>"},
                                   {"css/site.css", "h1{color:teal}"}});
  auto express_pkg = json{{"name", "hello-express"},
                          {"version", "1.0.0"},
                          {"scripts", {{"start", "node server.js"}}},
                          {"dependencies", {{"express", "^4.19.2"}}}}
                       .dump();
  auto express = pack(root / "express", {{"package.json", express_pkg},
                                         {"server.js", express_server("hello from express")}});
  auto vite_pkg = json{{"name", "hello-vite"},
                       {"private", true},
                       {"type", "module"},
                       {"scripts", {{"build", "vite build"}}},
                       {"devDependencies", {{"vite", "^5.4.0"}}}}
                    .dump();
  auto vite = pack(root / "vite",
                   {{"package.json", vite_pkg},
                    {"index.html", "<!doctype html><html><head><title>Vite app</title></head>"
                                   "<body><div id=\"app\"></div><script type=\"module\" "
                                   "src=\"/src/main.js\"></script></body></html>"},
                    {"src/main.js", "document.querySelector('#app').textContent = 'built';\n"}});
  ASSERT_FALSE(site.empty() || express.empty() || vite.empty());

  struct kind {
    const char* name;
    const std::string* archive;
    const char* form;
    const char* needle;
    const char* framework;
  };
  std::vector<kind> kinds{{"static", &site, "multipart", "static upload", "static"},
                          {"express", &express, "raw", "hello from express", "express"},
                          {"vite", &vite, "json", "<title>Vite app</title>", "vite"}};
  std::map<std::string, std::pair<double, double>> figures;
  for (auto& k : kinds) {
    for (int round = 0; round < 2; ++round) { // the second has the dependency cache
      auto s = deploy(*k.archive, k.form, k.needle);
      ASSERT_TRUE(s.is_object()) << k.name;
      EXPECT_EQ(s["source"].value("framework", ""), k.framework) << s.dump();
      auto id = s["id"].get<std::string>();
      auto took = s.value("took", -1.0);
      ASSERT_GT(took, 0) << k.name;
      (round == 0 ? figures[k.name].first : figures[k.name].second) = took;
      if (std::string{k.name} == "express") {
        auto api = via_edge(id, "/api/hello");
        ASSERT_TRUE(api && api->status == 200);
        EXPECT_EQ(parse_or_null(api->body).value("via", ""), "express");
      }
      if (std::string{k.name} == "vite") { // built: the page loads a bundled script
        auto page = via_edge(id);
        ASSERT_TRUE(page);
        EXPECT_NE(page->body.find("/assets/"), std::string::npos) << page->body;
        EXPECT_EQ(page->body.find("/src/main.js"), std::string::npos);
      }
      auto evs = daemon_->call("GET", "/api/v1/sessions/" + id + "/events", "",
                               {{"X-Manage-Token", s["manage_token"].get<std::string>()}});
      ASSERT_TRUE(evs);
      EXPECT_NE(evs->body.find("detected"), std::string::npos);
      if (std::string{k.name} != "static") {
        EXPECT_NE(evs->body.find(round == 0 ? "fresh install" : "dependencies cached"),
                  std::string::npos)
          << evs->body;
      }
      destroy(id, s["manage_token"].get<std::string>());
    }
  }
  std::printf("\nupload -> serving through the edge (s)   first    with dependency cache\n");
  for (auto& [name, f] : figures)
    std::printf("  %-38s %6.2f   %6.2f\n", name.c_str(), f.first, f.second);
  std::printf("  (earlier: static 1.4 / 0.2, express 8.5-12.9 / 1.0-1.2, vite 8.5-10.3 / 1.6)\n");
}

TEST_F(upload_caddytest, a_next_static_export_is_built_and_served) {
  auto pkg = json{{"name", "hello-next"},
                  {"private", true},
                  {"scripts", {{"build", "next build"}}},
                  {"dependencies", {{"next", "14.2.15"}, {"react", "18.3.1"}, {"react-dom", "18.3.1"}}}}
               .dump();
  auto next = pack(fs::path{dir_} / "next",
                   {{"package.json", pkg},
                    {"next.config.js", "module.exports = { output: 'export' };\n"},
                    {"pages/index.js",
                     "export default function Home() { return <h1>hello from next</h1>; }\n"}});
  auto s = deploy(next, "raw", "hello from next");
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["source"].value("framework", ""), "next") << s.dump();
  auto took = s.value("took", -1.0);
  EXPECT_GT(took, 0);
  std::printf("\nnext.js static export: upload -> serving %.2f s\n", took);
  destroy(s["id"].get<std::string>(), s["manage_token"].get<std::string>());
}

TEST_F(upload_caddytest, a_next_server_is_built_and_run_with_next_start) {
  // Server-side rendering (getServerSideProps): only `next start` serves it,
  // a static export could not. Twice: fresh, then with the dependency cache.
  auto pkg = json{{"name", "hello-next-start"},
                  {"private", true},
                  {"scripts", {{"build", "next build"}, {"start", "next start"}}},
                  {"dependencies", {{"next", "14.2.15"}, {"react", "18.3.1"}, {"react-dom", "18.3.1"}}}}
               .dump();
  auto next = pack(fs::path{dir_} / "next-start",
                   {{"package.json", pkg},
                    {"pages/index.js",
                     "export async function getServerSideProps({ req }) {\n"
                     "  return { props: { agent: req.headers['user-agent'] || 'none', at: Date.now() } };\n"
                     "}\n"
                     "export default function Home({ at }) {\n"
                     "  return <h1>hello from next start <span id=\"at\">{at}</span></h1>;\n"
                     "}\n"},
                    {"pages/api/hello.js",
                     "export default function handler(req, res) { res.status(200).json({ via: 'next' }); }\n"}});
  ASSERT_FALSE(next.empty());
  double took[2] = {-1, -1};
  for (int round = 0; round < 2; ++round) {
    auto s = deploy(next, round == 0 ? "raw" : "multipart", "hello from next start");
    ASSERT_TRUE(s.is_object());
    EXPECT_EQ(s["source"].value("framework", ""), "next") << s.dump();
    auto id = s["id"].get<std::string>();
    took[round] = s.value("took", -1.0);
    ASSERT_GT(took[round], 0);
    // Rendered per request: two answers carry two different times.
    auto a = via_edge(id);
    std::this_thread::sleep_for(20ms);
    auto b = via_edge(id);
    ASSERT_TRUE(a && b && a->status == 200 && b->status == 200);
    EXPECT_NE(a->body, b->body) << "served statically, not by next start";
    auto api = via_edge(id, "/api/hello");
    ASSERT_TRUE(api && api->status == 200) << (api ? api->body : "");
    EXPECT_EQ(parse_or_null(api->body).value("via", ""), "next");
    auto evs = daemon_->call("GET", "/api/v1/sessions/" + id + "/events", "",
                             {{"X-Manage-Token", s["manage_token"].get<std::string>()}});
    ASSERT_TRUE(evs);
    EXPECT_NE(evs->body.find("next start"), std::string::npos) << evs->body;
    EXPECT_NE(evs->body.find(round == 0 ? "fresh install" : "dependencies cached"),
              std::string::npos)
      << evs->body;
    destroy(id, s["manage_token"].get<std::string>());
  }
  std::printf("\nnext.js next build + next start: upload -> serving %.2f s fresh, %.2f s with "
              "the dependency cache\n",
              took[0], took[1]);
}

TEST_F(upload_caddytest, hot_deploy_switches_without_a_failed_request) {
  auto root = fs::path{dir_} / "hot";
  auto v1 = pack(root, {{"index.html", "<title>v1</title>version one"}});
  auto s = deploy(v1, "multipart", "version one");
  ASSERT_TRUE(s.is_object());
  auto id = s["id"].get<std::string>();
  auto token = s["manage_token"].get<std::string>();
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, bad{0}, saw_v2{0};
  std::mutex mx;
  std::string first_bad;
  std::thread load{[&] {
    while (!stop) {
      auto r = via_edge(id);
      if (r && r->status == 200) {
        ++ok;
        if (r->body.find("version two") != std::string::npos)
          ++saw_v2;
      } else {
        ++bad;
        std::lock_guard<std::mutex> g{mx};
        if (first_bad.empty())
          first_bad = r ? std::to_string(r->status) + " " + r->body : spawn::message_of(r.error());
      }
      std::this_thread::sleep_for(20ms);
    }
  }};
  auto v2 = pack(root, {{"index.html", "<title>v2</title>version two"}});
  auto t0 = clock_type::now();
  auto r = post("/api/v1/sessions/" + id + "/source", multipart(v2), multipart_type, token);
  ASSERT_TRUE(r && r->status == 202) << (r ? r->body : "");
  EXPECT_EQ(parse_or_null(r->body).value("kind", ""), "upload") << r->body;
  auto deadline = clock_type::now() + 60s;
  while (saw_v2 == 0 && clock_type::now() < deadline)
    std::this_thread::sleep_for(20ms);
  auto switched = seconds_since(t0);
  std::this_thread::sleep_for(2s);
  stop = true;
  load.join();
  EXPECT_GT(saw_v2.load(), 0) << "the new version never served";
  EXPECT_EQ(bad.load(), 0) << "failed requests during the switch, first: " << first_bad;
  std::printf("\nhot deploy: %d requests through the edge, %d failed; new version served %.2f s "
              "after the upload\n", ok.load() + bad.load(), bad.load(), switched);
  auto versions = daemon_->call("GET", "/api/v1/sessions/" + id + "/versions", "",
                                {{"X-Manage-Token", token}});
  ASSERT_TRUE(versions);
  EXPECT_NE(versions->body.find("\"version\":2"), std::string::npos) << versions->body;
  // The wrong token, a session made from a prompt, an empty body.
  auto wrong = post("/api/v1/sessions/" + id + "/source", multipart(v2), multipart_type, "nope");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403) << wrong->body;
  auto bad_body = post("/api/v1/sessions/" + id + "/source", "{}", "application/json", token);
  ASSERT_TRUE(bad_body);
  EXPECT_EQ(bad_body->status, 400) << bad_body->body;
  destroy(id, token);
}

TEST_F(upload_caddytest, hostile_archives_and_bad_bodies_get_a_4xx) {
  auto huge = std::string(3 << 20, 'x');
  struct bad_case {
    const char* what;
    std::string body;
    std::string type;
    int status;
    const char* says;
  };
  auto root = fs::path{dir_} / "bad";
  std::vector<bad_case> cases{
    {"dot-dot", hostile("../evil.html", AE_IFREG), "application/gzip", 400, "unsafe path"},
    {"absolute", hostile("/tmp/evil.html", AE_IFREG), "application/gzip", 400, "absolute"},
    {"link out", hostile("up", AE_IFLNK, "../../etc"), "application/gzip", 400, "symbolic link"},
    {"hard link out", hostile("h", AE_IFREG, "/etc/passwd"), "application/gzip", 400, "hard link"},
    {"device", hostile("dev", AE_IFCHR), "application/gzip", 400, "device"},
    {"fifo", hostile("fifo", AE_IFIFO), "application/gzip", 400, "device"},
    {"zip bomb", hostile("zeros", AE_IFREG, "", std::string(60u << 20, '\0')),
     "application/gzip", 400, "ratio"},
    {"huge file", hostile("zeros", AE_IFREG, "", std::string(100u << 20, '\0')),
     "application/gzip", 400, "larger than"},
    {"not an archive", "just some text", "application/gzip", 400, "not a"},
    {"too large", huge, "application/gzip", 413, "max_upload_bytes"},
    {"bad base64", json{{"source", "%%%not base64%%%"}}.dump(), "application/json", 400, "base64"},
    {"source not a string", json{{"source", 42}}.dump(), "application/json", 400, "base64"},
    {"unknown field", json{{"source", "aGk="}, {"frobnicate", 1}}.dump(), "application/json", 400,
     "unknown field"},
    {"bad ttl", multipart(pack(root / "t", {{"index.html", "x"}}), "-5"), multipart_type, 400,
     "ttl_seconds"},
    {"no file part", "--XbOuNdArY\r\nContent-Disposition: form-data; name=\"ttl_seconds\"\r\n\r\n60"
                     "\r\n--XbOuNdArY--\r\n", multipart_type, 400, "no 'file'"},
    {"unknown framework", pack(root / "u", {{"README.md", "hello"}}), "application/gzip", 400,
     "unknown framework"},
    {"package.json not JSON", pack(root / "p", {{"package.json", "{oops"}, {"index.js", "1"}}),
     "application/gzip", 400, "not valid JSON"},
    {"bad start script", pack(root / "s", {{"package.json", R"({"scripts":{"start":"rm -rf /"}})"}}),
     "application/gzip", 400, "node <file>"},
  };
  for (auto& c : cases) {
    auto r = post("/api/v1/sessions", c.body, c.type);
    ASSERT_TRUE(r) << c.what;
    EXPECT_EQ(r->status, c.status) << c.what << ": " << r->body;
    auto e = parse_or_null(r->body);
    ASSERT_TRUE(e.is_object() && e.contains("error")) << c.what << ": " << r->body;
    EXPECT_NE(e["error"].value("message", "").find(c.says), std::string::npos)
      << c.what << ": " << r->body;
  }
  // Nothing was written beside the uploads' folder.
  EXPECT_FALSE(fs::exists("/tmp/evil.html"));
  EXPECT_FALSE(fs::exists(daemon_->state_dir() + "/evil.html"));
  EXPECT_FALSE(fs::exists(daemon_->state_dir() + "/uploads/evil.html"));
  ASSERT_TRUE(daemon_->running()) << "spawnd died on hostile input";
  auto health = daemon_->call("GET", "/healthz");
  ASSERT_TRUE(health && health->status == 200);
}

TEST_F(upload_caddytest, a_destroy_during_a_build_stops_the_builder_at_once) {
  // A build script that never ends, in an app with a dependency to install.
  auto pkg = json{{"name", "hangs"},
                  {"scripts", {{"build", "node -e \"setInterval(()=>{},1000)\""}}},
                  {"devDependencies", {{"vite", "^5.4.0"}}}}
               .dump();
  auto hang = pack(fs::path{dir_} / "hang", {{"package.json", pkg}, {"index.html", "x"}});
  auto r = post("/api/v1/sessions", hang, "application/gzip");
  ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "");
  auto s = parse_or_null(r->body);
  auto id = s["id"].get<std::string>();
  auto label = "label=spawnai.build_owner=" + id;
  auto deadline = clock_type::now() + 120s;
  while (clock_type::now() < deadline && sh("docker ps -q --filter " + label).empty())
    std::this_thread::sleep_for(100ms);
  ASSERT_FALSE(sh("docker ps -q --filter " + label).empty()) << "no builder container seen";
  // Let it reach the build step (npm install done) or not: either way it goes.
  std::this_thread::sleep_for(3s);
  auto t0 = clock_type::now();
  auto d = daemon_->call("DELETE", "/api/v1/sessions/" + id, "",
                         {{"X-Manage-Token", s["manage_token"].get<std::string>()}});
  ASSERT_TRUE(d && d->status == 202) << (d ? d->body : "");
  while (seconds_since(t0) < 20 && !sh("docker ps -aq --filter " + label).empty())
    std::this_thread::sleep_for(50ms);
  auto gone = seconds_since(t0);
  EXPECT_TRUE(sh("docker ps -aq --filter " + label).empty()) << "the builder is still there";
  EXPECT_LT(gone, 10.0);
  std::printf("\ndestroy during a build: the builder container was gone %.2f s after DELETE\n",
              gone);
}

TEST_F(upload_caddytest, spawnctl_deploy_packs_waits_and_watches) {
  auto app = fs::path{dir_} / "cli";
  auto home = fs::path{dir_} / "cli-home";
  fs::create_directories(app / "node_modules/junk");
  fs::create_directories(app / ".git");
  fs::create_directories(home);
  std::ofstream{app / "index.html"} << "<title>cli</title>deployed by spawnctl";
  std::ofstream{app / "node_modules/junk/x.js"} << "never uploaded";
  std::ofstream{app / ".git/HEAD"} << "ref";
  std::ofstream{app / "secret.env"} << "TOKEN=1";
  std::ofstream{app / ".spawnignore"} << "*.env\n";
  auto env = "HOME=" + home.string() + " SPAWN_SERVER=" + daemon_->base_url() + " ";
  auto out = sh(env + SPAWNCTL_BINARY " deploy " + app.string() + " --ttl 600");
  auto at = out.find("app: http://");
  ASSERT_NE(at, std::string::npos) << out;
  auto host = out.substr(at + 12, out.find('.', at + 12) - at - 12); // the session id
  auto r = via_edge(host);
  ASSERT_TRUE(r && r->status == 200) << out;
  EXPECT_NE(r->body.find("deployed by spawnctl"), std::string::npos);
  for (auto* skipped : {"/node_modules/junk/x.js", "/secret.env", "/.spawnignore"}) {
    auto g = via_edge(host, skipped);
    EXPECT_TRUE(g && g->status == 404) << skipped << ": " << (g ? g->body : "");
  }
  // --watch: an edit becomes a new version of the same session.
  auto log = fs::path{dir_} / "watch.log";
  auto pid_file = fs::path{dir_} / "watch.pid";
  sh(env + "sh -c '" SPAWNCTL_BINARY " deploy " + app.string() + " --to " + host + " --watch > "
     + log.string() + " 2>&1 & echo $! > " + pid_file.string() + "'");
  std::this_thread::sleep_for(6s); // the first deploy (--to) and the watch start
  std::ofstream{app / "index.html"} << "<title>cli</title>edited while watched";
  auto t0 = clock_type::now();
  double took = until_served(host, "edited while watched", t0, 60s);
  std::string pid;
  std::ifstream{pid_file} >> pid;
  if (!pid.empty())
    sh("kill " + pid);
  EXPECT_GT(took, 0) << sh("cat " + log.string());
  std::printf("\nspawnctl deploy --watch: an edit served %.2f s after the save\n", took);
  auto tokens = sh("cat " + (home / ".spawnctl/tokens.json").string());
  auto token = parse_or_null(tokens).value(host, "");
  ASSERT_FALSE(token.empty()) << tokens;
  destroy(host, token);
}

} // namespace spawn::test::functest
