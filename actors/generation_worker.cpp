#include "actors/generation_worker.hpp"

#include <exception>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "core/error.hpp"

namespace spawn {

caf::behavior generation_worker(caf::stateful_actor<generation_worker_state>* self,
                                std::shared_ptr<generator> backend) {
  self->state.backend = std::move(backend);
  return {
    [=](atoms::run, const generation_request& req) -> caf::expected<generated_app> {
      // Progress and usage go to whoever asked (the session), as they happen.
      auto requester = caf::actor_cast<caf::actor>(self->current_sender());
      generation_observer obs;
      if (requester) {
        obs.progress = [=](const std::string& s) {
          self->send(requester, atoms::progress::value, s);
        };
        obs.usage = [=](const token_usage& u) { self->send(requester, atoms::usage::value, u); };
      }
      try {
        return self->state.backend->generate_observed(req, obs);
      } catch (const std::exception& e) {
        return make_error(errc::internal,
                          self->state.backend->name() + " generator threw: " + e.what());
      }
    },
  };
}

} // namespace spawn
