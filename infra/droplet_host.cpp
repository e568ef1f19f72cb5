#include "infra/droplet_host.hpp"

#include <chrono>
#include <sstream>
#include <thread>

#include "core/error.hpp"

namespace spawn {

namespace {

using clock_type = std::chrono::steady_clock;

long ms_since(clock_type::time_point t0) {
  return static_cast<long>(
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count());
}

/// Indents `pem` for a YAML block scalar.
std::string indented(const std::string& pem, const std::string& pad) {
  std::istringstream in{pem};
  std::string line, out;
  while (std::getline(in, line))
    out += pad + line + "\n";
  return out;
}

} // namespace

caf::expected<droplet> provision_droplet(digitalocean& api, const droplet_plan& plan,
                                         const std::function<bool(const droplet&)>& engine_up,
                                         const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& s) {
    if (progress)
      progress(s);
  };
  auto created = api.create(plan.request);
  if (!created) {
    // The API may have made the droplet although its answer was lost or
    // garbled: find it by its tag and name, and destroy it.
    if (code_of(created.error()) != errc::invalid_input
        && code_of(created.error()) != errc::unauthorized && !plan.request.tags.empty())
      if (auto tagged = api.list_tagged(plan.request.tags.front()))
        for (auto& d : *tagged)
          if (d.name == plan.request.name && !api.destroy(d.id))
            say("destroyed droplet " + std::to_string(d.id) + " of a failed create");
    return created.error();
  }
  auto d = created->first;
  say("created droplet " + std::to_string(d.id));
  auto give_up = [&](caf::error err) -> caf::expected<droplet> {
    if (auto gone = api.destroy(d.id))
      return make_error(code_of(err), message_of(err) + "; and destroying droplet "
                                        + std::to_string(d.id) + " failed: " + message_of(gone));
    say("destroyed droplet " + std::to_string(d.id));
    return err;
  };
  auto t0 = clock_type::now();
  for (;;) {
    auto status = api.action_status(created->second);
    if (!status)
      return give_up(status.error());
    if (*status == "completed")
      break;
    if (*status == "errored")
      return give_up(make_error(errc::runtime_failed, "the create action of droplet "
                                                        + std::to_string(d.id) + " errored"));
    if (ms_since(t0) > plan.action_timeout_ms)
      return give_up(make_error(errc::timeout, "droplet " + std::to_string(d.id)
                                                 + " was not created within "
                                                 + std::to_string(plan.action_timeout_ms) + " ms"));
    std::this_thread::sleep_for(std::chrono::milliseconds{plan.poll_ms});
  }
  auto active = api.get(d.id);
  if (!active)
    return give_up(active.error());
  d = *active;
  if (d.public_ip.empty() && d.private_ip.empty())
    return give_up(make_error(errc::runtime_failed,
                              "droplet " + std::to_string(d.id) + " has no IPv4 address"));
  say("droplet " + std::to_string(d.id) + " is " + d.status + " at "
      + (d.private_ip.empty() ? d.public_ip : d.private_ip));
  auto t1 = clock_type::now();
  while (!engine_up(d)) {
    if (ms_since(t1) > plan.engine_timeout_ms)
      return give_up(make_error(errc::timeout, "the Docker engine of droplet "
                                                 + std::to_string(d.id) + " did not answer within "
                                                 + std::to_string(plan.engine_timeout_ms) + " ms"));
    std::this_thread::sleep_for(std::chrono::milliseconds{plan.poll_ms});
  }
  say("engine of droplet " + std::to_string(d.id) + " answers");
  return d;
}

std::string droplet_user_data(const std::string& ca_pem, const std::string& cert_pem,
                              const std::string& key_pem, const std::string& control_plane) {
  std::string y = "#cloud-config\n"
                  "package_update: true\n"
                  "packages: [docker.io, ufw]\n"
                  "write_files:\n";
  auto file = [&](const std::string& path, const std::string& mode, const std::string& text) {
    y += "  - path: " + path + "\n    permissions: '" + mode + "'\n    content: |\n"
         + indented(text, "      ");
  };
  file("/etc/docker/tls/ca.pem", "0644", ca_pem);
  file("/etc/docker/tls/server.pem", "0644", cert_pem);
  file("/etc/docker/tls/server-key.pem", "0600", key_pem);
  file("/etc/systemd/system/docker.service.d/spawnai.conf", "0644",
       "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd -H fd:// -H tcp://0.0.0.0:2376 "
       "--tlsverify --tlscacert=/etc/docker/tls/ca.pem --tlscert=/etc/docker/tls/server.pem "
       "--tlskey=/etc/docker/tls/server-key.pem\n");
  y += "runcmd:\n"
       "  - [ufw, default, deny, incoming]\n"
       "  - [ufw, allow, from, '" + control_plane + "', to, any, port, '2376', proto, tcp]\n"
       "  - [ufw, --force, enable]\n"
       "  - [systemctl, daemon-reload]\n"
       "  - [systemctl, restart, docker]\n"
       "  - [docker, network, create, -o, com.docker.network.bridge.enable_icc=false, spawnai-apps]\n";
  return y;
}

} // namespace spawn
