// The session manager's part of turns and versions (issue 15): owner checks
// and forwarding to the live session actor, the thread, versions and diffs
// read from the store.
#include "actors/session_manager_turns.hpp"

#include <caf/all.hpp>

#include "actors/blocking.hpp"
#include "actors/relay.hpp"
#include "core/error.hpp"
#include "core/tokens.hpp"

namespace spawn::manager_turns {

namespace {

constexpr auto store_timeout = std::chrono::seconds{30};

/// The session's record: its live actor's view, else the store's.
template <class Ok, class Fail>
void with_record(self_ptr self, const std::string& id, Ok ok, Fail fail) {
  auto i = self->state.sessions.find(id);
  if (i != self->state.sessions.end())
    self->request(i->second, store_timeout, atoms::get::value).then(ok, fail);
  else
    self->request(self->state.ctx.stores.for_key(id), store_timeout, atoms::get::value, id)
      .then(ok, fail);
}

caf::error check_token(const session_record& rec, const std::string& token) {
  if (token.empty())
    return make_error(errc::unauthorized, "the X-Manage-Token header is required");
  if (!constant_time_equal(sha256_hex(token), rec.manage_token_hash))
    return make_error(errc::forbidden, "the manage token does not match this session");
  return {};
}

/// Checks the token, then asks the live actor with `xs...`.
template <class... Ts>
caf::result<turn_record> to_owner(self_ptr self, const std::string& id,
                                  const std::string& token, Ts... xs) {
  auto rp = self->make_response_promise<turn_record>();
  with_record(
    self, id,
    [=](session_record& rec) mutable {
      if (auto err = check_token(rec, token)) {
        rp.deliver(std::move(err));
        return;
      }
      auto i = self->state.sessions.find(id);
      if (i == self->state.sessions.end()) {
        rp.deliver(make_error(errc::conflict, "a turn needs a running session (it is "
                                                + std::string{to_string(rec.state)} + ")"));
        return;
      }
      // Generous: the actor answers once the turn is stored and announced.
      self->request(i->second, std::chrono::seconds{60}, xs...)
        .then([=](turn_record& t) mutable { rp.deliver(std::move(t)); },
              [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
    },
    [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace

caf::result<turn_record> say(self_ptr self, const std::string& id, const std::string& token,
                             std::string prompt) {
  return to_owner(self, id, token, atoms::say::value, std::move(prompt));
}

caf::result<turn_record> upload(self_ptr self, const std::string& id, const std::string& token,
                                std::string source) {
  return to_owner(self, id, token, atoms::upload::value, std::move(source));
}

caf::result<turn_record> rollback(self_ptr self, const std::string& id,
                                  const std::string& token, int version) {
  return to_owner(self, id, token, atoms::rollback::value, version);
}

caf::result<session_thread> thread(self_ptr self, const std::string& id) {
  auto rp = self->make_response_promise<session_thread>();
  auto worker = self->state.ctx.stores.for_key(id);
  with_record(
    self, id,
    [=](session_record& rec) mutable {
      self->request(worker, store_timeout, atoms::turns::value, id)
        .then(
          [=](std::vector<turn_record>& turns) mutable {
            self->request(worker, store_timeout, atoms::versions::value, id)
              .then(
                [=](std::vector<version_info>& versions) mutable {
                  rp.deliver(session_thread{rec, std::move(turns), std::move(versions)});
                },
                [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
    },
    [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<generated_app> version_files(self_ptr self, const std::string& id, int version) {
  return relay<generated_app>(self, self->state.ctx.stores.for_key(id), atoms::verload::value,
                              id, version);
}

caf::result<version_diff> diff(self_ptr self, const std::string& id, int from, int to) {
  auto rp = self->make_response_promise<version_diff>();
  auto worker = self->state.ctx.stores.for_key(id);
  self->request(worker, store_timeout, atoms::verload::value, id, from)
    .then(
      [=](generated_app& a) mutable {
        self->request(worker, store_timeout, atoms::verload::value, id, to)
          .then(
            [=](generated_app& b) mutable {
              blocking_call(self, self->state.ctx.io, std::chrono::seconds{30},
                            [a, b, from, to]() -> caf::expected<version_diff> {
                              return diff_apps(a, from, b, to);
                            })
                .then([=](version_diff& d) mutable { rp.deliver(std::move(d)); },
                      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
            },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace spawn::manager_turns
