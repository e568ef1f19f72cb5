// spawnctl: the command-line client of spawnd's API (DESIGN §5).
//
// Exit codes: 0 ok; 1 the session failed or the server answered an error;
// 2 usage; 3 the server cannot be reached; 4 not found; 5 refused (token).

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/generated_app.hpp"
#include "infra/archive_extract.hpp"
#include "infra/http_client.hpp"

namespace {

using nlohmann::json;

constexpr const char* usage = R"(usage: spawnctl [--server URL] [--api-key KEY] [--json] COMMAND ...

  create "PROMPT" [--type webapp|api|script|site] [--ttl SECONDS] [--wait]
  ls [--state STATE] [--limit N]
  status ID
  logs ID [-f]
  extend ID [--seconds N]
  rm ID
  files ID -o DIR
  say ID "PROMPT" [--no-wait]   a follow-up turn; waits until its version is live
  versions ID
  diff ID A B                   unified diff of versions A and B
  rollback ID N [--no-wait]     serve stored version N again (as a new version)
  deploy DIR [--ttl S] [--to ID] [--watch]
                                uploads a folder (skipping node_modules, .git and
                                what DIR/.spawnignore lists), waits until it serves;
                                --to ID: a new version of that session; --watch:
                                redeploys it to the same session on every change
  domains add ID DOMAIN         attach a custom domain; prints the DNS record to create
  domains list ID               the custom domains and their DNS records
  domains rm ID DOMAIN          detach a custom domain

  admin sessions [--state S] [--owner O] [--node N] [--live true|false] [--limit N]
  admin show ID        the live actor's own account of the session
  admin restart ID     restart a wedged session actor from the store
  admin rm ID          destroy without the manage token
  admin nodes | admin stats
  admin hosts                          the Docker hosts: state, capacity, usage, droplet costs
  admin hosts add ID tcp://H:2376 [--private ADDR] [--capacity N] [--memory-mb N] [--tier T]
  admin hosts drain ID                 no new apps on host ID
  admin hosts rm ID                    forget host ID (it must run nothing, or be gone)
  admin hosts costs [--host ID] [--node N] [--kind droplet|droplet_idle] [--limit N] [--offset N]
                                       droplet hours in cost_items, with the sessions each carried

The server defaults to $SPAWN_SERVER or http://127.0.0.1:8080. Manage tokens
returned by create are kept in ~/.spawnctl/tokens.json (or pass --token); a
session's prompt, log and files are private: status, logs and files send it.
When the server requires API keys, pass --api-key or set $SPAWN_API_KEY.
Admin commands need --admin-token or $SPAWN_ADMIN_TOKEN.
Exit codes: 0 ok, 1 failed/error, 2 usage, 3 unreachable, 4 not found, 5 refused.
)";

struct options {
  std::string server;
  bool as_json = false;
  std::string token;
  std::string api_key; ///< sent as Authorization: Bearer
  std::string admin_token; ///< sent instead of the API key by admin commands
  std::vector<std::string> args;
};

struct reply {
  long status = 0;
  json body;
};

int exit_for(long status) {
  if (status == 404)
    return 4;
  if (status == 401 || status == 403)
    return 5;
  return status >= 400 ? 1 : 0;
}

/// One API call; exits 3 when the server cannot be reached.
reply call(const options& o, const std::string& method, const std::string& path,
           const std::string& body = {}, const std::string& token = {},
           const std::string& content_type = "application/json") {
  spawn::http_request req;
  req.method = method;
  req.url = o.server + path;
  req.body = body;
  req.timeout_ms = 120000;
  if (!body.empty())
    req.headers.emplace_back("Content-Type", content_type);
  if (!token.empty())
    req.headers.emplace_back("X-Manage-Token", token);
  if (!o.api_key.empty())
    req.headers.emplace_back("Authorization", "Bearer " + o.api_key);
  auto res = spawn::perform(req);
  if (!res) {
    std::cerr << "spawnctl: cannot reach " << o.server << ": " << spawn::message_of(res.error())
              << "\n";
    std::exit(3);
  }
  reply r{res->status, json::parse(res->body, nullptr, false)};
  if (r.body.is_discarded())
    r.body = json{{"raw", res->body}};
  return r;
}

int fail_with(const options& o, const reply& r) {
  if (o.as_json)
    std::cout << r.body.dump(2) << "\n";
  else
    std::cerr << "spawnctl: " << r.body.value("/error/message"_json_pointer, "HTTP " + std::to_string(r.status)) << "\n";
  return exit_for(r.status);
}

std::filesystem::path token_file() {
  const char* home = std::getenv("HOME");
  return std::filesystem::path{home ? home : "."} / ".spawnctl" / "tokens.json";
}

json load_tokens() {
  std::ifstream in{token_file()};
  auto j = json::parse(in, nullptr, false);
  return j.is_object() ? j : json::object();
}

void save_token(const std::string& id, const std::string& token) {
  auto all = load_tokens();
  all[id] = token;
  std::filesystem::create_directories(token_file().parent_path());
  std::ofstream{token_file()} << all.dump(2);
  std::filesystem::permissions(token_file(), std::filesystem::perms::owner_read
                                                | std::filesystem::perms::owner_write);
}

std::string token_for(const options& o, const std::string& id) {
  if (!o.token.empty())
    return o.token;
  return load_tokens().value(id, std::string{});
}

void print_session(const options& o, const json& s) {
  if (o.as_json) {
    std::cout << s.dump(2) << "\n";
    return;
  }
  std::cout << s.value("id", "") << "  " << s.value("state", "") << " (" << s.value("progress", 0)
            << "%)  " << s.value("app_type", "") << "\n  " << s.value("message", "") << "\n";
  if (s.contains("app_url") && s["app_url"].is_string())
    std::cout << "  app: " << s["app_url"].get<std::string>() << "\n";
  if (s.contains("failure_reason"))
    std::cout << "  failed: " << s["failure_reason"].get<std::string>() << "\n";
}

/// Polls until the session is running or over; draws a bar on a terminal.
int wait_running(const options& o, const std::string& id) {
  bool tty = isatty(STDERR_FILENO);
  std::string last;
  for (int i = 0; i < 1200; ++i) {
    auto r = call(o, "GET", "/api/v1/sessions/" + id, {}, token_for(o, id));
    if (r.status != 200)
      return fail_with(o, r);
    auto state = r.body.value("state", "");
    int pct = r.body.value("progress", 0);
    if (tty) {
      std::string bar(static_cast<size_t>(pct / 5), '#');
      std::fprintf(stderr, "\r[%-20s] %3d%% %-13s", bar.c_str(), pct, state.c_str());
    } else if (state != last) {
      std::fprintf(stderr, "%s %d%%\n", state.c_str(), pct);
    }
    last = state;
    if (state == "running" || state == "failed" || state == "destroying" || state == "destroyed") {
      if (tty)
        std::fprintf(stderr, "\n");
      print_session(o, r.body);
      return state == "running" ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{250});
  }
  std::cerr << "spawnctl: gave up waiting\n";
  return 1;
}

int create(const options& o) {
  if (o.args.size() < 2)
    return std::cerr << usage, 2;
  json body{{"prompt", o.args[1]}, {"app_type", "webapp"}};
  bool wait = false;
  for (size_t i = 2; i < o.args.size(); ++i) {
    auto& a = o.args[i];
    if (a == "--wait")
      wait = true;
    else if (a == "--type" && i + 1 < o.args.size())
      body["app_type"] = o.args[++i];
    else if (a == "--ttl" && i + 1 < o.args.size())
      body["ttl_seconds"] = std::atoll(o.args[++i].c_str());
    else
      return std::cerr << "spawnctl: unknown option " << a << "\n" << usage, 2;
  }
  auto r = call(o, "POST", "/api/v1/sessions", body.dump());
  if (r.status != 201)
    return fail_with(o, r);
  auto id = r.body.value("id", "");
  save_token(id, r.body.value("manage_token", ""));
  if (!wait) {
    print_session(o, r.body);
    return 0;
  }
  return wait_running(o, id);
}

// --- turns and versions (issue 15) ----------------------------------------------

/// Waits for turn `n` of session `id` to end, with a bar on a terminal; exit 0
/// when it made a version, 1 when it failed or made none.
int wait_turn(const options& o, const std::string& id, int n) {
  bool tty = isatty(STDERR_FILENO);
  auto started = std::chrono::steady_clock::now();
  int64_t after = 0;
  std::string step = "accepted";
  for (int i = 0; i < 2400; ++i) {
    auto evs = call(o, "GET", "/api/v1/sessions/" + id + "/events?after=" + std::to_string(after));
    if (evs.status == 200)
      for (auto& ev : evs.body["events"]) {
        after = std::max<int64_t>(after, ev.value("seq", int64_t{0}));
        step = ev.value("message", step);
        if (!tty)
          std::fprintf(stderr, "%s\n", step.c_str());
      }
    auto r = call(o, "GET", "/api/v1/sessions/" + id + "/messages", {}, token_for(o, id));
    if (r.status != 200)
      return fail_with(o, r);
    const json* answer = nullptr;
    for (auto& m : r.body["messages"])
      if (m.value("role", "") == "assistant" && m.value("turn", 0) == n)
        answer = &m;
    if (tty) {
      auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      int pct = answer ? 100 : std::min(90, 10 + static_cast<int>(secs * 20));
      std::string bar(static_cast<size_t>(pct / 5), '#');
      std::fprintf(stderr, "\r[%-20s] %3d%% %-50.50s", bar.c_str(), pct, step.c_str());
    }
    if (answer) {
      if (tty)
        std::fprintf(stderr, "\n");
      if (o.as_json)
        std::cout << answer->dump(2) << "\n";
      else
        std::cout << "turn " << n << ": " << answer->value("status", "") << "\n  "
                  << answer->value("text", "") << "\n";
      return answer->value("status", "") == "done" ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{250});
  }
  std::cerr << "spawnctl: gave up waiting\n";
  return 1;
}

/// `say ID PROMPT` and `rollback ID N`: starts the turn, then waits for it.
int turn(const options& o) {
  auto& cmd = o.args[0];
  if (o.args.size() < 3)
    return std::cerr << usage, 2;
  bool wait = true;
  for (size_t i = 3; i < o.args.size(); ++i) {
    if (o.args[i] == "--no-wait")
      wait = false;
    else
      return std::cerr << "spawnctl: unknown option " << o.args[i] << "\n" << usage, 2;
  }
  auto& id = o.args[1];
  json body;
  if (cmd == "say") {
    body = {{"prompt", o.args[2]}};
  } else {
    char* end = nullptr;
    auto n = std::strtol(o.args[2].c_str(), &end, 10);
    if (!end || *end != '\0' || n < 1)
      return std::cerr << "spawnctl: the version must be a positive integer\n", 2;
    body = {{"version", n}};
  }
  auto path = "/api/v1/sessions/" + id + (cmd == "say" ? "/messages" : "/rollback");
  auto r = call(o, "POST", path, body.dump(), token_for(o, id));
  if (r.status != 202)
    return fail_with(o, r);
  if (!wait) {
    if (o.as_json)
      std::cout << r.body.dump(2) << "\n";
    else
      std::cout << "turn " << r.body.value("turn", 0) << " accepted\n";
    return 0;
  }
  return wait_turn(o, id, r.body.value("turn", 0));
}

// --- uploaded code (issue 18) ------------------------------------------------------

/// What `deploy` leaves out: node_modules, .git, and DIR/.spawnignore's lines.
std::vector<std::string> ignore_patterns(const std::filesystem::path& dir) {
  std::vector<std::string> p{"node_modules/", "/.git", "/.spawnignore"};
  std::ifstream in{dir / ".spawnignore"};
  for (std::string line; std::getline(in, line);)
    p.push_back(line);
  return p;
}

/// A fingerprint of the folder's files (names, sizes, mtimes), to notice edits.
std::string fingerprint(const std::filesystem::path& dir, const std::vector<std::string>& ignore) {
  namespace fs = std::filesystem;
  std::vector<std::string> items;
  std::error_code ec;
  for (fs::recursive_directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
    auto rel = it->path().lexically_relative(dir).generic_string();
    bool is_dir = it->is_directory(ec);
    if (spawn::ignored(rel, is_dir, ignore)) {
      if (is_dir)
        it.disable_recursion_pending();
      continue;
    }
    if (is_dir)
      continue;
    auto t = fs::last_write_time(it->path(), ec).time_since_epoch().count();
    items.push_back(rel + ":" + std::to_string(it->file_size(ec)) + ":" + std::to_string(t));
  }
  std::sort(items.begin(), items.end());
  std::string all;
  for (auto& i : items)
    all += i + "\n";
  return all;
}

/// Sends the folder as a new version of `id`; waits for the turn. 0: live.
int redeploy(const options& o, const std::string& id, const std::string& archive) {
  auto r = call(o, "POST", "/api/v1/sessions/" + id + "/source", archive, token_for(o, id),
                "application/gzip");
  if (r.status != 202)
    return fail_with(o, r);
  return wait_turn(o, id, r.body.value("turn", 0));
}

int deploy(const options& o) {
  if (o.args.size() < 2)
    return std::cerr << usage, 2;
  std::filesystem::path dir{o.args[1]};
  std::string ttl, to;
  bool watch = false;
  for (size_t i = 2; i < o.args.size(); ++i) {
    auto& a = o.args[i];
    if (a == "--watch")
      watch = true;
    else if (a == "--ttl" && i + 1 < o.args.size())
      ttl = o.args[++i];
    else if (a == "--to" && i + 1 < o.args.size())
      to = o.args[++i];
    else
      return std::cerr << "spawnctl: unknown option " << a << "\n" << usage, 2;
  }
  if (!std::filesystem::is_directory(dir))
    return std::cerr << "spawnctl: " << dir << " is not a folder\n", 2;
  auto ignore = ignore_patterns(dir);
  auto packed = spawn::pack_directory(dir.string(), ignore);
  if (!packed)
    return std::cerr << "spawnctl: " << spawn::message_of(packed.error()) << "\n", 1;
  std::fprintf(stderr, "packed %s: %zu KiB\n", dir.c_str(), packed->size() / 1024);
  std::string id = to;
  int rc = 0;
  if (id.empty()) {
    auto r = call(o, "POST", "/api/v1/sessions" + (ttl.empty() ? "" : "?ttl_seconds=" + ttl),
                  *packed, {}, "application/gzip");
    if (r.status != 201)
      return fail_with(o, r);
    id = r.body.value("id", "");
    save_token(id, r.body.value("manage_token", ""));
    if (r.body.contains("source"))
      std::fprintf(stderr, "detected: %s\n", r.body["source"].dump().c_str());
    rc = wait_running(o, id);
  } else {
    rc = redeploy(o, id, *packed);
  }
  // A first version that failed ends it; a redeploy that changed nothing or
  // failed does not stop the watch.
  if (!watch || (to.empty() && rc != 0))
    return rc;
  std::fprintf(stderr, "watching %s (Ctrl-C to stop)\n", dir.c_str());
  auto seen = fingerprint(dir, ignore);
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
    auto now = fingerprint(dir, ignore);
    if (now == seen)
      continue;
    // Debounce: an editor's save is often several writes; wait until still.
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds{300});
      auto again = fingerprint(dir, ignore);
      if (again == now)
        break;
      now = again;
    }
    seen = now;
    auto next = spawn::pack_directory(dir.string(), ignore);
    if (!next) {
      std::cerr << "spawnctl: " << spawn::message_of(next.error()) << "\n";
      continue;
    }
    std::fprintf(stderr, "change seen: redeploying (%zu KiB)\n", next->size() / 1024);
    redeploy(o, id, *next);
  }
}

int versions(const options& o) {
  auto r = call(o, "GET", "/api/v1/sessions/" + o.args[1] + "/versions", {}, token_for(o, o.args[1]));
  if (r.status != 200)
    return fail_with(o, r);
  if (o.as_json) {
    std::cout << r.body.dump(2) << "\n";
    return 0;
  }
  for (auto& v : r.body["versions"]) {
    auto created = v["created_at"].is_string() ? v["created_at"].get<std::string>() : "";
    std::printf("%s v%-3d %s  %3d files %8lld bytes  %s\n",
                v.value("status", "") == "current" ? "*" : " ", v.value("version", 0),
                created.c_str(), v.value("file_count", 0),
                static_cast<long long>(v.value("size_bytes", int64_t{0})),
                v.value("prompt", "").substr(0, 60).c_str());
  }
  return 0;
}

int diff(const options& o) {
  if (o.args.size() < 4)
    return std::cerr << usage, 2;
  auto r = call(o, "GET", "/api/v1/sessions/" + o.args[1] + "/diff?from=" + o.args[2]
                            + "&to=" + o.args[3], {}, token_for(o, o.args[1]));
  if (r.status != 200)
    return fail_with(o, r);
  if (o.as_json)
    std::cout << r.body.dump(2) << "\n";
  else
    for (auto& f : r.body["files"])
      std::cout << f.value("diff", "");
  return 0;
}

int logs(const options& o) {
  if (o.args.size() < 2)
    return std::cerr << usage, 2;
  bool follow = o.args.size() > 2 && o.args[2] == "-f";
  int64_t after = 0;
  for (;;) {
    auto r = call(o, "GET", "/api/v1/sessions/" + o.args[1] + "/events?after=" + std::to_string(after),
                  {}, token_for(o, o.args[1]));
    if (r.status != 200)
      return fail_with(o, r);
    bool over = false;
    for (auto& ev : r.body["events"]) {
      after = std::max<int64_t>(after, ev.value("seq", int64_t{0}));
      if (o.as_json)
        std::cout << ev.dump() << "\n";
      else
        std::cout << ev.value("at", "") << "  " << ev.value("phase", "") << "  "
                  << ev.value("message", "") << "\n";
      over = over || ev.value("phase", "") == "destroyed";
    }
    std::cout.flush();
    if (!follow || over)
      return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
  }
}

int files(const options& o) {
  if (o.args.size() < 4 || o.args[2] != "-o")
    return std::cerr << usage, 2;
  auto r = call(o, "GET", "/api/v1/sessions/" + o.args[1] + "/files", {}, token_for(o, o.args[1]));
  if (r.status != 200)
    return fail_with(o, r);
  std::filesystem::path dir{o.args[3]};
  for (auto& f : r.body["files"]) {
    auto path = f.value("path", "");
    if (!spawn::is_safe_relative_path(path)) {
      std::cerr << "spawnctl: skipped unsafe path " << path << "\n";
      continue;
    }
    std::filesystem::create_directories((dir / path).parent_path());
    std::ofstream{dir / path, std::ios::binary} << f.value("content", "");
    if (!o.as_json)
      std::cout << (dir / path).string() << "\n";
  }
  return 0;
}

/// `?a=x&b=y` from `--a x --b y` (the arguments from `from` on); false on a
/// stray argument.
bool query_of(const options& o, size_t from, std::string& q) {
  for (size_t i = from; i < o.args.size(); i += 2) {
    if (o.args[i].rfind("--", 0) != 0 || i + 1 >= o.args.size())
      return false;
    q += (q.empty() ? "?" : "&") + o.args[i].substr(2) + "=" + o.args[i + 1];
  }
  return true;
}

/// `admin hosts costs [--host ...]`: the host-level cost lines.
template <class Print>
int admin_host_costs(const options& o, Print print) {
  std::string q;
  if (!query_of(o, 3, q))
    return std::cerr << usage, 2;
  auto r = call(o, "GET", "/admin/v1/costs/hosts" + q);
  if (r.status != 200 || o.as_json)
    return print(r, 200);
  for (auto& l : r.body["lines"]) {
    std::cout << l.value("host_id", "") << "  " << l.value("node_id", "") << "  "
              << l.value("kind", "") << "  " << l.value("quantity", 0.0) << " h x $"
              << l.value("unit_price_usd", 0.0) << " = $" << l.value("amount_usd", 0.0);
    if (l.contains("sessions"))
      std::cout << "  (" << l.value("sessions", 0) << " sessions billed $"
                << l.value("sessions_billed_usd", 0.0) << ")";
    std::cout << "\n";
  }
  auto& t = r.body["totals"];
  std::cout << "droplets $" << t.value("droplet_usd", 0.0) << ", idle $"
            << t.value("droplet_idle_usd", 0.0) << "; their sessions billed $"
            << t.value("sessions_billed_usd", 0.0) << "\n";
  return 0;
}

/// `admin hosts [add|drain|rm|costs]` (issue 17).
template <class Print>
int admin_hosts(const options& o, Print print) {
  if (o.args.size() == 2) {
    auto r = call(o, "GET", "/admin/v1/hosts");
    if (r.status != 200 || o.as_json)
      return print(r, 200);
    std::cout << "policy " << r.body.value("policy", "") << "\n";
    for (auto& h : r.body["hosts"]) {
      std::cout << h.value("id", "") << "  " << h.value("state", "") << "  "
                << h.value("kind", "") << "  " << h.value("address", "") << "  apps on "
                << h.value("private_address", "") << "  "
                << h["usage"].value("sessions", 0) << "/" << h["capacity"].value("sessions", 0)
                << " (+" << h["usage"].value("warm", 0) << " warm)";
      if (h["cost"].is_object())
        std::cout << "  $" << h["cost"].value("usd", 0.0) << " so far";
      std::cout << "\n";
    }
    if (auto& c = r.body["droplet_costs"]; c.is_object() && !c["droplets"].empty())
      std::cout << "droplets: $" << c.value("usd", 0.0) << " (sessions $" << c.value("sessions_usd", 0.0)
                << ", idle $" << c.value("idle_usd", 0.0) << ") over " << c["droplets"].size()
                << " droplets (lines: spawnctl admin hosts costs)\n";
    return 0;
  }
  auto& verb = o.args[2];
  if (verb == "costs")
    return admin_host_costs(o, print);
  if ((verb == "drain" || verb == "rm") && o.args.size() == 4) {
    auto path = "/admin/v1/hosts/" + o.args[3];
    return verb == "drain" ? print(call(o, "POST", path + "/drain"), 200)
                           : print(call(o, "DELETE", path), 200);
  }
  if (verb == "add" && o.args.size() >= 5 && o.args.size() % 2 == 1) {
    nlohmann::json body{{"id", o.args[3]}, {"address", o.args[4]}};
    for (size_t i = 5; i + 1 < o.args.size(); i += 2) {
      auto& flag = o.args[i];
      auto& value = o.args[i + 1];
      try {
        if (flag == "--private")
          body["private_address"] = value;
        else if (flag == "--tier")
          body["tier"] = value;
        else if (flag == "--capacity")
          body["capacity_sessions"] = std::stoll(value);
        else if (flag == "--memory-mb")
          body["capacity_memory_mb"] = std::stoll(value);
        else
          return std::cerr << "spawnctl: unknown option " << flag << "\n" << usage, 2;
      } catch (const std::exception&) {
        return std::cerr << "spawnctl: " << flag << " needs a number\n", 2;
      }
    }
    return print(call(o, "POST", "/admin/v1/hosts", body.dump()), 201);
  }
  return std::cerr << usage, 2;
}

/// The admin API (/admin/v1): every session of every owner, the actors.
int admin(options o) {
  if (o.args.size() < 2)
    return std::cerr << usage, 2;
  if (o.admin_token.empty()) {
    std::cerr << "spawnctl: admin commands need --admin-token or $SPAWN_ADMIN_TOKEN\n";
    return 2;
  }
  o.api_key = o.admin_token;
  auto& sub = o.args[1];
  auto print = [&](const reply& r, long ok) {
    if (r.status != ok)
      return fail_with(o, r);
    std::cout << r.body.dump(2) << "\n";
    return 0;
  };
  if (sub == "sessions") {
    std::string q;
    if (!query_of(o, 2, q))
      return std::cerr << usage, 2;
    auto r = call(o, "GET", "/admin/v1/sessions" + q);
    if (r.status != 200 || o.as_json)
      return print(r, 200);
    for (auto& x : r.body["sessions"])
      std::cout << x.value("id", "") << "  " << x.value("state", "") << "  "
                << x.value("owner", "") << "  " << x.value("node_id", "") << "  "
                << (x.value("actor_alive", false) ? "actor" : "-") << "  "
                << x.value("prompt", "").substr(0, 40) << "\n";
    return 0;
  }
  if (sub == "nodes" || sub == "stats")
    return print(call(o, "GET", "/admin/v1/" + sub), 200);
  if (sub == "hosts")
    return admin_hosts(o, print);
  if (o.args.size() < 3)
    return std::cerr << usage, 2;
  auto path = "/admin/v1/sessions/" + o.args[2];
  if (sub == "show")
    return print(call(o, "GET", path), 200);
  if (sub == "restart")
    return print(call(o, "POST", path + "/restart"), 200);
  if (sub == "rm") {
    auto r = call(o, "DELETE", path);
    return r.status == 202 ? (print_session(o, r.body), 0) : fail_with(o, r);
  }
  std::cerr << "spawnctl: unknown admin command " << sub << "\n" << usage;
  return 2;
}

/// `domains add|list|rm ID [DOMAIN]` (issue 18).
int domains(const options& o) {
  if (o.args.size() < 3)
    return std::cerr << usage, 2;
  auto& sub = o.args[1];
  auto& id = o.args[2];
  auto path = "/api/v1/sessions/" + id + "/domains";
  auto print_dns = [](const json& d) {
    std::cout << d.value("domain", "") << "  " << d.value("url", "") << "\n  DNS: "
              << d.value("/dns/name"_json_pointer, "") << "  "
              << d.value("/dns/type"_json_pointer, "") << "  "
              << d.value("/dns/value"_json_pointer, "") << "\n";
  };
  reply r;
  if (sub == "list") {
    r = call(o, "GET", path, {}, token_for(o, id));
  } else if ((sub == "add" || sub == "rm") && o.args.size() >= 4) {
    r = sub == "add" ? call(o, "POST", path, json{{"domain", o.args[3]}}.dump(), token_for(o, id))
                     : call(o, "DELETE", path + "/" + o.args[3], {}, token_for(o, id));
  } else {
    return std::cerr << usage, 2;
  }
  if (r.status >= 300)
    return fail_with(o, r);
  if (o.as_json)
    std::cout << r.body.dump(2) << "\n";
  else if (sub == "add")
    print_dns(r.body);
  else
    for (auto& d : r.body.value("domains", json::array()))
      print_dns(d);
  return 0;
}

int run(const options& o) {
  auto& cmd = o.args[0];
  if (cmd == "admin")
    return admin(o);
  if (cmd == "domains")
    return domains(o);
  auto need_id = [&] { return o.args.size() >= 2; };
  if (cmd == "deploy")
    return deploy(o);
  if (cmd == "create")
    return create(o);
  if (cmd == "ls") {
    std::string q = "?limit=50";
    for (size_t i = 1; i + 1 < o.args.size(); i += 2)
      q += "&" + o.args[i].substr(2) + "=" + o.args[i + 1];
    auto r = call(o, "GET", "/api/v1/sessions" + q);
    if (r.status != 200)
      return fail_with(o, r);
    if (o.as_json)
      std::cout << r.body.dump(2) << "\n";
    else
      for (auto& s : r.body["sessions"])
        std::cout << s.value("id", "") << "  " << s.value("state", "") << "  "
                  << s.value("app_type", "") << "  " << s.value("prompt", "").substr(0, 50) << "\n";
    return 0;
  }
  if (!need_id())
    return std::cerr << usage, 2;
  auto path = "/api/v1/sessions/" + o.args[1];
  if (cmd == "status") {
    auto r = call(o, "GET", path, {}, token_for(o, o.args[1]));
    return r.status == 200 ? (print_session(o, r.body), 0) : fail_with(o, r);
  }
  if (cmd == "logs")
    return logs(o);
  if (cmd == "files")
    return files(o);
  if (cmd == "say" || cmd == "rollback")
    return turn(o);
  if (cmd == "versions")
    return versions(o);
  if (cmd == "diff")
    return diff(o);
  if (cmd == "rm" || cmd == "extend") {
    json body = json::object();
    if (cmd == "extend" && o.args.size() >= 4 && o.args[2] == "--seconds")
      body["seconds"] = std::atoll(o.args[3].c_str());
    auto r = cmd == "rm" ? call(o, "DELETE", path, {}, token_for(o, o.args[1]))
                         : call(o, "POST", path + "/extend", body.dump(), token_for(o, o.args[1]));
    return r.status < 300 ? (print_session(o, r.body), 0) : fail_with(o, r);
  }
  std::cerr << "spawnctl: unknown command " << cmd << "\n" << usage;
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  const char* env = std::getenv("SPAWN_SERVER");
  o.server = env ? env : "http://127.0.0.1:8080";
  if (const char* key = std::getenv("SPAWN_API_KEY"))
    o.api_key = key;
  if (const char* admin = std::getenv("SPAWN_ADMIN_TOKEN"))
    o.admin_token = admin;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h")
      return std::cout << usage, 0;
    if (a == "--json")
      o.as_json = true;
    else if (a == "--server" && i + 1 < argc)
      o.server = argv[++i];
    else if (a == "--token" && i + 1 < argc)
      o.token = argv[++i];
    else if (a == "--api-key" && i + 1 < argc)
      o.api_key = argv[++i];
    else if (a == "--admin-token" && i + 1 < argc)
      o.admin_token = argv[++i];
    else
      o.args.push_back(a);
  }
  while (!o.server.empty() && o.server.back() == '/')
    o.server.pop_back();
  if (o.args.empty())
    return std::cerr << usage, 2;
  return run(o);
}
