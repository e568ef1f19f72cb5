#include "actors/session_manager_admin.hpp"

#include <memory>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/session_manager_cluster.hpp"
#include "core/error.hpp"
#include "core/tokens.hpp"

namespace spawn::manager_admin {

namespace {

using nlohmann::json;

constexpr auto ask_timeout = std::chrono::seconds{10};

json time_json(epoch_ms t) {
  return t > 0 ? json(iso8601(t)) : json(nullptr);
}

} // namespace

void heartbeat(self_ptr self) {
  auto& st = self->state;
  if (auto keys = st.ctx.keys)
    self->request(st.ctx.stores.any(), ask_timeout, atoms::keys::value)
      .then([keys](std::vector<api_key_record>& ks) { keys->replace(ks); },
            [](caf::error& err) {
              spdlog::warn("cannot reload the API keys: {}", message_of(err));
            });
}

caf::result<std::string> introspect(self_ptr self, const std::string& id) {
  auto rp = self->make_response_promise<std::string>();
  auto& st = self->state;
  auto i = st.sessions.find(id);
  if (i == st.sessions.end()) {
    self->request(st.ctx.stores.for_key(id), ask_timeout, atoms::get::value, id)
      .then(
        [=](session_record& rec) mutable {
          if (auto owner = manager_cluster::owner_of(self, rec)) { // its actor lives there
            self->request(*owner, ask_timeout, atoms::introspect::value, id)
              .then([=](std::string& body) mutable { rp.deliver(std::move(body)); },
                    [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
            return;
          }
          rp.deliver(json{{"id", id},
                          {"live", false},
                          {"state", std::string{to_string(rec.state)}},
                          {"node_id", rec.node_id},
                          {"actor", nullptr}}
                       .dump());
        },
        [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
    return rp;
  }
  auto actor = i->second;
  self->request(actor, ask_timeout, atoms::introspect::value)
    .then(
      [=](std::string& body) mutable {
        auto j = json::parse(body, nullptr, false);
        if (j.is_discarded())
          j = json{{"raw", body}};
        rp.deliver(json{{"id", id},
                        {"live", true},
                        {"actor", {{"id", actor.id()}, {"node", self->state.ctx.cfg->node_id}}},
                        {"state", j}}
                     .dump());
      },
      [=](caf::error& err) mutable {
        rp.deliver(make_error(errc::unavailable,
                              "the session actor did not answer: " + message_of(err)));
      });
  return rp;
}

caf::result<admin_session_list> list_live(self_ptr self, session_filter f) {
  auto rp = self->make_response_promise<admin_session_list>();
  self->request(self->state.ctx.stores.any(), ask_timeout, atoms::list::value, f)
    .then(
      [=](std::vector<session_record>& recs) mutable {
        auto out = std::make_shared<admin_session_list>();
        out->sessions = std::move(recs);
        auto pending = std::make_shared<int>(2);
        auto done = [=]() mutable {
          if (--*pending == 0)
            rp.deliver(*out);
        };
        // Sessions whose actor lives on another node: that node says which.
        auto remote = std::make_shared<std::vector<std::string>>();
        manager_cluster::peer_live_ids(self, remote, [=]() mutable {
          std::set<std::string> shown;
          for (auto& s : out->sessions)
            shown.insert(s.id);
          for (auto& id : *remote)
            if (shown.count(id))
              out->live_ids.push_back(id);
          done();
        });
        for (size_t k = 0; k < out->sessions.size(); ++k) {
          auto i = self->state.sessions.find(out->sessions[k].id);
          if (i == self->state.sessions.end())
            continue;
          out->live_ids.push_back(i->first);
          ++*pending;
          self->request(i->second, ask_timeout, atoms::get::value)
            .then(
              [=](session_record& r) mutable {
                out->sessions[k] = std::move(r);
                done();
              },
              [=](caf::error&) mutable { done(); });
        }
        done();
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<std::string> create_key(self_ptr self, const std::string& owner) {
  auto rp = self->make_response_promise<std::string>();
  auto key = new_api_key();
  api_key_record rec;
  rec.id = new_api_key_id();
  rec.owner = owner;
  rec.key_hash = sha256_hex(key);
  rec.created_at = now_ms();
  self->request(self->state.ctx.stores.any(), ask_timeout, atoms::addkey::value, rec)
    .then(
      [=](bool) mutable {
        if (auto keys = self->state.ctx.keys)
          keys->put(rec);
        spdlog::info("API key {} created for owner {}", rec.id, owner);
        rp.deliver(json{{"id", rec.id},
                        {"owner", owner},
                        {"key", key},
                        {"created_at", time_json(rec.created_at)}}
                     .dump());
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<std::string> revoke_key(self_ptr self, const std::string& key_id) {
  auto rp = self->make_response_promise<std::string>();
  self->request(self->state.ctx.stores.any(), ask_timeout, atoms::revoke::value, key_id)
    .then(
      [=](api_key_record& rec) mutable {
        if (auto keys = self->state.ctx.keys)
          keys->put(rec);
        spdlog::info("API key {} of owner {} revoked", rec.id, rec.owner);
        rp.deliver(json{{"id", rec.id},
                        {"owner", rec.owner},
                        {"revoked_at", time_json(rec.revoked_at)}}
                     .dump());
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<std::string> ready(self_ptr self) {
  auto rp = self->make_response_promise<std::string>();
  auto runtime = self->state.ctx.runtime;
  auto recovered = self->state.recovered;
  self->request(self->state.ctx.stores.any(), std::chrono::seconds{5}, atoms::ping::value)
    .then(
      [=](bool db) mutable {
        blocking_call(self, self->state.ctx.io, std::chrono::seconds{5},
                      [runtime]() -> caf::expected<bool> { return runtime->ping(); })
          .then(
            [=](bool docker) mutable {
              nlohmann::json j{{"ready", db && docker && recovered}, {"database", db},
                               {"docker", docker}, {"recovered", recovered}};
              rp.deliver(j.dump());
            },
            [=](caf::error&) mutable {
              rp.deliver(nlohmann::json{{"ready", false}, {"database", db},
                                        {"docker", false}, {"recovered", recovered}}
                           .dump());
            });
      },
      [=](caf::error&) mutable {
        rp.deliver(nlohmann::json{{"ready", false}, {"database", false},
                                  {"recovered", recovered}}
                     .dump());
      });
  return rp;
}

caf::result<std::string> stats(self_ptr self) {
  auto& st = self->state;
  json peers = json::object();
  for (auto& [id, link] : st.peers)
    peers[id] = {{"epoch", link.node.epoch}, {"connected", bool(link.manager)}};
  json j{{"node_id", st.ctx.cfg->node_id},
         {"epoch", st.epoch},
         {"cluster", st.ctx.cfg->cluster_name},
         {"peers", peers},
         {"sessions_live", st.sessions.size()},
         {"sessions_created", st.created},
         {"sessions_refused", st.admit->refused()},
         {"recovered", st.recovered},
         {"started_at", time_json(st.started_at)},
         {"actors_running", self->home_system().registry().running()}};
  json owners = json::object();
  for (auto& [id, owner] : st.owners)
    owners[owner] = owners.value(owner, 0) + 1;
  j["live_sessions_by_owner"] = owners;
  // The generation queue's and the warm pool's own figures, asked in turn.
  auto rp = self->make_response_promise<std::string>();
  auto out = std::make_shared<json>(std::move(j));
  auto with_pool = [=]() mutable {
    if (!self->state.ctx.pool) {
      rp.deliver(out->dump());
      return;
    }
    self->request(self->state.ctx.pool, ask_timeout, atoms::stats::value)
      .then(
        [=](std::string& p) mutable {
          (*out)["warm_pool"] = json::parse(p, nullptr, false);
          rp.deliver(out->dump());
        },
        [=](caf::error& err) mutable {
          (*out)["warm_pool"] = {{"error", message_of(err)}};
          rp.deliver(out->dump());
        });
  };
  if (!st.ctx.gen_queue) {
    with_pool();
    return rp;
  }
  self->request(st.ctx.gen_queue, ask_timeout, atoms::stats::value)
    .then(
      [=](std::string& q) mutable {
        (*out)["generation_queue"] = json::parse(q, nullptr, false);
        with_pool();
      },
      [=](caf::error& err) mutable {
        (*out)["generation_queue"] = {{"error", message_of(err)}};
        with_pool();
      });
  return rp;
}

} // namespace spawn::manager_admin
