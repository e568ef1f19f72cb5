#pragma once

#include <string>

#include "infra/container_runtime.hpp"
#include "infra/http_client.hpp"

namespace spawn {

/// Where a Docker Engine API answers: a local unix socket, or a remote engine
/// over TCP + TLS with client certificates (`tcp://host:2376`).
struct docker_endpoint {
  std::string socket = "/var/run/docker.sock"; ///< used when `tcp` is empty
  std::string tcp;       ///< "tcp://host:port" (TLS, --tlsverify on the engine)
  std::string ca_file;   ///< the installation's host CA (PEM)
  std::string cert_file; ///< spawnd's client certificate (PEM)
  std::string key_file;  ///< its key (PEM)
  /// False: the engine's certificate names the host, not its address (a
  /// droplet's); it must still be signed by `ca_file`.
  bool verify_host = true;
  /// The address app ports are published on (the host's private address,
  /// where the edge reaches them).
  std::string publish_address = "127.0.0.1";
};

/// The Docker Engine adapter: `container_runtime` over the Engine API (v1.41)
/// on a local unix socket, through `perform` (libcurl).
///
/// Every container it runs is isolated as DESIGN §6 asks: read-only root, a
/// noexec tmpfs on /tmp, all capabilities dropped, no-new-privileges, memory
/// (swap included), CPU and pids limits, the spec's non-root user, an init
/// process, no restart, the slot directory bound read-only at /srv/slot, and the
/// app port published on 127.0.0.1 only (ephemeral host port).
///
/// A remote engine (TCP) does not share the node's disk: nothing of the node
/// is bind-mounted; /srv/slot is the container's own anonymous volume (removed
/// with it) and `ship_slot` copies the slot in with `PUT /containers/{id}/archive`.
///
/// Error mapping: engine 404 → `errc::not_found`, 409 → `errc::conflict`, no
/// engine on the socket → `errc::unavailable`, a slow engine → `errc::timeout`,
/// anything else → `errc::runtime_failed` with the engine's message. No
/// exception leaves this class. Blocking and stateless: call it from worker
/// actors; one instance may be shared between threads.
class docker_engine : public container_runtime {
public:
  /// Host tasks of a gVisor sandbox itself, added to the pids limit of a
  /// container run under `runsc`. The engine applies the limit to the whole
  /// sandbox: the Sentry's threads, the gofer and, on the ptrace platform, a
  /// stub thread per Sentry thread that runs app code. An idle runtime-node
  /// app counts 12 tasks under runc and 70 under runsc, 93 under 50 open
  /// connections; at the bare tier limit (64 in the tests) the Sentry could
  /// not clone its first thread and died at start ("error initializing first
  /// thread: resource temporarily unavailable", exit 2). With this margin the
  /// app keeps its tier's budget of its own tasks; a fork bomb is still held.
  static constexpr int64_t gvisor_sandbox_pids = 128;

  /// Where the Engine API answers; `api_prefix` pins the API version.
  explicit docker_engine(std::string socket_path = "/var/run/docker.sock",
                         std::string api_prefix = "/v1.41");

  /// An engine at `where` (socket or TCP + TLS).
  explicit docker_engine(docker_endpoint where, std::string api_prefix = "/v1.41");

  /// How long an Engine API call may take unless it says otherwise
  /// (`runtime.docker_timeout_ms`); a start has a minute.
  void set_call_timeout(long ms) {
    call_timeout_ms_ = ms;
  }

  bool ping() override;

  caf::expected<bool> image_exists(const std::string& image) override;

  /// Creates, starts and inspects a container. A container that was created
  /// but could not be started (or inspected) is removed before the error returns.
  caf::expected<container_info> run(const container_spec& spec) override;

  caf::error remove(const std::string& id) override;

  caf::expected<container_info> inspect(const std::string& id) override;

  caf::expected<std::vector<container_info>>
  list_labelled(const std::string& key) override;

  caf::error rename(const std::string& id, const std::string& name) override;
  caf::error pause(const std::string& id) override;
  caf::error unpause(const std::string& id) override;
  caf::error restart(const std::string& id) override;
  caf::expected<int64_t> net_rx_bytes(const std::string& id) override;

  /// A remote engine: the tar of `slot_dir` (infra/slot_archive.hpp) extracted
  /// at /srv/slot of container `id`, running or not. A local engine: nothing.
  caf::error ship_slot(const std::string& id, const std::string& slot_dir) override;

  /// True when this engine is on another machine (TCP): app files are shipped
  /// to it, never bind-mounted from the node.
  bool ships_files() const noexcept {
    return !where_.tcp.empty();
  }

  /// The socket this engine talks through (empty for a TCP engine).
  const std::string& socket_path() const noexcept {
    return socket_path_;
  }

  /// Where this engine answers: its socket path or its tcp:// URL.
  std::string where() const {
    return where_.tcp.empty() ? socket_path_ : where_.tcp;
  }

  std::string address_of(const std::string&) const override {
    return where_.publish_address;
  }

  /// The image as a tar stream (GET /images/{name}/get).
  caf::expected<std::string> save_image(const std::string& image);

  /// Loads an image tar (POST /images/load): how a host without a registry
  /// gets the runtime image.
  caf::error load_image(const std::string& tar);

  /// Builds the Engine API request body of `/containers/create` for `spec`
  /// (exposed so that tests can check it without an engine); `ships_files`:
  /// the slot is a volume of the container instead of a bind of `slot_dir`.
  static std::string create_body(const container_spec& spec,
                                 const std::string& publish_address = "127.0.0.1",
                                 bool ships_files = false);

private:
  long call_timeout_ms_ = 30000;

  /// One Engine API call; `path` starts after the version prefix.
  caf::expected<http_response> call(const std::string& method, const std::string& path,
                                    std::string body = {}, long timeout_ms = -1) const;

  /// Like `call`, then turns any status outside 2xx (and `ok_also`) into an error.
  caf::expected<http_response> call_ok(const std::string& method, const std::string& path,
                                       std::string body = {}, long timeout_ms = -1,
                                       long ok_also = 0) const;

  std::string socket_path_;
  std::string api_prefix_;
  docker_endpoint where_;
};

} // namespace spawn
