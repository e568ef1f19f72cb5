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
      try {
        return self->state.backend->generate(req);
      } catch (const std::exception& e) {
        return make_error(errc::internal,
                          self->state.backend->name() + " generator threw: " + e.what());
      }
    },
  };
}

} // namespace spawn
