// Follow-up turns and versions (issue 15, DESIGN §8a). A turn generates the
// next version from the current one (or, for a rollback, loads a stored one),
// deploys it into a fresh container from the warm pool, checks that it
// answers, stores it, switches the edge route atomically, and removes the old
// container once it has drained. Until the switch the old version serves;
// a failed turn leaves it serving and says why.
#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/provisioner.hpp"
#include "actors/session_generation.hpp"
#include "actors/session_steps.hpp"
#include "core/error.hpp"
#include "infra/app_slot.hpp"
#include "actors/session_turns.hpp"

namespace spawn::session_steps {

namespace turns {

using nlohmann::json;

constexpr auto store_timeout = std::chrono::seconds{30};


/// Marks the session's metadata: a turn is updating it (number) or not (0),
/// and which version serves.
void mark(session_self self, int updating_turn, int version) {
  auto& rec = self->state.record;
  auto meta = json::parse(rec.metadata, nullptr, false);
  if (!meta.is_object())
    meta = json::object();
  if (updating_turn > 0)
    meta["turn"] = {{"status", "updating"}, {"number", updating_turn}};
  else
    meta.erase("turn");
  if (version > 0)
    meta["version"] = version;
  rec.metadata = meta.dump();
}

std::string in_quotes(const std::string& s) {
  auto head = s.size() > 120 ? s.substr(0, 117) + "..." : s;
  return "\xe2\x80\x9c" + head + "\xe2\x80\x9d";
}

/// Why a session cannot take a turn now ("" : it can).
std::string busy_reason(session_self self) {
  auto& st = self->state;
  if (st.record.state != phase::running && st.record.state != phase::sleeping)
    return "a turn needs a running session (it is " + std::string{to_string(st.record.state)}
           + ")";
  if (st.turns.current)
    return "turn " + std::to_string(st.turns.current->number) + " is still in progress";
  if (st.mode != session_mode::normal || st.teardown != teardown_phase::none
      || pending(self, session_step::deploying) || pending(self, session_step::provisioning))
    return "the app is being redeployed; try again in a moment";
  return {};
}

void store_turn(session_self self, const turn_record& t) {
  auto worker = self->state.ctx.stores.for_key(t.session_id);
  self->request(worker, store_timeout, atoms::turnsave::value, t)
    .then([](bool) {},
          [=](caf::error& err) {
            spdlog::warn("session {}: turn {} not stored ({})", t.session_id, t.number,
                         message_of(err));
          });
}

/// Removes a container and its slot on the I/O pool (best effort), then `then`.
void remove_lease(session_self self, container_lease lease, std::function<void()> then) {
  auto runtime = self->state.ctx.runtime;
  blocking_call(self, self->state.ctx.io, std::chrono::seconds{60},
                [runtime, lease]() -> caf::expected<bool> {
                  runtime->remove(lease.container.id);
                  remove_slot(lease.slot_dir);
                  return true;
                })
    .then([=](bool) { if (then) then(); }, [=](caf::error&) { if (then) then(); });
}

/// The turn's container request ended while the session is being destroyed:
/// the destruction, which waited for it, finishes.
void acquisition_ended(session_self self) {
  self->state.turns.acquiring = false;
  if (self->state.teardown == teardown_phase::awaiting_lease
      && !pending(self, session_step::provisioning))
    finish_destroy(self);
}

/// The turn's tokens and cost: what the session's totals grew by.
void account(session_self self, turn_record& t) {
  auto& st = self->state;
  t.input_tokens = st.record.input_tokens - st.turns.input_tokens;
  t.output_tokens = st.record.output_tokens - st.turns.output_tokens;
  t.cost_usd = st.record.generation_cost_usd - st.turns.cost_usd;
  t.finished_at = now_ms();
}

/// Ends the turn without a version: `failed` (something broke) or
/// `unchanged` (the instruction could not be done). The old version serves on.
void end_without_version(session_self self, turn_status status, std::string reason) {
  auto& st = self->state;
  if (!st.turns.current)
    return;
  auto t = *st.turns.current;
  t.status = status;
  t.reply = reason;
  account(self, t);
  if (st.turns.lease)
    remove_lease(self, *st.turns.lease);
  auto base = t.base_version;
  st.turns = turn_state{};
  store_turn(self, t);
  if (winding_down(self))
    return;
  mark(self, 0, base);
  event_record ev;
  ev.level = status == turn_status::failed ? "warn" : "info";
  ev.message = (status == turn_status::failed ? "Turn " + std::to_string(t.number) + " failed: "
                                              : "Turn " + std::to_string(t.number)
                                                  + " made no new version: ")
               + reason + " Version " + std::to_string(base) + " still serves.";
  persist(self, ev, true, {});
}

void turn_failed(session_self self, const std::string& reason) {
  end_without_version(self, turn_status::failed, reason);
}

/// The new version serves: the turn is done, the old container drains.
void went_live(session_self self, std::optional<container_lease> old, int version) {
  auto& st = self->state;
  auto t = *st.turns.current;
  t.status = turn_status::done;
  t.version = version;
  account(self, t);
  auto summary = st.turns.next->summary;
  t.reply = st.turns.restored_from > 0
              ? "Restored version " + std::to_string(st.turns.restored_from) + " as version "
                  + std::to_string(version) + "."
              : (summary.empty() ? "Made version " + std::to_string(version) + "."
                                 : summary + " (version " + std::to_string(version) + ")");
  auto took = now_ms() - st.turns.started;
  st.app = std::move(*st.turns.next);
  st.turns = turn_state{};
  store_turn(self, t);
  mark(self, 0, version);
  if (!st.ctx.edge)
    st.record.app_url = loopback_url(st.record.host_port,
                                     st.ctx.runtime->address_of(st.record.container_id));
  event_record ev;
  ev.message = "Version " + std::to_string(version) + " is live (turn " + std::to_string(t.number)
               + ", " + std::to_string(took) + " ms after the request): " + t.reply;
  persist(self, ev, true, [=] {
    if (old)
      self->delayed_send(self, ms(self->state.ctx.cfg->drain_ms), atoms::olddrain::value, *old);
  });
}

/// Points the session at the new container, then the route (atomically).
void switch_to(session_self self, int version) {
  auto& st = self->state;
  auto old = st.lease;
  auto fresh = *st.turns.lease;
  auto undo = [=](const caf::error& err) {
    // Caddy did not take the change: the old route stands; so does the old record.
    auto& s = self->state;
    s.lease = old;
    if (old) {
      s.record.container_id = old->container.id;
      s.record.host_port = old->container.host_port;
      edge_follow(self);
    }
    // The stored version never served: the one before is stored again as the newest.
    auto keep = s.turns.base;
    version_origin origin{s.turns.current ? s.turns.current->number : 0,
                          "Kept after a failed switch", s.turns.current ? s.turns.current->base_version : 0,
                          s.ctx.cfg->max_versions};
    self->request(s.ctx.stores.for_key(s.record.id), store_timeout, atoms::versave::value,
                  s.record.id, version + 1, keep, origin)
      .then([](bool) {}, [](caf::error&) {});
    turn_failed(self, "the edge route could not switch (" + message_of(err) + ").");
  };
  st.lease = fresh;
  st.turns.lease.reset(); // it is the session's container now
  st.record.container_id = fresh.container.id;
  st.record.host_port = fresh.container.host_port;
  if (st.record.state == phase::sleeping)
    advance(self, session_event::wake, "Woken for version " + std::to_string(version));
  if (!st.ctx.edge) {
    went_live(self, old, version);
    return;
  }
  switch_edge(
    self, [=] { went_live(self, old, version); },
    [=](const caf::error& err) {
      // The failed child's container is the new one: give it back to the turn.
      self->state.turns.lease = fresh;
      undo(err);
    });
}

/// Stores the checked version, then switches to it.
void store_version(session_self self) {
  auto& st = self->state;
  auto& t = *st.turns.current;
  auto version = t.base_version + 1;
  version_origin origin{t.number, t.prompt, st.turns.restored_from, st.ctx.cfg->max_versions};
  call_child<bool>(
    self, session_step::turn, st.ctx.stores.for_key(st.record.id), store_timeout,
    [=](bool) { switch_to(self, version); },
    [=](const caf::error& err) {
      turn_failed(self, "the new version could not be stored (" + message_of(err) + ").");
    },
    atoms::versave::value, st.record.id, version, *st.turns.next, origin);
}

void deploy_next(session_self self) {
  auto& st = self->state;
  ensure_children(self);
  emit(self, "info", "Turn " + std::to_string(st.turns.current->number)
                       + ": starting the new version in container "
                       + st.turns.lease->container.name);
  call_child<std::string>(
    self, session_step::turn, st.provisioner, ms(st.ctx.cfg->app_ready_timeout_ms + 15000),
    // The provisioner answers once the new version answers HTTP in its own
    // container: the health check before any traffic goes there.
    [=](std::string&) { check_next(self); },
    [=](const caf::error& err) {
      auto& s = self->state;
      if (s.turns.next && model_made(self, *s.turns.next))
        try_fix(self, {"the app did not start or answer: " + message_of(err)});
      else
        turn_failed(self, "the new version did not start (" + message_of(err) + ").");
    },
    atoms::deploy::value, *st.turns.next, st.record.type, *st.turns.lease);
}

/// A fresh container for the new version, named after it: the warm pool's
/// (renamed) or a cold one labelled `<session>-v<n>`, never the serving one.
void acquire_next(session_self self) {
  auto& st = self->state;
  auto version = st.turns.current->base_version + 1;
  auto tag = st.record.id + "-v" + std::to_string(version);
  st.turns.acquiring = true;
  call_child<container_lease>(
    self, session_step::turn, st.ctx.pool, ms(st.ctx.cfg->phase_timeout_ms),
    [=](container_lease& lease) {
      auto& s = self->state;
      if (!s.turns.current || winding_down(self)) {
        remove_lease(self, lease, [=] { acquisition_ended(self); });
        return;
      }
      s.turns.acquiring = false;
      s.turns.lease = lease;
      if (!lease.warm) {
        deploy_next(self);
        return;
      }
      auto runtime = s.ctx.runtime;
      auto name = "spawnai-" + tag;
      blocking_call(self, s.ctx.io, std::chrono::seconds{30},
                    [runtime, lease, name]() -> caf::expected<container_lease> {
                      auto copy = lease;
                      if (!runtime->rename(lease.container.id, name))
                        copy.container.name = name;
                      return copy;
                    })
        .then(
          [=](container_lease& renamed) {
            if (!self->state.turns.current)
              return;
            self->state.turns.lease = renamed;
            deploy_next(self);
          },
          [=](caf::error&) {
            if (self->state.turns.current)
              deploy_next(self);
          });
    },
    [=](const caf::error& err) {
      if (winding_down(self)) {
        acquisition_ended(self);
        return;
      }
      self->state.turns.acquiring = false;
      turn_failed(self, "no container for the new version (" + message_of(err) + ").");
    },
    atoms::acquire::value, st.record.tier, tag);
}

void on_turn_app(session_self self, generated_app app) {
  auto& st = self->state;
  accounting::generation_done(self, "ok");
  if (!st.turns.current || winding_down(self))
    return;
  if (auto err = validate_app(app)) {
    turn_failed(self, "the new version is not valid: " + message_of(err));
    return;
  }
  if (app.backend.empty())
    app.backend = st.ctx.gen->name();
  if (st.turns.fix_round > 0 && st.turns.next && same_files(app, *st.turns.next)) {
    // The model answered the broken version again: that round is spent.
    try_fix(self, st.turns.errors);
    return;
  }
  if (same_files(app, st.turns.base)) {
    end_without_version(self, turn_status::unchanged,
                        "the instruction changed nothing in the files.");
    return;
  }
  if (!app.summary.empty())
    emit(self, "info", "Turn " + std::to_string(st.turns.current->number) + ": " + app.summary);
  st.turns.next = std::move(app);
  acquire_next(self);
}

generation_hooks turn_hooks(session_self self) {
  generation_hooks h;
  h.emit = [self](std::string level, std::string msg) { emit(self, std::move(level), std::move(msg)); };
  h.fail = [self](std::string reason) {
    accounting::generation_done(self, "failed");
    turn_failed(self, reason + ".");
  };
  h.failed = [self](const caf::error& err) {
    accounting::generation_done(self, "failed");
    if (code_of(err) == errc::invalid_input)
      end_without_version(self, turn_status::unchanged, message_of(err));
    else
      turn_failed(self, "generation failed (" + message_of(err) + ").");
  };
  h.done = [self](generated_app app) { on_turn_app(self, std::move(app)); };
  h.ensure_children = [self] { ensure_children(self); };
  return h;
}

void generate_next(session_self self) {
  auto& st = self->state;
  if (!st.turns.current || winding_down(self))
    return;
  if (!accounting::may_generate(self, [self] { generate_next(self); }))
    return; // waits in the node's generation queue
  auto req = generation_request_of(st.record);
  req.instruction = st.turns.current->prompt;
  req.base = st.turns.base;
  start_generation(self, turn_hooks(self), std::move(req));
}

/// An upload turn (issue 18): the builder makes the next version from the
/// stored upload `job` names, through the node's generation queue.
void build_next(session_self self, const std::string& job) {
  if (!self->state.turns.current || winding_down(self))
    return;
  if (!accounting::may_generate(self, [self, job] { build_next(self, job); }))
    return; // waits in the node's generation queue
  auto req = generation_request_of(self->state.record);
  req.source = job;
  start_generation(self, turn_hooks(self), std::move(req));
}

/// Accepts a turn: stores it, loads the serving version, announces it,
/// answers `rp`, then runs `next` (generation, or the rollback's deployment).
/// The caller checked `busy_reason`.
void accept(session_self self, turn_record t,
            std::optional<caf::typed_response_promise<turn_record>> rp,
            std::function<void(session_self)> next) {
  auto& st = self->state;
  t.session_id = st.record.id;
  st.turns = turn_state{};
  st.turns.current = t; // busy from now on
  st.turns.started = now_ms();
  st.turns.input_tokens = st.record.input_tokens;
  st.turns.output_tokens = st.record.output_tokens;
  st.turns.cost_usd = st.record.generation_cost_usd;
  auto worker = st.ctx.stores.for_key(st.record.id);
  auto give_up = [=](const caf::error& err) mutable {
    self->state.turns = turn_state{};
    if (rp)
      rp->deliver(err);
  };
  self->request(worker, store_timeout, atoms::turnadd::value, t)
    .then(
      [=](turn_record& stored) mutable {
        self->state.turns.current = stored;
        self->request(worker, store_timeout, atoms::verload::value, stored.session_id,
                      stored.base_version)
          .then(
            [=](generated_app& base) mutable {
              auto& s = self->state;
              if (!s.turns.current || winding_down(self)) {
                if (rp)
                  rp->deliver(make_error(errc::conflict, "the session is winding down"));
                return;
              }
              s.turns.base = std::move(base);
              mark(self, stored.number, stored.base_version);
              event_record ev;
              ev.message = "Turn " + std::to_string(stored.number) + ": " + in_quotes(stored.prompt)
                           + "; updating version " + std::to_string(stored.base_version)
                           + " (it serves until the new one is ready)";
              persist(self, ev, true, [=]() mutable {
                if (rp)
                  rp->deliver(stored);
                next(self);
              });
            },
            [=](caf::error& err) mutable {
              auto t2 = stored;
              t2.status = turn_status::failed;
              t2.reply = "the current version's files cannot be loaded (" + message_of(err) + ")";
              t2.finished_at = now_ms();
              store_turn(self, t2);
              give_up(make_error(errc::unavailable, t2.reply));
            });
      },
      [=](caf::error& err) mutable { give_up(err); });
}

} // namespace turns

using namespace turns;

caf::result<turn_record> say(session_self self, std::string prompt) {
  if (!upload_source_of(self->state.record).empty())
    return make_error(errc::conflict, "this session runs uploaded code: new code goes to "
                                      "POST /api/v1/sessions/{id}/source");
  turn_record t;
  t.kind = "prompt";
  t.prompt = std::move(prompt);
  if (auto why = busy_reason(self); !why.empty())
    return make_error(errc::conflict, why);
  auto rp = self->make_response_promise<turn_record>();
  accept(self, std::move(t), rp, [](session_self s) { generate_next(s); });
  return rp;
}

caf::result<turn_record> deploy_upload(session_self self, std::string source) {
  auto& st = self->state;
  if (upload_source_of(st.record).empty())
    return make_error(errc::conflict, "this session runs generated code; new code goes to a "
                                      "session created from an upload");
  auto src = json::parse(source, nullptr, false);
  if (!src.is_object() || !src.value("archive", json()).is_string())
    return make_error(errc::invalid_input, "no upload to deploy");
  auto type = src.value("app_type", std::string{});
  if (type != to_string(st.record.type))
    return make_error(errc::conflict, "this session serves a " + std::string{to_string(st.record.type)}
                                        + "; the upload is a " + type
                                        + " (create a new session for it)");
  if (auto why = busy_reason(self); !why.empty())
    return make_error(errc::conflict, why);
  turn_record t;
  t.kind = "upload";
  t.prompt = "Upload: " + src.value("framework", std::string{"code"}) + " ("
             + std::to_string(src.value("files", 0)) + " files)";
  // "once": the builder removes the archive when it has read it (a turn
  // interrupted by a restart is reported failed, never built again).
  auto job = json{{"archive", src["archive"]}, {"session", st.record.id}, {"once", true}}.dump();
  auto rp = self->make_response_promise<turn_record>();
  accept(self, std::move(t), rp, [job](session_self s) { build_next(s, job); });
  return rp;
}

caf::result<turn_record> roll_back(session_self self, int version) {
  auto& st = self->state;
  if (auto why = busy_reason(self); !why.empty())
    return make_error(errc::conflict, why);
  if (version < 1)
    return make_error(errc::invalid_input, "'version' must be a positive integer");
  // The version must exist before a turn is made of it.
  auto rp = self->make_response_promise<turn_record>();
  auto worker = st.ctx.stores.for_key(st.record.id);
  self->request(worker, store_timeout, atoms::versions::value, st.record.id)
    .then(
      [=](std::vector<version_info>& vs) mutable {
        bool known = false;
        for (auto& v : vs)
          known = known || v.number == version;
        if (!known) {
          rp.deliver(make_error(errc::not_found, "no version " + std::to_string(version)
                                                   + " of this session"));
          return;
        }
        if (!vs.empty() && vs.back().number == version) {
          rp.deliver(make_error(errc::conflict, "version " + std::to_string(version)
                                                  + " is the one serving"));
          return;
        }
        turn_record t;
        t.kind = "rollback";
        t.prompt = "Roll back to version " + std::to_string(version);
        if (auto why = busy_reason(self); !why.empty()) {
          rp.deliver(make_error(errc::conflict, why));
          return;
        }
        accept(self, t, rp, [version](session_self s) {
          auto& st2 = s->state;
          st2.turns.restored_from = version;
          s->request(st2.ctx.stores.for_key(st2.record.id), store_timeout, atoms::verload::value,
                     st2.record.id, version)
            .then(
              [=](generated_app& app) {
                if (!s->state.turns.current)
                  return;
                app.summary.clear();
                s->state.turns.next = std::move(app);
                acquire_next(s);
              },
              [=](caf::error& err) {
                turn_failed(s, "version " + std::to_string(version) + " cannot be loaded ("
                                 + message_of(err) + ").");
              });
        });
      },
      [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

void abandon_turn(session_self self, const std::string& why) {
  auto& st = self->state;
  if (!st.turns.current)
    return;
  auto t = *st.turns.current;
  t.status = turn_status::failed;
  t.reply = why;
  account(self, t);
  store_turn(self, t);
  // Only the turn ends here: a container it holds or is acquiring is the
  // destruction's to remove (clean_up, acquisition_ended).
  st.turns.current.reset();
}

void drained(session_self self, container_lease old) {
  auto& st = self->state;
  if (st.lease && st.lease->container.id == old.container.id)
    return; // it serves again (a failed switch)
  remove_lease(self, std::move(old));
}

void resume_turns(session_self self) {
  auto& st = self->state;
  auto worker = st.ctx.stores.for_key(st.record.id);
  self->request(worker, store_timeout, atoms::turns::value, st.record.id)
    .then(
      [=](std::vector<turn_record>& turns) {
        for (auto& t : turns) {
          if (t.status != turn_status::running)
            continue;
          // Interrupted: its version, if stored, is the newest and is what a
          // redeployment serves; otherwise the version before still serves.
          self->request(worker, store_timeout, atoms::versions::value, t.session_id)
            .then(
              [=](std::vector<version_info>& vs) {
                auto done = t;
                done.finished_at = now_ms();
                bool made = !vs.empty() && vs.back().turn == t.number;
                done.status = made ? turn_status::done : turn_status::failed;
                done.version = made ? vs.back().number : 0;
                done.reply = made ? "Finished after a restart of spawnd: version "
                                      + std::to_string(done.version) + " serves."
                                  : "Interrupted by a restart of spawnd before its version "
                                    "went live; version "
                                      + std::to_string(t.base_version) + " still serves.";
                store_turn(self, done);
                auto meta = json::parse(self->state.record.metadata, nullptr, false);
                bool switched = meta.is_object() && meta.value("version", 0) == done.version;
                mark(self, 0, made ? done.version : t.base_version);
                event_record ev;
                ev.level = made ? "info" : "warn";
                ev.message = "Turn " + std::to_string(t.number) + ": " + done.reply;
                persist(self, ev, true, {});
                // The leftover container of the interrupted turn, if any.
                auto name = "spawnai-" + t.session_id + "-v" + std::to_string(t.base_version + 1);
                auto runtime = self->state.ctx.runtime;
                auto keep = self->state.record.container_id;
                blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                              [runtime, name, keep]() -> caf::expected<bool> {
                                auto info = runtime->inspect(name);
                                if (info && info->id != keep) {
                                  runtime->remove(info->id);
                                  auto slot = info->labels.find("spawnai.slot");
                                  if (slot != info->labels.end())
                                    remove_slot(slot->second);
                                }
                                return true;
                              })
                  .then([](bool) {}, [](caf::error&) {});
                if (made && !switched && !winding_down(self)) {
                  // The switch may not have happened: serve the stored version.
                  self->state.app.reset();
                  redeploy(self, "finishing turn " + std::to_string(t.number)
                                   + " interrupted by a restart");
                }
              },
              [](caf::error&) {});
        }
      },
      [](caf::error&) {});
}

} // namespace spawn::session_steps
