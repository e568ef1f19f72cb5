#include "actors/provisioner.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "core/error.hpp"
#include "infra/app_slot.hpp"

namespace spawn {

std::string loopback_url(int host_port, const std::string& address) {
  return "http://" + address + ":" + std::to_string(host_port) + "/";
}

provisioner_actor::behavior_type
provisioner(provisioner_actor::stateful_pointer<provisioner_state> self, node_context ctx,
            std::string session_id) {
  self->state.ctx = std::move(ctx);
  self->state.session_id = std::move(session_id);
  return {
    [=](atoms::acquire, const std::string& tier) -> caf::result<container_lease> {
      auto rp = self->make_response_promise<container_lease>();
      auto& st = self->state;
      self->request(st.ctx.pool, std::chrono::seconds{90}, atoms::acquire::value, tier,
                    st.session_id)
        .then(
          [=](container_lease& lease) mutable {
            if (!lease.warm) {
              rp.deliver(std::move(lease));
              return;
            }
            // A warm container gets the session's name, so it can be found by it.
            auto runtime = self->state.ctx.runtime;
            auto name = "spawnai-" + self->state.session_id;
            blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                          [runtime, lease, name]() -> caf::expected<container_lease> {
                            auto copy = lease;
                            auto err = runtime->rename(lease.container.id, name);
                            if (err && code_of(err) == errc::conflict
                                && !free_container_name(*runtime, name, lease.container.id))
                              err = runtime->rename(lease.container.id, name);
                            if (err)
                              spdlog::warn("cannot rename {}: {}", lease.container.id,
                                           message_of(err));
                            else
                              copy.container.name = name;
                            return copy;
                          })
              .then([=](container_lease& renamed) mutable { rp.deliver(std::move(renamed)); },
                    [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::deploy, const generated_app& app, app_type type,
        const container_lease& lease) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      auto timeout_ms = self->state.ctx.cfg->app_ready_timeout_ms;
      auto runtime = self->state.ctx.runtime;
      blocking_call(self, self->state.ctx.io, std::chrono::milliseconds{timeout_ms + 10000},
                    [runtime, app, type, lease, timeout_ms]() -> caf::expected<std::string> {
                      if (auto err = write_slot(lease.slot_dir, app, type))
                        return err;
                      // A host without the node's disk gets the files over its API.
                      if (auto err = runtime->ship_slot(lease.container.id, lease.slot_dir))
                        return err;
                      auto url = loopback_url(lease.container.host_port, lease.container.address);
                      auto waited = runtime->wait_ready(url, static_cast<long>(timeout_ms));
                      if (!waited)
                        return waited.error();
                      return url;
                    })
        .then([=](std::string& url) mutable { rp.deliver(std::move(url)); },
              [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

} // namespace spawn
