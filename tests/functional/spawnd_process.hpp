#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <sys/types.h>

#include "infra/http_client.hpp"

namespace spawn::test {

/// How to start one spawnd for a test or a benchmark.
struct spawnd_options {
  /// `SPAWN_*` overrides given to the child on top of the ones the helper sets
  /// itself (SPAWN_HTTP_ADDRESS, SPAWN_HTTP_PORT, SPAWN_NODE_ID,
  /// SPAWN_NODE_STATE_DIR, and generous SPAWN_LIMITS_CREATIONS_PER_WINDOW and
  /// SPAWN_LIMITS_ACTIVE_PER_OWNER); an entry here wins over those.
  std::map<std::string, std::string> env;
  /// Config file; empty: configs/spawnd.json of the source tree when present,
  /// otherwise an empty `{}` written into the state dir (defaults + env).
  std::string config_file;
  /// Prefix of the node id, the state dir and the log file.
  std::string name = "functest";
  /// The loopback address it listens on (several nodes of a cluster: 127.0.0.11, ...).
  std::string address = "127.0.0.1";
  /// How long to wait for the "listening" line and a 200 from /healthz.
  std::chrono::milliseconds start_timeout{30000};
  /// Also wait for /readyz to answer 200.
  bool wait_ready = false;
  /// Keep the state dir after stop (the log file is always kept).
  bool keep_state_dir = false;
  /// Like the web UI and spawnctl, `call` shows the manage token of a session
  /// created through any spawnd_process (see `known_manage_token`) on its GETs
  /// of /api/v1/sessions/<id>...; false for tests of what anonymous callers see.
  bool show_known_tokens = true;
};

/// Notes the manage token of session `id` (thread-safe, for the whole test
/// process): `spawnd_process::call` does it for every 201 of POST
/// /api/v1/sessions, so tests read their sessions as their owner would.
void remember_manage_token(const std::string& id, const std::string& token);

/// The manage token noted for session `id`, or "".
std::string known_manage_token(const std::string& id);

/// A spawnd child process with its own free port, state dir and node id.
///
/// The child's environment is the parent's without any `SPAWN_*` variable
/// (so a developer's shell cannot leak into a test), plus the overrides. Its
/// stdout and stderr go to `log_path()`. The destructor stops it: SIGTERM,
/// then SIGKILL after the grace period. The child also gets SIGTERM when the
/// parent dies (PR_SET_PDEATHSIG), so a crashed test leaves no daemon behind.
class spawnd_process {
public:
  explicit spawnd_process(spawnd_options opts = {});
  spawnd_process(const spawnd_process&) = delete;
  spawnd_process& operator=(const spawnd_process&) = delete;
  ~spawnd_process();

  /// Starts the child and waits until it listens and /healthz answers 200.
  /// False on failure, with `error()` holding the reason and the log's tail.
  /// Retries with another port when the chosen one was taken meanwhile.
  bool start();

  /// Sends SIGTERM, waits up to `grace`, then SIGKILLs. Returns the exit
  /// status (128 + signal when killed by one, -1 when it was not running).
  /// Then removes every Docker container still labelled with this node id
  /// (node ids are unique per process, so nobody else will claim them); their
  /// names are in `leftover_containers()`.
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds{15000});

  /// Sends `sig` (SIGKILL for a crash, SIGTERM for a stop) and waits up to
  /// `grace` for the exit (then SIGKILL). Unlike `stop`, the node's containers
  /// stay: a later `start` is a restart of the same node (same id and state
  /// dir). Returns the exit status as `stop` does.
  int signal_and_wait(int sig, std::chrono::milliseconds grace = std::chrono::milliseconds{15000});
  /// Containers of this node that were still there after the child exited.
  const std::vector<std::string>& leftover_containers() const noexcept {
    return leftovers_;
  }

  /// True while the child has not exited.
  bool running();

  /// One HTTP call to this spawnd: `path` starts with '/'.
  caf::expected<http_response>
  call(const std::string& method, const std::string& path, const std::string& body = {},
       std::vector<std::pair<std::string, std::string>> headers = {},
       long timeout_ms = 10000) const;

  int port() const noexcept {
    return port_;
  }

  pid_t pid() const noexcept {
    return pid_;
  }

  /// http://<address>:<port>
  std::string base_url() const;

  const std::string& node_id() const noexcept {
    return node_id_;
  }

  const std::string& state_dir() const noexcept {
    return state_dir_;
  }

  const std::string& log_path() const noexcept {
    return log_path_;
  }

  const std::string& error() const noexcept {
    return error_;
  }

  /// True when the child printed "spawnd listening on http://127.0.0.1:<port>/"
  /// before `start` returned (it is then also given 3 s after /healthz answers).
  bool saw_listening_line() const noexcept {
    return saw_listening_line_;
  }

  /// The last `lines` lines of the child's output.
  std::string log_tail(size_t lines = 40) const;

private:
  enum class attempt { ok, port_taken, failed };

  attempt try_start(std::chrono::steady_clock::time_point deadline);

  /// Reaps the child without blocking; true when it has exited.
  bool reap(int& status_out);

  /// Removes the containers labelled spawnai.node=<node id>, noting them in
  /// `leftovers_` and the log.
  void remove_leftovers();

  spawnd_options opts_;
  std::string node_id_;
  std::string state_dir_;
  std::string log_path_;
  std::string config_path_;
  std::string error_;
  int port_ = 0;
  pid_t pid_ = -1;
  int exit_status_ = -1;
  bool saw_listening_line_ = false;
  bool started_ = false;
  std::vector<std::string> leftovers_;
};

/// A port on `address` (loopback) that was free a moment ago (bind to port 0).
int free_loopback_port(const std::string& address = "127.0.0.1");

/// True when the functional tests can run: env SPAWN_TEST_DATABASE_URL is set,
/// a Docker engine answers on /var/run/docker.sock, the image
/// spawnai/runtime-node:1 exists and the spawnd binary was built. Otherwise
/// `why` says what is missing and how to provide it.
bool functional_prereqs(std::string& why);

/// The runtime image the functional tests and benchmarks use.
constexpr const char* runtime_image = "spawnai/runtime-node:1";

} // namespace spawn::test
