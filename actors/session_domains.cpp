// A session's custom domains (issue 18): held in the store (one live session
// per domain), listed in the session's metadata (so a restart or a takeover
// routes them again), and hosts of the session's edge route.
#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/session_steps.hpp"
#include "core/domain_name.hpp"
#include "core/error.hpp"

namespace spawn::session_steps {

namespace {

using nlohmann::json;

constexpr auto store_timeout = std::chrono::seconds{30};
constexpr auto edge_timeout = std::chrono::seconds{30};

void set_domains(session_record& rec, const std::vector<std::string>& domains) {
  auto meta = json::parse(rec.metadata, nullptr, false);
  if (!meta.is_object())
    meta = json::object();
  if (domains.empty())
    meta.erase("domains");
  else
    meta["domains"] = domains;
  rec.metadata = meta.dump();
}

caf::error refuse_unless_live(session_self self) {
  auto s = self->state.record.state;
  if (!is_live(s) || s == phase::destroying || winding_down(self))
    return make_error(errc::conflict, "the session is " + std::string{to_string(s)});
  return {};
}

/// Once persisted: the route follows (when the app is routed), then `rp` gets
/// the session as readers see it. A route that fails is logged; the edge
/// keeper and the next reroute put it with the stored domains.
void route_and_answer(session_self self, caf::typed_response_promise<session_record> rp) {
  auto& st = self->state;
  if (!st.edge) {
    rp.deliver(st.visible);
    return;
  }
  self->request(st.edge, edge_timeout, atoms::domains::value, domains_of(st.record))
    .then([=](bool) mutable { rp.deliver(self->state.visible); },
          [=](caf::error& err) mutable {
            emit(self, "warn", "The edge route did not take the domains yet: " + message_of(err));
            rp.deliver(self->state.visible);
          });
}

} // namespace

caf::result<session_record> attach_domain(session_self self, std::string text) {
  auto& st = self->state;
  auto apps = st.ctx.edge ? st.ctx.edge->settings().apps_domain : st.ctx.cfg->edge_apps_domain;
  auto domain = normalize_domain(text, apps);
  if (!domain)
    return domain.error();
  if (auto err = refuse_unless_live(self))
    return err;
  auto have = domains_of(st.record);
  if (std::find(have.begin(), have.end(), *domain) != have.end())
    return st.visible;
  auto cap = st.ctx.cfg->edge_max_domains;
  if (static_cast<int>(have.size()) >= cap)
    return make_error(errc::invalid_input, "a session may have at most " + std::to_string(cap)
                                             + " custom domains (edge.max_domains_per_session)");
  auto rp = self->make_response_promise<session_record>();
  auto d = *domain;
  self->request(st.ctx.stores.for_key(st.record.id), store_timeout, atoms::domclaim::value,
                st.record.id, d)
    .then(
      [=](bool) mutable {
        if (auto err = refuse_unless_live(self)) { // destroyed while the store answered
          self->request(self->state.ctx.stores.for_key(self->state.record.id), store_timeout,
                        atoms::domfree::value, self->state.record.id, d)
            .then([](bool) {}, [](caf::error&) {}); // a dead holder gives way anyway
          rp.deliver(std::move(err));
          return;
        }
        auto now = domains_of(self->state.record);
        if (std::find(now.begin(), now.end(), d) == now.end())
          now.push_back(d);
        set_domains(self->state.record, now);
        event_record ev;
        ev.message = "Custom domain " + d + " attached";
        persist(self, std::move(ev), true, [=]() mutable { route_and_answer(self, rp); });
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<session_record> detach_domain(session_self self, std::string text) {
  auto& st = self->state;
  auto apps = st.ctx.edge ? st.ctx.edge->settings().apps_domain : st.ctx.cfg->edge_apps_domain;
  auto domain = normalize_domain(text, apps);
  if (!domain)
    return domain.error();
  auto have = domains_of(st.record);
  auto i = std::find(have.begin(), have.end(), *domain);
  if (i == have.end())
    return make_error(errc::not_found, "the domain " + *domain + " is not attached to "
                                         + st.record.id);
  if (auto err = refuse_unless_live(self))
    return err;
  have.erase(i);
  set_domains(st.record, have);
  event_record ev;
  ev.message = "Custom domain " + *domain + " detached";
  auto rp = self->make_response_promise<session_record>();
  auto d = *domain;
  persist(self, std::move(ev), true, [=]() mutable {
    // The hold goes once the metadata no longer lists it: ask never approves
    // a domain the session lists without holding.
    self->request(self->state.ctx.stores.for_key(self->state.record.id), store_timeout,
                  atoms::domfree::value, self->state.record.id, d)
      .then([](bool) {},
            [=](caf::error& err) {
              spdlog::warn("session {}: could not give up the domain {} ({})",
                           self->state.record.id, d, message_of(err));
            });
    route_and_answer(self, rp);
  });
  return rp;
}

} // namespace spawn::session_steps
