#include "actors/session_manager.hpp"
#include "core/metric_names.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/egress_keeper.hpp"
#include "actors/orphan_reaper.hpp"
#include "actors/cluster_member.hpp"
#include "actors/relay.hpp"
#include "actors/session.hpp"
#include "actors/session_manager_admin.hpp"
#include "actors/session_manager_cluster.hpp"
#include "actors/session_manager_turns.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"
#include "core/tokens.hpp"

namespace spawn {

using self_ptr = session_manager_actor::stateful_pointer<session_manager_state>;

namespace manager_detail {

session_actor_type adopt(self_ptr self, session_record rec, bool adopted) {
  auto& st = self->state;
  auto id = rec.id;
  if (!st.owners.count(id)) {
    st.owners[id] = rec.owner;
    st.admit->opened(rec.owner);
  }
  auto a = self->spawn<caf::monitored>(session_actor, st.ctx, std::move(rec), adopted);
  st.sessions[id] = a;
  metrics::global().set(metrics::names::session_actors, {}, double(st.sessions.size()));
  return a;
}

} // namespace manager_detail

namespace {

using manager_detail::adopt;

constexpr auto store_timeout = std::chrono::seconds{30};

/// True when this incarnation owns `rec` (it may hold an actor for it).
bool ours(self_ptr self, const session_record& rec) {
  return rec.node_id == self->state.ctx.cfg->node_id && rec.owner_epoch == self->state.epoch
         && self->state.epoch != 0;
}

/// Neither here nor at a connected owner: the owner is unreachable for now
/// (a takeover follows within the lease).
caf::error owner_away(const session_record& rec) {
  return make_error(errc::unavailable,
                    "session " + rec.id + " is owned by node " + rec.node_id
                      + ", which does not answer; it is taken over within the lease",
                    2);
}

/// Finds the record of `id` (live actor first, then the store) and runs `f` on it.
template <class F, class E>
void with_record(self_ptr self, const std::string& id, F f, E on_error) {
  auto i = self->state.sessions.find(id);
  if (i != self->state.sessions.end())
    // No timeout: a live session answers `get` at once from its state, and a
    // session that ends first bounces the request (request_receiver_down).
    // A timer per read cost CAF's clock thread a wake-up each (issue 12).
    self->request(i->second, caf::infinite, atoms::get::value)
      .then(f, [=](caf::error& err) mutable {
        if (err != caf::sec::request_receiver_down)
          return on_error(err);
        // It quit between the lookup and the answer (destroyed just now):
        // the store holds its last word.
        self->request(self->state.ctx.stores.for_key(id), store_timeout, atoms::get::value, id)
          .then(f, on_error);
      });
  else
    self->request(self->state.ctx.stores.for_key(id), store_timeout, atoms::get::value, id)
      .then(f, on_error);
}

/// Like `with_record`, but a session owned by another connected node is
/// answered by that node (its live actor): `f` gets its record.
template <class F, class E>
void with_live_record(self_ptr self, const std::string& id, F f, E on_error) {
  if (self->state.sessions.count(id)) {
    with_record(self, id, f, on_error);
    return;
  }
  self->request(self->state.ctx.stores.for_key(id), store_timeout, atoms::get::value, id)
    .then(
      [=](session_record& rec) mutable {
        if (auto owner = manager_cluster::owner_of(self, rec))
          self->request(*owner, store_timeout, atoms::get::value, id).then(f, on_error);
        else
          f(rec);
      },
      on_error);
}

caf::error check_token(const session_record& rec, const std::string& token) {
  if (token.empty())
    return make_error(errc::unauthorized, "the X-Manage-Token header is required");
  if (!constant_time_equal(sha256_hex(token), rec.manage_token_hash))
    return make_error(errc::forbidden, "the manage token does not match this session");
  return {};
}

using record_promise = caf::typed_response_promise<session_record>;

/// Asks `dest` and completes `rp` with its answer.
template <class Handle, class... Ts>
void forward(self_ptr self, const Handle& dest, record_promise rp, Ts... xs) {
  self->request(dest, store_timeout, xs...)
    .then([=](session_record& r) mutable { rp.deliver(std::move(r)); },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

/// Asks the live actor of `rec` and completes `rp` with its answer; a
/// session without one (destroyed, failed) is a conflict naming its state.
template <class... Ts>
void to_live_actor(self_ptr self, const session_record& rec, record_promise rp, Ts... xs) {
  auto i = self->state.sessions.find(rec.id);
  if (i == self->state.sessions.end())
    rp.deliver(make_error(errc::conflict, "the session is " + std::string{to_string(rec.state)}));
  else
    forward(self, i->second, rp, xs...);
}

/// An owner's command on session `id`: finds its record, checks the manage
/// token, then lets `act(record, promise)` answer.
/// A session owned by another connected node goes there with `(forward...)`.
template <class Act, class... Fwd>
caf::result<session_record> for_owner(self_ptr self, const std::string& id,
                                      const std::string& token, Act act, Fwd... fwd) {
  auto rp = self->make_response_promise<session_record>();
  with_record(
    self, id,
    [=](session_record& rec) mutable {
      if (auto err = check_token(rec, token)) {
        rp.deliver(std::move(err));
      } else if (self->state.sessions.count(id) || rec.state == phase::destroyed) {
        act(rec, rp);
      } else if (auto owner = manager_cluster::owner_of(self, rec)) {
        forward(self, *owner, rp, fwd...);
      } else if (!ours(self, rec)) {
        rp.deliver(owner_away(rec));
      } else {
        act(rec, rp);
      }
    },
    [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

/// Adopts waiting sessions while fewer than `recovery.parallelism` are still
/// checking reality; recovery is done when none waits and none checks.
void pump_adoptions(self_ptr self) {
  auto& st = self->state;
  while (!st.to_adopt.empty() && st.adopting < st.ctx.cfg->recovery_parallelism) {
    auto rec = std::move(st.to_adopt.back());
    st.to_adopt.pop_back();
    if (st.sessions.count(rec.id))
      continue;
    ++st.adopting;
    auto a = adopt(self, std::move(rec), true);
    auto done = [=] {
      --self->state.adopting;
      pump_adoptions(self);
    };
    self->request(a, std::chrono::seconds{120}, atoms::adopt::value)
      .then([=](bool) { done(); }, [=](caf::error&) { done(); });
  }
  if (st.to_adopt.empty() && st.adopting == 0 && !st.recovered) {
    st.recovered = true;
    spdlog::info("recovery of node {} done in {} ms", st.ctx.cfg->node_id,
                 now_ms() - st.recovery_started);
    self->send(st.reaper, atoms::timeout::value); // first orphan scan, then periodic
  }
}

} // namespace

void manager_detail::adopt_all(self_ptr self, std::vector<session_record> recs) {
  auto& q = self->state.to_adopt;
  for (auto& r : recs)
    q.push_back(std::move(r));
  pump_adoptions(self);
}

namespace {

/// Claims the unfinished sessions of this node's earlier incarnations (a
/// conditional write: none that another node took over meanwhile) and adopts
/// them.
void recover(self_ptr self) {
  auto& cfg = *self->state.ctx.cfg;
  if (self->state.epoch == 0)
    return; // joined first; the member says when
  if (self->state.recovery_started == 0)
    self->state.recovery_started = now_ms();
  session_owner me{cfg.node_id, self->state.epoch};
  self->request(self->state.ctx.stores.any(), store_timeout, atoms::claim::value, me, 100000,
                cfg.node_id, std::string{})
    .then(
      [=](std::vector<session_record>& recs) {
        if (!recs.empty())
          spdlog::info("adopting {} unfinished sessions of node {} ({} at a time)", recs.size(),
                       self->state.ctx.cfg->node_id, self->state.ctx.cfg->recovery_parallelism);
        manager_detail::adopt_all(self, std::move(recs));
      },
      [=](caf::error& err) {
        spdlog::warn("cannot list sessions to recover ({}); retrying", message_of(err));
        self->delayed_send(self, std::chrono::seconds{2}, atoms::adopt::value);
      });
}

void sweep(self_ptr self) {
  self->request(self->state.ctx.stores.any(), store_timeout, atoms::expired::value, now_ms())
    .then(
      [=](std::vector<session_record>& recs) {
        for (auto& rec : recs) {
          auto i = self->state.sessions.find(rec.id);
          if (i != self->state.sessions.end())
            self->send(i->second, atoms::expire::value);
          else if (ours(self, rec))
            adopt(self, std::move(rec), true); // adoption destroys what is expired
        }
      },
      [=](caf::error& err) { spdlog::warn("expiry sweep failed: {}", message_of(err)); });
  // A session this incarnation owns without an actor here (a hand-over whose
  // adoption message was lost): adopt it.
  if (self->state.recovered && self->state.epoch != 0) {
    session_owner me{self->state.ctx.cfg->node_id, self->state.epoch};
    self->request(self->state.ctx.stores.any(), store_timeout, atoms::owned::value, me)
      .then(
        [=](std::vector<std::string>& ids) {
          for (auto& id : ids)
            if (!self->state.sessions.count(id) && !self->state.respawning.count(id))
              self->request(self->state.ctx.stores.for_key(id), store_timeout, atoms::get::value, id)
                .then(
                  [=](session_record& rec) {
                    if (ours(self, rec) && !self->state.sessions.count(rec.id)
                        && !self->state.respawning.count(rec.id))
                      adopt(self, std::move(rec), true);
                  },
                  [](caf::error&) {});
        },
        [](caf::error&) {});
  }
  manager_admin::heartbeat(self);
  self->delayed_send(self, std::chrono::milliseconds{self->state.ctx.cfg->sweep_interval_ms},
                     atoms::sweep::value);
}

/// Completes the admins' restart requests of session `id` with `body` or `err`.
void restarted(self_ptr self, const std::string& id, caf::expected<std::string> body) {
  auto i = self->state.restarts.find(id);
  if (i == self->state.restarts.end())
    return;
  for (auto& rp : i->second)
    body ? rp.deliver(*body) : rp.deliver(body.error());
  self->state.restarts.erase(i);
}

/// A session actor crashed: its persisted state is read again and a new actor
/// adopts it (it checks reality as after a restart of the node). Retried while
/// the store is away, so a crash during an outage loses nothing either.
void respawn(self_ptr self, const std::string& id, caf::actor_id old, caf::error reason,
             int attempt = 0) {
  if (attempt == 0)
    spdlog::error("session actor {} of session {} crashed ({}); restarting it from the store",
                  old, id, message_of(reason));
  self->state.respawning.insert(id);
  self->request(self->state.ctx.stores.for_key(id), store_timeout, atoms::get::value, id)
    .then(
      [=](session_record& rec) {
        self->state.respawning.erase(id);
        if (self->state.sessions.count(id)) {
          restarted(self, id, make_error(errc::conflict, "the session was adopted meanwhile"));
          return;
        }
        if (rec.state == phase::destroyed) {
          restarted(self, id, nlohmann::json{{"id", id}, {"previous_actor", old},
                                             {"actor", nullptr}, {"state", "destroyed"}}
                                .dump());
          return;
        }
        auto a = adopt(self, std::move(rec), true);
        if (!self->state.restarts.count(id))
          return;
        self->request(a, std::chrono::seconds{120}, atoms::adopt::value)
          .then(
            [=](bool) {
              restarted(self, id, nlohmann::json{{"id", id},
                                                 {"previous_actor", old},
                                                 {"actor", a.id()},
                                                 {"node", self->state.ctx.cfg->node_id}}
                                    .dump());
            },
            [=](caf::error& err) { restarted(self, id, err); });
      },
      [=](caf::error& err) {
        if (code_of(err) == errc::not_found) {
          self->state.respawning.erase(id);
          spdlog::error("cannot restart session {}: {}", id, message_of(err));
          restarted(self, id, err);
          return;
        }
        if (attempt % 20 == 0) // the store is away: say so now and then, keep trying
          spdlog::warn("cannot restart session {} yet (attempt {}): {}", id, attempt + 1,
                       message_of(err));
        auto delay = std::chrono::milliseconds{std::min(2000, 250 << std::min(attempt, 3))};
        self->delayed_send(self, delay, atoms::respawn::value, id, uint64_t{old}, reason,
                           attempt + 1);
      });
}

void on_down(self_ptr self, const caf::down_msg& msg) {
  if (manager_cluster::on_peer_down(self, msg.source))
    return;
  auto& sessions = self->state.sessions;
  for (auto i = sessions.begin(); i != sessions.end(); ++i) {
    if (i->second.address() != msg.source)
      continue;
    auto id = i->first;
    sessions.erase(i);
    metrics::global().set(metrics::names::session_actors, {}, double(sessions.size()));
    if (auto o = self->state.owners.find(id); o != self->state.owners.end()) {
      self->state.admit->closed(o->second);
      self->state.owners.erase(o);
    }
    if (msg.reason && msg.reason != caf::exit_reason::user_shutdown
        && code_of(msg.reason) != errc::fenced) // fenced: the session is another node's now
      respawn(self, id, msg.source.id(), msg.reason);
    return;
  }
}

/// Destroys a session whether or not a live actor holds it (owner or admin).
void destroy_session(self_ptr self, session_record& rec, record_promise& rp) {
  auto i = self->state.sessions.find(rec.id);
  if (i == self->state.sessions.end() && rec.state == phase::destroyed) {
    rp.deliver(std::move(rec)); // destroying twice is fine
    return;
  }
  if (i == self->state.sessions.end() && !ours(self, rec)) {
    if (auto owner = manager_cluster::owner_of(self, rec))
      forward(self, *owner, rp, atoms::force::value, rec.id);
    else
      rp.deliver(owner_away(rec));
    return;
  }
  auto a = i != self->state.sessions.end() ? i->second : adopt(self, rec, true);
  forward(self, a, rp, atoms::destroy::value);
}

} // namespace

session_manager_actor::behavior_type session_manager(self_ptr self, node_context ctx) {
  self->state.ctx = std::move(ctx);
  {
    auto& cfg = *self->state.ctx.cfg;
    self->state.admit.emplace(admission::limits{cfg.creations_per_window,
                                                cfg.creation_window_seconds * 1000,
                                                cfg.active_per_owner, cfg.max_sessions});
    self->state.started_at = now_ms();
  }
  self->set_down_handler([=](caf::down_msg& msg) { on_down(self, msg); });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [id, a] : self->state.sessions)
      self->send_exit(a, caf::exit_reason::user_shutdown);
    self->send_exit(self->state.reaper, caf::exit_reason::user_shutdown);
    self->send_exit(self->state.egress, caf::exit_reason::user_shutdown);
    self->send_exit(self->state.member, caf::exit_reason::user_shutdown);
    self->quit(msg.reason);
  });
  self->state.reaper = self->spawn(orphan_reaper, self->state.ctx,
                                   caf::actor_cast<session_directory_actor>(self));
  self->state.egress = self->spawn(egress_keeper, self->state.ctx);
  // Recovery starts once the member has joined (`joined`): it needs the epoch.
  self->state.member = self->spawn(cluster_member, self->state.ctx,
                                   caf::actor_cast<membership_listener_actor>(self));
  self->send(self, atoms::sweep::value);
  return {
    [=](atoms::adopt) { recover(self); },
    [=](atoms::sweep) { sweep(self); },
    // --- the cluster (actors/session_manager_cluster.hpp) ---
    [=](atoms::joined, int64_t epoch) {
      self->state.epoch = epoch;
      self->state.recovery_started = 0;
      recover(self);
      auto waiting = std::move(self->state.waiting_creates);
      self->state.waiting_creates.clear();
      auto me = caf::actor_cast<session_manager_actor>(self);
      for (auto& [req, rp] : waiting)
        self->request(me, store_timeout, atoms::create::value, req)
          .then([rp](created_session& c) mutable { rp.deliver(std::move(c)); },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
    },
    [=](atoms::fenced, int64_t epoch) { manager_cluster::fence(self, epoch); },
    [=](atoms::claimed, std::vector<session_record>& recs) {
      std::vector<session_record> mine;
      for (auto& r : recs)
        if (ours(self, r) && !self->state.sessions.count(r.id))
          mine.push_back(std::move(r));
      manager_detail::adopt_all(self, std::move(mine));
    },
    [=](atoms::members, std::vector<node_record>& nodes) {
      manager_cluster::on_members(self, std::move(nodes));
    },
    [=](atoms::takeover, session_record& rec) {
      return manager_cluster::take_over(self, std::move(rec));
    },
    [=](atoms::drain) { return manager_cluster::drain(self); },
    [=](atoms::leave) {
      return relay<bool>(self, self->state.member, atoms::leave::value);
    },
    [=](atoms::clevents, int64_t after, int limit) {
      return relay<std::vector<cluster_event>>(self, self->state.ctx.stores.any(),
                                               atoms::clevents::value, after, limit);
    },
    [=](atoms::create, create_request& req) -> caf::result<created_session> {
      auto& cfg = *self->state.ctx.cfg;
      if (self->state.epoch == 0) { // joining (a moment at start, or after being fenced)
        auto rp = self->make_response_promise<created_session>();
        self->state.waiting_creates.emplace_back(req, rp);
        return rp;
      }
      if (req.placed) {
        // Admitted by the node the client asked; here only the capacity counts.
        if (self->state.admit->live() >= cfg.max_sessions)
          return make_error(errc::unavailable, "node " + cfg.node_id + " is full", 5);
      } else {
        if (auto refused = self->state.admit->admit(req.owner, now_ms()))
          return refused;
        if (auto target = manager_cluster::place(self)) {
          req.placed = true;
          auto rp = self->make_response_promise<created_session>();
          auto owner = req.owner;
          self->request(*target, store_timeout, atoms::create::value, req)
            .then([=](created_session& c) mutable { rp.deliver(std::move(c)); },
                  [=](caf::error& err) mutable {
                    self->state.admit->cancel(owner);
                    rp.deliver(std::move(err));
                  });
          return rp;
        }
      }
      session_record rec;
      rec.id = new_session_id();
      rec.owner = req.owner;
      rec.prompt = req.prompt;
      rec.type = req.type;
      rec.state = phase::requested;
      auto conf = cfg.app_types.find(std::string{to_string(req.type)});
      if (conf != cfg.app_types.end())
        rec.tier = conf->second.tier;
      rec.node_id = cfg.node_id;
      rec.owner_epoch = self->state.epoch;
      rec.created_at = now_ms();
      auto ttl = req.ttl_seconds > 0 ? req.ttl_seconds : default_ttl(cfg, req.type);
      rec.expires_at = rec.created_at + ttl * 1000;
      rec.estimated_cost = estimate_cost(tier_of(cfg, req.type).hourly_usd, ttl,
                                         cfg.expected_generation_usd);
      rec.message = "Queued";
      auto estimated_seconds = cfg.warm_pool_size > 0 ? 2 : 5;
      auto meta = nlohmann::json{{"estimated_seconds", estimated_seconds}};
      if (!req.details.empty())
        meta["site"] = nlohmann::json::parse(req.details, nullptr, false);
      if (!req.egress.empty())
        meta["egress"] = req.egress; // applied to its container by the egress keeper
      if (!req.source.empty()) // uploaded code (issue 18): the stored archive and its plan
        meta["source"] = nlohmann::json::parse(req.source, nullptr, false);
      rec.metadata = meta.dump();
      auto token = new_manage_token();
      rec.manage_token_hash = sha256_hex(token);
      auto rp = self->make_response_promise<created_session>();
      self->request(self->state.ctx.stores.for_key(rec.id), store_timeout, atoms::insert::value,
                    rec)
        .then(
          [=](bool) mutable {
            ++self->state.created;
            metrics::global().inc(metrics::names::sessions_created,
                                  {{"app_type", std::string{to_string(rec.type)}}});
            adopt(self, rec, false);
            rp.deliver(created_session{rec, token, estimated_seconds});
          },
          [=](caf::error& err) mutable {
            if (!req.placed)
              self->state.admit->cancel(rec.owner);
            rp.deliver(std::move(err));
          });
      return rp;
    },
    [=](atoms::get, const std::string& id) -> caf::result<session_record> {
      auto rp = self->make_response_promise<session_record>();
      with_live_record(self, id, [=](session_record& rec) mutable { rp.deliver(std::move(rec)); },
                       [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::list, const session_filter& f) {
      return relay<std::vector<session_record>>(self, self->state.ctx.stores.any(),
                                                atoms::list::value, f);
    },
    [=](atoms::events, const std::string& id, int64_t after, int limit) {
      return relay<std::vector<event_record>>(self, self->state.ctx.stores.for_key(id),
                                              atoms::events::value, id, after, limit);
    },
    [=](atoms::files, const std::string& id) {
      return relay<generated_app>(self, self->state.ctx.stores.for_key(id),
                                  atoms::artload::value, id);
    },
    [=](atoms::destroy, const std::string& id, const std::string& token) {
      return for_owner(
        self, id, token, [=](session_record& rec, auto& rp) { destroy_session(self, rec, rp); },
        atoms::destroy::value, id, token);
    },
    [=](atoms::extend, const std::string& id, const std::string& token, int64_t seconds) {
      return for_owner(
        self, id, token,
        [=](session_record& rec, auto& rp) {
          to_live_actor(self, rec, rp, atoms::extend::value, seconds);
        },
        atoms::extend::value, id, token, seconds);
    },
    // custom domains (issue 18): the owner's session actor attaches them
    [=](atoms::domadd, const std::string& id, const std::string& token, std::string& domain) {
      return for_owner(
        self, id, token,
        [=](session_record& rec, auto& rp) {
          to_live_actor(self, rec, rp, atoms::domadd::value, domain);
        },
        atoms::domadd::value, id, token, domain);
    },
    [=](atoms::domrm, const std::string& id, const std::string& token, std::string& domain) {
      return for_owner(
        self, id, token,
        [=](session_record& rec, auto& rp) {
          to_live_actor(self, rec, rp, atoms::domrm::value, domain);
        },
        atoms::domrm::value, id, token, domain);
    },
    [=](atoms::domholder, const std::string& domain) {
      return relay<std::string>(self, self->state.ctx.stores.for_key(domain),
                                atoms::domholder::value, domain);
    },
    // turns and versions (issue 15, actors/session_manager_turns.hpp)
    [=](atoms::say, const std::string& id, const std::string& token, std::string& prompt) {
      return manager_turns::say(self, id, token, std::move(prompt));
    },
    [=](atoms::upload, const std::string& id, const std::string& token, std::string& source) {
      return manager_turns::upload(self, id, token, std::move(source));
    },
    [=](atoms::rollback, const std::string& id, const std::string& token, int version) {
      return manager_turns::rollback(self, id, token, version);
    },
    [=](atoms::thread, const std::string& id) { return manager_turns::thread(self, id); },
    [=](atoms::verload, const std::string& id, int version) {
      return manager_turns::version_files(self, id, version);
    },
    [=](atoms::diff, const std::string& id, int from, int to) {
      return manager_turns::diff(self, id, from, to);
    },
    [=](atoms::subscribe, const std::string& id, const event_sink_actor& sub) {
      auto i = self->state.sessions.find(id);
      if (i != self->state.sessions.end()) {
        self->send(i->second, atoms::subscribe::value, sub);
        return;
      }
      // Owned by another node: its manager subscribes the sink (events then
      // travel straight from the session actor there). Finished: replay the
      // log from the store.
      auto worker = self->state.ctx.stores.for_key(id);
      self->request(worker, store_timeout, atoms::get::value, id)
        .then(
          [=](session_record& rec) {
            if (auto owner = manager_cluster::owner_of(self, rec)) {
              self->send(*owner, atoms::subscribe::value, id, sub);
              return;
            }
            if (rec.state != phase::destroyed) { // no actor yet (adoption, takeover): retry
              self->send(sub, atoms::failed::value,
                         ours(self, rec) ? make_error(errc::unavailable,
                                                      "session " + id + " is being adopted", 1)
                                         : owner_away(rec));
              return;
            }
            event_record snapshot;
            snapshot.session_id = id;
            snapshot.at = now_ms();
            snapshot.phase = std::string{to_string(rec.state)};
            self->request(worker, store_timeout, atoms::events::value, id, int64_t{0}, 100000)
              .then(
                [=](std::vector<event_record>& evs) {
                  self->send(sub, atoms::event::value, rec, snapshot);
                  for (auto& ev : evs)
                    self->send(sub, atoms::event::value, rec, ev);
                  self->send(sub, atoms::endstream::value); // nothing more will come
                },
                [=](caf::error& err) { self->send(sub, atoms::failed::value, err); });
          },
          [=](caf::error& err) { self->send(sub, atoms::failed::value, err); });
    },
    [=](atoms::ready) { return manager_admin::ready(self); },
    // The edge (actors/edge.hpp): wake a sleeping app, route again, live ids.
    [=](atoms::wake, const std::string& id) -> caf::result<int64_t> {
      auto i = self->state.sessions.find(id);
      if (i == self->state.sessions.end())
        return make_error(errc::not_found, "no live session '" + id + "'");
      auto rp = self->make_response_promise<int64_t>();
      self->request(i->second, std::chrono::seconds{30}, atoms::wake::value)
        .then([=](int64_t took) mutable { rp.deliver(took); },
              [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::reroute) {
      for (auto& [id, a] : self->state.sessions)
        self->send(a, atoms::reroute::value);
    },
    [=](atoms::locate, const std::string& id) -> caf::result<session_actor_type> {
      auto i = self->state.sessions.find(id);
      if (i == self->state.sessions.end())
        return session_actor_type{};
      return i->second;
    },
    [=](atoms::liveids) -> caf::result<std::vector<std::string>> {
      if (!self->state.recovered)
        return make_error(errc::unavailable, "the sessions of the last run are not adopted yet");
      std::vector<std::string> ids;
      for (auto& [id, a] : self->state.sessions)
        ids.push_back(id);
      return ids;
    },
    [=](atoms::stats) { return manager_admin::stats(self); },
    // --- admin API (issue 6) ---
    [=](atoms::force, const std::string& id) -> caf::result<session_record> {
      auto rp = self->make_response_promise<session_record>();
      with_record(
        self, id,
        [=](session_record& rec) mutable {
          spdlog::warn("session {}: destroyed by an admin", id);
          destroy_session(self, rec, rp);
        },
        [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](atoms::introspect, const std::string& id) { return manager_admin::introspect(self, id); },
    [=](atoms::restart, const std::string& id) -> caf::result<std::string> {
      auto i = self->state.sessions.find(id);
      if (i == self->state.sessions.end()) {
        // 404 for a session that does not exist, 409 for one no actor holds here.
        auto rp = self->make_response_promise<std::string>();
        self->request(self->state.ctx.stores.for_key(id), store_timeout, atoms::get::value, id)
          .then(
            [=](session_record&) mutable {
              rp.deliver(make_error(errc::conflict, "no live actor holds session " + id
                                                      + " on this node (ended, or held elsewhere)"));
            },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      }
      auto rp = self->make_response_promise<std::string>();
      self->state.restarts[id].push_back(rp);
      spdlog::warn("session {}: its actor is restarted by an admin", id);
      self->send_exit(i->second, make_error(errc::internal, "restarted by an admin"));
      return rp;
    },
    [=](atoms::respawn, const std::string& id, uint64_t old, caf::error& reason, int attempt) {
      if (!self->state.sessions.count(id)) {
        respawn(self, id, old, reason, attempt);
        return;
      }
      self->state.respawning.erase(id); // adopted meanwhile: the admin hears of it
      restarted(self, id, make_error(errc::conflict, "the session was adopted meanwhile"));
    },
    [=](atoms::admlist, const session_filter& f) { return manager_admin::list_live(self, f); },
    [=](atoms::nodes) {
      return relay<std::vector<node_record>>(self, self->state.ctx.stores.any(),
                                             atoms::nodes::value);
    },
    [=](atoms::keys, const std::string& owner) { return manager_admin::create_key(self, owner); },
    [=](atoms::revoke, const std::string& key_id) {
      return manager_admin::revoke_key(self, key_id);
    },
  };
}

} // namespace spawn
