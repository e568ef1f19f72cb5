#include "actors/generation_worker.hpp"

#include <exception>

#include <caf/all.hpp>

#include "core/error.hpp"

namespace spawn {

generation_worker_actor::behavior_type
generation_worker(generation_worker_actor::stateful_pointer<generation_worker_state> self,
                  std::shared_ptr<generator> backend, blocking_pool pool) {
  self->state.backend = std::move(backend);
  self->state.pool = std::move(pool);
  return {
    [=](atoms::run, const generation_request& req,
        const generation_listener_actor& listener) -> caf::result<generated_app> {
      auto rp = self->make_response_promise<generated_app>();
      auto backend = self->state.backend;
      // The session bounds the whole call with generation.timeout_ms.
      blocking_call(self, self->state.pool, caf::duration{caf::infinite},
                    [backend, req, listener]() -> caf::expected<generated_app> {
                      // Progress and usage go to the session as they happen
                      // (anon_send is safe from any thread).
                      generation_observer obs;
                      if (listener) {
                        obs.progress = [listener](const std::string& s) {
                          caf::anon_send(listener, atoms::progress::value, s);
                        };
                        obs.usage = [listener](const token_usage& u) {
                          caf::anon_send(listener, atoms::usage::value, u);
                        };
                      }
                      try {
                        return backend->generate_observed(req, obs);
                      } catch (const std::exception& e) {
                        return make_error(errc::internal,
                                          backend->name() + " generator threw: " + e.what());
                      }
                    })
        .then([=](generated_app& app) mutable { rp.deliver(std::move(app)); },
              [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

} // namespace spawn
