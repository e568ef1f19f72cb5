// Runs the template generator's apps for real with Node.js: every script
// parses, every webapp's inline script runs against a stub DOM (and, when
// Chromium is installed, in a real headless browser with every control
// exercised), every api answers its endpoints over HTTP, every script prints
// its page. Skips when /usr/bin/node is missing.

#include "infra/template_generator.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text_escape.hpp"
#include "infra/template_files.hpp"

using namespace spawn;
namespace fs = std::filesystem;

namespace {

constexpr const char* node = "/usr/bin/node";

bool have(const char* program) {
  return access(program, X_OK) == 0;
}

#define REQUIRE_NODE()                                                                  \
  if (!have(node))                                                                      \
  GTEST_SKIP() << "Node.js is not installed at /usr/bin/node; install nodejs to run "  \
                  "the generated apps"

/// A temporary directory removed with everything in it.
struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/spawn-nodetest-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream{p, std::ios::binary} << content;
}

generated_app make_app(const std::string& prompt, app_type type, const fs::path& dir) {
  auto app = template_generator{}.generate({prompt, type});
  EXPECT_TRUE(app) << prompt;
  if (!app)
    return {};
  for (auto& f : app->files)
    write_file(dir / f.path, f.content);
  return *app;
}

struct run_result {
  int status = -1;
  std::string output;
};

/// Runs a shell command; stdout and stderr together.
run_result run(const std::string& cmd) {
  run_result r;
  if (auto* p = popen((cmd + " 2>&1").c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
      r.output.append(buf, n);
    auto st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  return r;
}

std::string quote(const fs::path& p) {
  return "'" + p.string() + "'";
}

/// Inline <script> blocks of an HTML page.
std::vector<std::string> inline_scripts(const std::string& html) {
  std::vector<std::string> out;
  for (auto pos = html.find("<script"); pos != std::string::npos;
       pos = html.find("<script", pos + 1)) {
    auto open_end = html.find('>', pos);
    auto close = html.find("</script>", open_end);
    auto tag = html.substr(pos, open_end - pos);
    if (tag.find("src=") == std::string::npos && tag.find("application/json") == std::string::npos)
      out.push_back(html.substr(open_end + 1, close - open_end - 1));
  }
  return out;
}

/// Runs a page's scripts in a vm against a permissive stub DOM: catches
/// reference and type errors of the start-up code.
const char* const stub_dom_js = R"js(
const vm = require("vm");
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
function fake() {
  return new Proxy(function () {}, {
    get(t, k) {
      if (k === Symbol.toPrimitive) return () => 0;
      if (k === Symbol.iterator) return function* () {};
      if (typeof k === "symbol" || k === "then") return undefined;
      return fake();
    },
    apply() { return fake(); },
    construct() { return fake(); },
    set() { return true; }
  });
}
const data = new Map();
const localStorage = { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)), removeItem: (k) => data.delete(k) };
const g = { console, setTimeout, clearTimeout, setInterval: () => 0, clearInterval: () => {}, localStorage, URL, Blob, crypto: require("crypto").webcrypto,
  document: fake(), navigator: fake(), Node: class Node {}, CustomEvent: fake(), Event: fake(), getComputedStyle: fake(),
  matchMedia: fake(), requestAnimationFrame: () => 0, ResizeObserver: fake(), confirm: () => true, alert: () => {}, Intl, performance };
g.window = g;
vm.createContext(g);
for (const s of scripts) vm.runInContext(s, g, { filename: "inline.js" });
setTimeout(() => { console.log("STUB_DOM_OK"); process.exit(0); }, 150);
)js";

/// Loaded by a page in Chromium: fills and clicks every control, three times.
const char* const monkey_js = R"js(
window.confirm = () => true; window.alert = () => {};
setTimeout(() => {
  const fire = (el, type) => el.dispatchEvent(new Event(type, { bubbles: true }));
  const values = { number: "7", email: "ada@example.com", date: "2025-05-01", time: "12:30", url: "https://example.com", tel: "+33 1 23 45 67 89", password: "correct horse", color: "#336699" };
  for (let round = 0; round < 3; round++) {
    document.querySelectorAll("input:not([type=checkbox]), textarea").forEach((el, i) => { el.value = values[el.type] || "Test " + round + i; fire(el, "input"); fire(el, "change"); fire(el, "blur"); });
    document.querySelectorAll("select").forEach((s) => { if (s.options.length > 1) { s.selectedIndex = 1; fire(s, "change"); } });
    document.querySelectorAll("input[type=checkbox]").forEach((c) => c.click());
    document.querySelectorAll("form").forEach((f) => f.requestSubmit());
    [...document.querySelectorAll("button")].filter((b) => b.type === "button" && !b.disabled && b.id !== "export" && b.id !== "csv" && b.id !== "png").forEach((b) => b.click());
  }
  document.dispatchEvent(new KeyboardEvent("keydown", { key: "1", bubbles: true }));
  console.log("MONKEY_DONE");
}, 100);
)js";

int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

struct http_reply {
  int status = 0;
  std::string head;
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

/// One HTTP/1.0 exchange with 127.0.0.1:port (the server closes after it).
http_reply http(int port, const std::string& method, const std::string& path,
                const std::string& body = "", const std::string& accept = "application/json") {
  http_reply r;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(s);
    return r;
  }
  timeval tv{5, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto req = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1:" + std::to_string(port)
             + "\r\nAccept: " + accept + "\r\nContent-Type: application/json\r\nContent-Length: "
             + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void) !write(s, req.data(), req.size());
  std::string raw;
  char buf[8192];
  ssize_t n;
  while ((n = read(s, buf, sizeof buf)) > 0)
    raw.append(buf, static_cast<std::size_t>(n));
  close(s);
  auto split = raw.find("\r\n\r\n");
  if (raw.size() < 12 || split == std::string::npos)
    return r;
  r.status = std::stoi(raw.substr(9, 3));
  r.head = raw.substr(0, split);
  r.body = raw.substr(split + 4);
  return r;
}

/// A `node server.js` child with PORT set; killed (and reaped) on scope exit.
struct server_process {
  pid_t pid = -1;
  int port = 0;
  server_process(const fs::path& dir) : port(free_port()) {
    pid = fork();
    if (pid == 0) {
      if (chdir(dir.c_str()) != 0)
        _exit(127);
      auto log = (dir / "server.log").string();
      freopen(log.c_str(), "w", stdout);
      freopen(log.c_str(), "a", stderr);
      setenv("PORT", std::to_string(port).c_str(), 1);
      setenv("DATA_FILE", (dir / "data.json").c_str(), 1);
      execl(node, node, "server.js", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  bool wait_ready() const {
    for (int i = 0; i < 100; ++i) {
      if (http(port, "GET", "/health").status == 200)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  ~server_process() {
    if (pid <= 0)
      return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 40; ++i) {
      if (waitpid(pid, nullptr, WNOHANG) == pid)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
};

const std::vector<std::string> webapp_prompts{
  "a todo list with milk, eggs and bread",   "a notes app in orange",
  "a pomodoro timer with a dark theme",      "a stopwatch with laps",
  "a 10 minute countdown",                   "a counter for glasses of water, goal 8",
  "a tip calculator in purple",              "a loan calculator",
  "a quiz about the solar system",           "a math quiz",
  "a quiz about cheese",                     "a signup form with name, email, age, website and comments",
  "an RSVP form for my wedding",             "a pie chart of my expenses in euros",
  "a weight chart over time",                "a page for my wedding with the schedule, venue and dress code",
  "a todo list </script><script>alert(1)</script>",
  // Issue 16: the templates that are only data.
  "a tic tac toe game against the computer", "a guess the number game from 1 to 50",
  "roll 3 dice",                             "rock paper scissors",
  "a memory game with 6 pairs",              "a world clock for Paris, Tokyo and New York",
  "a countdown to Christmas",                "a box breathing exercise",
  "a unit converter from km to miles",       "a currency converter with 1 EUR = 1.10 USD",
  "a password generator with 20 characters", "a colour palette generator",
  "a random picker between Ana, Ben and Chloe", "a shopping list with quantities and prices",
  "a reading list with ratings and due dates", "a kanban board with columns Backlog, Doing and Done",
  "split expenses between Ana, Ben and Chloe", "an age calculator",
  "a markdown previewer",                    "a word counter",
  "a typing speed test",                     "a landing page for my bakery called Sweet Crumbs",
  "flip a coin",                             "a hangman game",
  "connect four",                            "a drawing app",
  "an alarm clock",                          "a random number generator between 1 and 6",
  "a page about my cat Felix"};

} // namespace

TEST(template_apps_nodetest, webapp_scripts_parse_and_start) {
  REQUIRE_NODE();
  temp_dir tmp;
  write_file(tmp.path / "stub_dom.js", stub_dom_js);
  int n = 0;
  for (auto& prompt : webapp_prompts) {
    SCOPED_TRACE(prompt);
    auto dir = tmp.path / ("web" + std::to_string(n++));
    auto app = make_app(prompt, app_type::webapp, dir);
    std::ifstream in{dir / "index.html"};
    std::string html{std::istreambuf_iterator<char>{in}, {}};
    auto scripts = inline_scripts(html);
    ASSERT_EQ(scripts.size(), 2u);
    for (std::size_t i = 0; i < scripts.size(); ++i) {
      auto js = dir / ("inline" + std::to_string(i) + ".js");
      write_file(js, scripts[i]);
      auto check = run(std::string{node} + " --check " + quote(js));
      EXPECT_EQ(check.status, 0) << check.output;
    }
    auto smoke = run("timeout 20 " + std::string{node} + " " + quote(tmp.path / "stub_dom.js") + " "
                     + quote(dir / "index.html"));
    EXPECT_EQ(smoke.status, 0) << app.template_name << ": " << smoke.output;
    EXPECT_NE(smoke.output.find("STUB_DOM_OK"), std::string::npos) << smoke.output;
  }
}

/// Loads `page` in headless Chromium with the monkey script; fails on any
/// console message (errors, uncaught exceptions, warnings) and if the monkey
/// did not finish.
void expect_clean_in_chromium(const char* chromium, const fs::path& page, const std::string& what) {
  auto dir = page.parent_path();
  write_file(dir / "monkey.js", monkey_js);
  std::ifstream in{page};
  std::string html{std::istreambuf_iterator<char>{in}, {}};
  html.insert(html.rfind("</body>"), "<script src=\"monkey.js\"></script>");
  auto probe = dir / ("monkey-" + page.filename().string());
  write_file(probe, html);
  auto out = run("timeout 90 " + std::string{chromium} + " --headless=new --no-sandbox --disable-gpu"
                 " --enable-logging=stderr --v=0 --virtual-time-budget=4000 --user-data-dir="
                 + quote(dir / "profile") + " --dump-dom file://" + probe.string());
  EXPECT_NE(out.output.find("MONKEY_DONE"), std::string::npos) << what;
  std::istringstream lines{out.output};
  for (std::string line; std::getline(lines, line);)
    if (line.find(":CONSOLE") != std::string::npos && line.find("MONKEY_DONE") == std::string::npos)
      ADD_FAILURE() << what << ": " << line;
}

TEST(template_apps_nodetest, webapps_and_sites_run_in_chromium_without_console_errors) {
  REQUIRE_NODE();
  const char* chromium = have("/usr/bin/chromium") ? "/usr/bin/chromium" : nullptr;
  if (!chromium)
    GTEST_SKIP() << "Chromium is not installed (apt-get install chromium); the stub DOM test "
                    "still covers start-up";
  temp_dir tmp;
  int n = 0;
  for (auto& prompt : webapp_prompts) {
    SCOPED_TRACE(prompt);
    auto dir = tmp.path / ("web" + std::to_string(n++));
    auto app = make_app(prompt, app_type::webapp, dir);
    expect_clean_in_chromium(chromium, dir / "index.html", app.template_name);
  }
  auto dir = tmp.path / "site";
  make_app("a website for my plumbing business in Nantes, in blue", app_type::site, dir);
  for (auto page : {"index.html", "services.html", "about.html", "contact.html"})
    expect_clean_in_chromium(chromium, dir / page, page);
}

TEST(template_apps_nodetest, site_pages_link_up_and_script_parses) {
  REQUIRE_NODE();
  temp_dir tmp;
  auto app = make_app("a site for my photography studio </script>", app_type::site, tmp.path);
  EXPECT_EQ(run(std::string{node} + " --check " + quote(tmp.path / "site.js")).status, 0);
  for (auto& f : app.files) {
    for (auto pos = f.content.find("href=\""); pos != std::string::npos;
         pos = f.content.find("href=\"", pos + 1)) {
      auto target = f.content.substr(pos + 6, f.content.find('"', pos + 6) - pos - 6);
      if (target.find(':') == std::string::npos && target[0] != '#') {
        EXPECT_TRUE(fs::exists(tmp.path / target)) << f.path << " links to " << target;
      }
    }
    auto src = f.content.find("src=\"");
    if (src != std::string::npos) {
      auto script = f.content.substr(src + 5, f.content.find('"', src + 5) - src - 5);
      EXPECT_TRUE(fs::exists(tmp.path / script)) << f.path << " loads " << script;
    }
  }
}

TEST(template_apps_nodetest, crud_api_serves_its_resource) {
  REQUIRE_NODE();
  temp_dir tmp;
  auto app = make_app("an API for books with a dark theme", app_type::api, tmp.path);
  ASSERT_EQ(app.template_name, "crud_api");
  EXPECT_EQ(run(std::string{node} + " --check " + quote(tmp.path / "server.js")).status, 0);
  server_process server{tmp.path};
  ASSERT_TRUE(server.wait_ready()) << run("cat " + quote(tmp.path / "server.log")).output;
  int port = server.port;

  auto index = http(port, "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.json()["resource"], "books");
  auto page = http(port, "GET", "/", "", "text/html");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<h1>Books API</h1>"), std::string::npos);

  auto list = http(port, "GET", "/books");
  ASSERT_EQ(list.status, 200);
  ASSERT_TRUE(list.json().is_array());
  EXPECT_EQ(list.json().size(), 3u);
  EXPECT_EQ(http(port, "GET", "/books?q=dune").json().size(), 1u);

  auto created = http(port, "POST", "/books", R"({"title":"Emma","author":"Jane Austen","year":1815})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = created.json()["id"].get<int>();
  auto path = "/books/" + std::to_string(id);
  EXPECT_NE(created.head.find("Location: " + path), std::string::npos);
  EXPECT_EQ(http(port, "GET", path).json()["title"], "Emma");

  auto invalid = http(port, "POST", "/books", R"({"title":42})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.json()["error"]["code"], "invalid_input");
  EXPECT_EQ(http(port, "POST", "/books", "{not json").status, 400);
  EXPECT_EQ(http(port, "POST", "/books", R"({"title":"x","author":"y","colour":"red"})").status, 400);

  auto replaced = http(port, "PUT", path, R"({"title":"Emma","author":"J. Austen"})");
  EXPECT_EQ(replaced.status, 200);
  EXPECT_EQ(replaced.json()["author"], "J. Austen");
  EXPECT_FALSE(replaced.json().contains("year"));
  EXPECT_EQ(http(port, "PUT", path, R"({"title":"Emma"})").status, 400);
  auto patched = http(port, "PATCH", path, R"({"read":true})");
  EXPECT_EQ(patched.status, 200);
  EXPECT_EQ(patched.json()["read"], true);
  EXPECT_EQ(patched.json()["title"], "Emma");

  EXPECT_EQ(http(port, "DELETE", path).status, 204);
  auto gone = http(port, "GET", path);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.json()["error"]["code"], "not_found");
  EXPECT_EQ(http(port, "GET", "/books/abc").status, 400);
  EXPECT_EQ(http(port, "DELETE", "/books").status, 405);
  EXPECT_EQ(http(port, "GET", "/nothing-here").status, 404);
  EXPECT_EQ(http(port, "GET", "/books").json().size(), 3u);
}

TEST(template_apps_nodetest, generic_api_answers_its_endpoints) {
  REQUIRE_NODE();
  temp_dir tmp;
  auto app = make_app("a hello world API </script>", app_type::api, tmp.path);
  ASSERT_EQ(app.template_name, "generic_api");
  server_process server{tmp.path};
  ASSERT_TRUE(server.wait_ready()) << run("cat " + quote(tmp.path / "server.log")).output;
  int port = server.port;
  EXPECT_EQ(http(port, "GET", "/").status, 200);
  auto page = http(port, "GET", "/", "", "text/html");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("</script>"), std::string::npos);
  EXPECT_EQ(http(port, "GET", "/hello?name=Ada").json()["message"], "Hello, Ada!");
  EXPECT_TRUE(http(port, "GET", "/time").json()["iso"].is_string());
  EXPECT_EQ(http(port, "GET", "/time?tz=Not/AZone").status, 400);
  auto echo = http(port, "POST", "/echo?x=1", R"({"hello":"world"})");
  EXPECT_EQ(echo.json()["body"]["hello"], "world");
  EXPECT_EQ(echo.json()["query"]["x"], "1");
  auto roll = http(port, "GET", "/random?min=1&max=6").json()["value"].get<int>();
  EXPECT_TRUE(roll >= 1 && roll <= 6);
  EXPECT_EQ(http(port, "GET", "/random?min=5&max=1").status, 400);
  EXPECT_EQ(http(port, "PUT", "/kv/greeting", R"("bonjour")").status, 201);
  EXPECT_EQ(http(port, "GET", "/kv/greeting").json()["value"], "bonjour");
  EXPECT_EQ(http(port, "DELETE", "/kv/greeting").status, 204);
  EXPECT_EQ(http(port, "GET", "/kv/greeting").status, 404);
}

TEST(template_apps_nodetest, every_template_script_is_javascript) {
  REQUIRE_NODE();
  temp_dir tmp;
  int checked = 0;
  for (auto& path : template_paths()) {
    if (path.size() < 3 || path.compare(path.size() - 3, 3, ".js") != 0)
      continue;
    SCOPED_TRACE(path);
    // Server and script sources take their CONFIG literal at generation.
    auto text = substitute(template_text(path), {{"CONFIG", "{}"}});
    auto file = tmp.path / ("check" + std::to_string(checked++) + ".js");
    write_file(file, text);
    auto check = run(std::string{node} + " --check " + quote(file));
    EXPECT_EQ(check.status, 0) << check.output;
  }
  EXPECT_GE(checked, 30);
}

TEST(template_apps_nodetest, shortener_api_shortens_and_redirects) {
  REQUIRE_NODE();
  temp_dir tmp;
  auto app = make_app("a URL shortener API", app_type::api, tmp.path);
  ASSERT_EQ(app.template_name, "shortener_api");
  server_process server{tmp.path};
  ASSERT_TRUE(server.wait_ready()) << run("cat " + quote(tmp.path / "server.log")).output;
  int port = server.port;
  auto made = http(port, "POST", "/shorten", R"({"url":"https://example.org/a/long/path"})");
  ASSERT_EQ(made.status, 201) << made.body;
  auto code = made.json()["code"].get<std::string>();
  auto hop = http(port, "GET", "/" + code);
  EXPECT_EQ(hop.status, 302);
  EXPECT_NE(hop.head.find("Location: https://example.org/a/long/path"), std::string::npos);
  EXPECT_EQ(http(port, "GET", "/links/" + code).json()["clicks"], 1);
  // The same URL gives the same code; a custom code is kept; a taken one is refused.
  EXPECT_EQ(http(port, "POST", "/shorten", R"({"url":"https://example.org/a/long/path"})")
              .json()["code"], code);
  EXPECT_EQ(http(port, "POST", "/shorten", R"({"url":"https://example.com","code":"home"})").status, 201);
  EXPECT_EQ(http(port, "POST", "/shorten", R"({"url":"https://example.net","code":"home"})").status, 409);
  EXPECT_EQ(http(port, "POST", "/shorten", R"x({"url":"javascript:alert(1)"})x").status, 400);
  EXPECT_EQ(http(port, "POST", "/shorten", "{oops").status, 400);
  EXPECT_EQ(http(port, "GET", "/links").json().size(), 2u);
  EXPECT_EQ(http(port, "DELETE", "/links/home").status, 204);
  EXPECT_EQ(http(port, "GET", "/home").status, 404);
}

TEST(template_apps_nodetest, key_value_api_keeps_what_was_put) {
  REQUIRE_NODE();
  temp_dir tmp;
  auto app = make_app("a key-value store API", app_type::api, tmp.path);
  ASSERT_EQ(app.template_name, "kv_api");
  server_process server{tmp.path};
  ASSERT_TRUE(server.wait_ready()) << run("cat " + quote(tmp.path / "server.log")).output;
  int port = server.port;
  EXPECT_EQ(http(port, "PUT", "/keys/colour", R"("blue")").status, 201);
  EXPECT_EQ(http(port, "PUT", "/keys/colour", R"({"name":"teal"})").status, 200);
  EXPECT_EQ(http(port, "GET", "/keys/colour").json()["value"]["name"], "teal");
  EXPECT_EQ(http(port, "PUT", "/keys/a%2Fb", "42").status, 201);
  EXPECT_EQ(http(port, "GET", "/keys/a%2Fb").json()["value"], 42);
  EXPECT_EQ(http(port, "GET", "/keys").json().size(), 2u);
  EXPECT_EQ(http(port, "DELETE", "/keys/colour").status, 204);
  EXPECT_EQ(http(port, "GET", "/keys/colour").status, 404);
  EXPECT_EQ(http(port, "GET", "/nothing").status, 404);
}

TEST(template_apps_nodetest, time_api_answers_in_the_city_asked) {
  REQUIRE_NODE();
  temp_dir tmp;
  make_app("an API that returns the current time in Tokyo", app_type::api, tmp.path);
  server_process server{tmp.path};
  ASSERT_TRUE(server.wait_ready()) << run("cat " + quote(tmp.path / "server.log")).output;
  EXPECT_EQ(http(server.port, "GET", "/time").json()["timeZone"], "Asia/Tokyo");
  EXPECT_EQ(http(server.port, "GET", "/time?tz=Europe/Paris").json()["timeZone"], "Europe/Paris");
}

TEST(template_apps_nodetest, scripts_print_their_page) {
  REQUIRE_NODE();
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
    {"print the first 20 fibonacci numbers", {"F(0) to F(19)", "<code>4,181</code>"}},
    {"prime numbers up to 1000", {"<b>168</b>primes", "<b>997</b>largest"}},
    {"the first 10 primes", {"<b>29</b>largest"}},
    {"primes up to 5000000", {"<b>348,513</b>primes"}},
    {"a multiplication table of 7", {"12 \xc3\x97 7", "<b>84</b>"}},
    {"multiplication tables", {"<th>12</th>"}},
    {"factorials up to 25", {"15,511,210,043,330,985,984,000,000"}},
    {"a report on my week: gym 3 times, 45 minute runs </script>", {"Key terms", "45 min"}},
    {"the 20th fibonacci number", {"F(0) to F(19)", "<code>4,181</code>"}},
    {"les nombres premiers jusqu'à 50", {"<b>47</b>largest", "<b>15</b>primes"}},
    {"a multiplication table of 9 from 1 to 20", {"20 \xc3\x97 9", "<b>180</b>"}},
    {"a table of squares from 1 to 15", {"<b>225</b>", "15 rows"}},
    {"a celsius to fahrenheit table from -10 to 40", {"<td>-10</td>", "<b>104</b>"}},
    {"the first 16 powers of 2", {"<b>65,536</b>"}},
    {"fizzbuzz up to 15", {"<b>FizzBuzz</b>", "<b>Fizz</b>", "<b>14</b>"}}};
  REQUIRE_NODE();
  temp_dir tmp;
  int n = 0;
  for (auto& [prompt, expected] : cases) {
    SCOPED_TRACE(prompt);
    auto dir = tmp.path / ("script" + std::to_string(n++));
    auto app = make_app(prompt, app_type::script, dir);
    EXPECT_EQ(run(std::string{node} + " --check " + quote(dir / "main.js")).status, 0);
    auto start = std::chrono::steady_clock::now();
    auto out = run("cd " + quote(dir) + " && timeout 25 " + node + " main.js");
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(out.status, 0) << out.output;
    EXPECT_LT(took, std::chrono::seconds(10));
    EXPECT_EQ(out.output.rfind("<!doctype html>", 0), 0u) << out.output.substr(0, 200);
    EXPECT_EQ(out.output.find("</script>"), std::string::npos);
    for (auto& e : expected)
      EXPECT_NE(out.output.find(e), std::string::npos) << app.template_name << " lacks " << e;
  }
}
