#include "build_paths.hpp"
#include "tests/functional/spawnd_process.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "infra/docker_engine.hpp"

extern char** environ;

namespace spawn::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

std::string spawnd_binary() {
#ifdef SPAWND_BINARY
  return SPAWND_BINARY;
#else
  return {};
#endif
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  std::ostringstream out;
  out << ::getpid() << '-' << ++counter << '-' << std::hex << (rd() & 0xFFFFFF);
  return out.str();
}

int exit_status_of(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return -1;
}

} // namespace

int free_loopback_port(const std::string& address) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    return 0;
  }
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

spawnd_process::spawnd_process(spawnd_options opts) : opts_(std::move(opts)) {
  node_id_ = opts_.name + "-" + unique_suffix();
}

spawnd_process::~spawnd_process() {
  stop();
  if (!opts_.keep_state_dir && !state_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(state_dir_, ec);
  }
}

std::string spawnd_process::base_url() const {
  return "http://" + opts_.address + ":" + std::to_string(port_);
}

bool spawnd_process::start() {
  error_.clear();
  if (pid_ > 0)
    return true;
  auto binary = spawnd_binary();
  if (binary.empty() || ::access(binary.c_str(), X_OK) != 0) {
    error_ = "no spawnd binary at '" + binary + "' (build it: make spawnd)";
    return false;
  }
  if (state_dir_.empty()) {
    std::string tmpl = "/tmp/spawnai-" + opts_.name + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      error_ = "mkdtemp: " + std::string{std::strerror(errno)};
      return false;
    }
    state_dir_ = tmpl;
    ::chmod(state_dir_.c_str(), 0755);
    log_path_ = state_dir_ + ".log";
  }
  config_path_ = opts_.config_file;
  if (config_path_.empty()) {
    std::string repo_config = std::string{SPAWN_SOURCE_DIR} + "/configs/spawnd.json";
    if (fs::exists(repo_config)) {
      config_path_ = repo_config;
    } else {
      config_path_ = state_dir_ + "/spawnd.json";
      std::ofstream{config_path_} << "{}\n";
    }
  }
  auto deadline = clock_type::now() + opts_.start_timeout;
  for (int i = 0; i < 3; ++i) {
    switch (try_start(deadline)) {
      case attempt::ok:
        return true;
      case attempt::failed:
        return false;
      case attempt::port_taken:
        continue;
    }
  }
  return false;
}

spawnd_process::attempt spawnd_process::try_start(clock_type::time_point deadline) {
  port_ = free_loopback_port(opts_.address);
  if (port_ == 0) {
    error_ = "no free port on " + opts_.address;
    return attempt::failed;
  }
  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls are allowed.
  std::map<std::string, std::string> overrides{
    {"SPAWN_HTTP_ADDRESS", opts_.address},
    {"SPAWN_HTTP_PORT", std::to_string(port_)},
    {"SPAWN_NODE_ID", node_id_},
    {"SPAWN_NODE_STATE_DIR", state_dir_},
    // Tests and benchmarks create many sessions from 127.0.0.1: the per-client
    // limits (5 per 15 min, 3 active) would refuse them. Tests of the limits
    // set their own values through `opts.env`.
    {"SPAWN_LIMITS_CREATIONS_PER_WINDOW", "100000"},
    {"SPAWN_LIMITS_ACTIVE_PER_OWNER", "100000"},
  };
  for (auto& [key, value] : opts_.env)
    overrides[key] = value;
  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (std::strncmp(*e, "SPAWN_", 6) != 0)
      env_strings.emplace_back(*e);
  for (auto& [key, value] : overrides)
    env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  auto binary = spawnd_binary();
  std::string config_flag = "--config";
  std::vector<char*> argv{binary.data(), config_flag.data(), config_path_.data(), nullptr};

  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    error_ = "cannot open " + log_path_ + ": " + std::strerror(errno);
    return attempt::failed;
  }
  auto log_start = static_cast<size_t>(::lseek(log_fd, 0, SEEK_END));
  {
    std::string marker = "=== spawn::test::spawnd_process: starting " + binary + " on port "
                         + std::to_string(port_) + " (node " + node_id_ + ")\n";
    if (::write(log_fd, marker.data(), marker.size()) > 0)
      log_start += marker.size();
  }
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t parent = ::getpid();
  const char* workdir = SPAWN_SOURCE_DIR;
  pid_t pid = ::fork();
  if (pid < 0) {
    error_ = "fork: " + std::string{std::strerror(errno)};
    ::close(log_fd);
    if (null_fd >= 0)
      ::close(null_fd);
    return attempt::failed;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent)
      ::_exit(127);
    if (null_fd >= 0)
      ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    if (::chdir(workdir) != 0)
      ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(log_fd);
  if (null_fd >= 0)
    ::close(null_fd);
  pid_ = pid;
  exit_status_ = -1;
  started_ = true;

  auto listening_line = "spawnd listening on " + base_url() + "/";
  bool saw_line = false;
  auto healthy_since = clock_type::time_point{};
  for (;;) {
    int status = 0;
    if (reap(status)) {
      auto output = read_file(log_path_).substr(log_start);
      if (output.find("in use") != std::string::npos)
        return attempt::port_taken;
      error_ = "spawnd exited with status " + std::to_string(status)
               + " before it served; its output:\n" + log_tail();
      return attempt::failed;
    }
    if (!saw_line)
      saw_line = read_file(log_path_).find(listening_line, log_start) != std::string::npos;
    bool healthy = false;
    if (healthy_since == clock_type::time_point{}) {
      auto res = call("GET", "/healthz", {}, {}, 1000);
      healthy = res && res->status == 200;
      if (healthy)
        healthy_since = clock_type::now();
    }
    bool ready = true;
    if (opts_.wait_ready && healthy_since != clock_type::time_point{}) {
      auto res = call("GET", "/readyz", {}, {}, 1000);
      ready = res && res->status == 200;
    }
    // A line still in stdio's buffer gets a moment after /healthz answers.
    bool line_ok = saw_line || (healthy_since != clock_type::time_point{}
                                && clock_type::now() - healthy_since > 3s);
    if (healthy_since != clock_type::time_point{} && ready && line_ok) {
      saw_listening_line_ = saw_line;
      return attempt::ok;
    }
    if (clock_type::now() > deadline) {
      error_ = std::string{"spawnd did not "}
               + (healthy_since == clock_type::time_point{} ? "answer 200 on /healthz"
                                                            : "answer 200 on /readyz")
               + " within " + std::to_string(opts_.start_timeout.count())
               + " ms; its output:\n" + log_tail();
      stop(2s);
      return attempt::failed;
    }
    std::this_thread::sleep_for(50ms);
  }
}

bool spawnd_process::reap(int& status_out) {
  if (pid_ <= 0) {
    status_out = exit_status_;
    return true;
  }
  int status = 0;
  auto r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0)
    return false;
  exit_status_ = r == pid_ ? exit_status_of(status) : -1;
  pid_ = -1;
  status_out = exit_status_;
  return true;
}

bool spawnd_process::running() {
  int status = 0;
  return !reap(status);
}

int spawnd_process::stop(std::chrono::milliseconds grace) {
  int status = 0;
  if (reap(status)) {
    remove_leftovers();
    return status;
  }
  ::kill(pid_, SIGTERM);
  auto deadline = clock_type::now() + grace;
  while (clock_type::now() < deadline) {
    if (reap(status)) {
      remove_leftovers();
      return status;
    }
    std::this_thread::sleep_for(20ms);
  }
  ::kill(pid_, SIGKILL);
  int raw = 0;
  ::waitpid(pid_, &raw, 0);
  pid_ = -1;
  exit_status_ = exit_status_of(raw);
  remove_leftovers();
  return exit_status_;
}

int spawnd_process::signal_and_wait(int sig, std::chrono::milliseconds grace) {
  int status = 0;
  if (reap(status))
    return status;
  ::kill(pid_, sig);
  auto deadline = clock_type::now() + grace;
  while (clock_type::now() < deadline) {
    if (reap(status))
      return status;
    std::this_thread::sleep_for(5ms);
  }
  ::kill(pid_, SIGKILL);
  int raw = 0;
  ::waitpid(pid_, &raw, 0);
  pid_ = -1;
  exit_status_ = exit_status_of(raw);
  return exit_status_;
}

void spawnd_process::remove_leftovers() {
  if (!started_)
    return;
  started_ = false;
  docker_engine engine;
  auto all = engine.list_labelled("spawnai.node");
  if (!all)
    return;
  std::ofstream log{log_path_, std::ios::app};
  for (auto& c : *all) {
    auto node = c.labels.find("spawnai.node");
    if (node == c.labels.end() || node->second != node_id_)
      continue;
    leftovers_.push_back(c.name);
    engine.remove(c.id);
    log << "=== spawn::test::spawnd_process: removed leftover container " << c.name << " ("
        << c.state << ")\n";
  }
}

caf::expected<http_response>
spawnd_process::call(const std::string& method, const std::string& path, const std::string& body,
                     std::vector<std::pair<std::string, std::string>> headers,
                     long timeout_ms) const {
  http_request req;
  req.method = method;
  req.url = base_url() + path;
  req.body = body;
  req.headers = std::move(headers);
  if (!body.empty()) {
    bool has_type = false;
    for (auto& [name, value] : req.headers)
      has_type = has_type || strcasecmp(name.c_str(), "Content-Type") == 0;
    if (!has_type)
      req.headers.emplace_back("Content-Type", "application/json");
  }
  req.timeout_ms = timeout_ms;
  req.connect_timeout_ms = 1000;
  constexpr std::string_view sessions = "/api/v1/sessions";
  if (opts_.show_known_tokens && method == "GET" && path.rfind(sessions, 0) == 0
      && path.size() > sessions.size() + 1 && path[sessions.size()] == '/') {
    auto id = path.substr(sessions.size() + 1, path.find_first_of("/?", sessions.size() + 1)
                                                 - sessions.size() - 1);
    bool has_token = false;
    for (auto& [name, value] : req.headers)
      has_token = has_token || strcasecmp(name.c_str(), "X-Manage-Token") == 0;
    if (auto token = known_manage_token(id); !token.empty() && !has_token)
      req.headers.emplace_back("X-Manage-Token", token);
  }
  auto res = perform(req);
  if (res && res->status == 201 && method == "POST" && path == sessions) {
    auto created = nlohmann::json::parse(res->body, nullptr, false);
    if (created.is_object() && created["id"].is_string() && created["manage_token"].is_string())
      remember_manage_token(created["id"].get<std::string>(),
                            created["manage_token"].get<std::string>());
  }
  return res;
}

namespace {

std::mutex token_book_mutex;
std::map<std::string, std::string> token_book;

} // namespace

void remember_manage_token(const std::string& id, const std::string& token) {
  std::lock_guard<std::mutex> guard{token_book_mutex};
  token_book[id] = token;
}

std::string known_manage_token(const std::string& id) {
  std::lock_guard<std::mutex> guard{token_book_mutex};
  auto i = token_book.find(id);
  return i == token_book.end() ? std::string{} : i->second;
}

std::string spawnd_process::log_tail(size_t lines) const {
  auto text = read_file(log_path_);
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n')
    --pos;
  for (size_t n = 0; n < lines && pos != std::string::npos && pos > 0; ++n)
    pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

bool functional_prereqs(std::string& why) {
  std::vector<std::string> missing;
  auto binary = spawnd_binary();
  if (binary.empty() || ::access(binary.c_str(), X_OK) != 0)
    missing.push_back("the spawnd binary is not built ('" + binary + "'): make spawnd");
  auto dsn = std::getenv("SPAWN_TEST_DATABASE_URL");
  if (dsn == nullptr || *dsn == '\0')
    missing.push_back(
      "SPAWN_TEST_DATABASE_URL is not set: start PostgreSQL with deploy/scripts/postgres.sh "
      "and export SPAWN_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:54329/spawnai_test");
  docker_engine engine;
  if (!engine.ping()) {
    missing.push_back("no Docker engine answers on /var/run/docker.sock: run "
                      "deploy/scripts/dockerd.sh (as root)");
  } else {
    auto exists = engine.image_exists(runtime_image);
    if (!exists)
      missing.push_back("cannot ask Docker for image " + std::string{runtime_image} + ": "
                        + message_of(exists.error()));
    else if (!*exists)
      missing.push_back("image " + std::string{runtime_image}
                        + " is missing: run deploy/runtime/build-images.sh");
  }
  why.clear();
  for (auto& m : missing)
    why += (why.empty() ? "" : "; ") + m;
  return missing.empty();
}

} // namespace spawn::test
