// Destruction of a session: remove its container and slot, then persist
// `destroyed` and stop the actor.
#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <cstdio>

#include "actors/blocking.hpp"
#include "actors/session_steps.hpp"
#include "core/error.hpp"
#include "actors/session_generation.hpp"
#include "infra/app_slot.hpp"
#include "infra/source_builder.hpp"

namespace spawn::session_steps {

/// Blocking: removes the session's container and its slot directory.
static caf::expected<bool> remove_resources(std::shared_ptr<container_runtime> runtime,
                                     std::string container_id, std::string slot_dir) {
  if (!container_id.empty()) {
    if (slot_dir.empty()) {
      if (auto info = runtime->inspect(container_id)) {
        auto slot = info->labels.find("spawnai.slot");
        if (slot != info->labels.end())
          slot_dir = slot->second;
      }
    }
    if (auto err = runtime->remove(container_id))
      return err;
  }
  if (auto err = remove_slot(slot_dir))
    return err;
  return true;
}

void finish_destroy(session_self self) {
  auto& st = self->state;
  auto& rec = st.record;
  rec.destroyed_at = now_ms();
  accounting::finalize(self); // the final bill: actual cost and cost items
  accounting::on_container(self, false);
  st.teardown = teardown_phase::finishing;
  stop_children(self);
  advance(self, session_event::destroyed, "Destroyed: the container is gone", [self] {
    for (auto& sub : self->state.subscribers)
      self->demonitor(sub.address());
    self->quit();
  });
}

void clean_up(session_self self) {
  auto& st = self->state;
  auto runtime = st.ctx.runtime;
  abandon_turn(self, "The session was destroyed before the new version went live.");
  if (st.turns.lease) { // a turn's new container (issue 15) goes too
    auto next = *st.turns.lease;
    st.turns.lease.reset();
    blocking_call(self, st.ctx.io, std::chrono::seconds{60}, [runtime, next] {
      return remove_resources(runtime, next.container.id, next.slot_dir);
    }).then([](bool) {}, [](caf::error&) {});
  }
  auto id = st.lease ? st.lease->container.id : st.record.container_id;
  if (id.empty()) // never leased, or the lease was lost: go by the session's name
    id = "spawnai-" + st.record.id;
  auto slot = st.lease ? st.lease->slot_dir : std::string{};
  st.teardown = teardown_phase::removing;
  blocking_call(self, self->state.ctx.io, std::chrono::seconds{60},
                [runtime, id, slot] { return remove_resources(runtime, id, slot); })
    .then(
      [=](bool) {
        if (pending(self, session_step::provisioning) || self->state.turns.acquiring)
          self->state.teardown = teardown_phase::awaiting_lease; // on_lease finishes
        else
          finish_destroy(self);
      },
          [=](caf::error& err) {
            auto n = ++self->state.attempts[session_step::destroying];
            if (n >= self->state.ctx.cfg->max_attempts) {
              emit(self, "warn", "The container could not be removed (" + message_of(err)
                                   + "); the orphan reaper will remove it");
              finish_destroy(self);
              return;
            }
            self->delayed_send(self, ms(self->state.ctx.cfg->retry_backoff_ms << n),
                               atoms::retry::value, session_step::destroying);
          });
}

/// Starts destruction; `then` runs once `destroying` is persisted (at once
/// when the session is already destroying or destroyed). The route and the
/// container go only after that write succeeded: a node that no longer owns
/// the session (fenced) removes nothing of it.
void begin_destroy(session_self self, std::string why, step_fn then) {
  auto s = self->state.record.state;
  if (s == phase::destroying || s == phase::destroyed) {
    if (then)
      then();
    return;
  }
  stop_children(self);
  accounting::generation_done(self, "");
  // A build in flight stops now (its pool thread returns once it is killed).
  if (auto builder = self->state.ctx.builder; builder && !upload_source_of(self->state.record).empty()) {
    auto id = self->state.record.id;
    auto archive = nlohmann::json::parse(upload_source_of(self->state.record))
                     .value("archive", std::string{});
    blocking_call(self, self->state.ctx.io, std::chrono::seconds{60},
                  [builder, id, archive]() -> caf::expected<bool> {
                    builder->cancel(id);
                    std::remove(archive.c_str()); // the stored upload is not needed any more
                    return true;
                  })
      .then([](bool) {}, [](caf::error&) {});
  }
  auto act = [self, then = std::move(then)] {
    unroute(self);
    clean_up(self);
    if (then)
      then();
  };
  if (!advance(self, session_event::destroy, std::move(why), act))
    act(); // not a legal transition from here (logged): tear down all the same
}


} // namespace spawn::session_steps
