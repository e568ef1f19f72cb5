// The fix loop (issue 15 item 4, DESIGN §8a): a version a model made is
// checked once it answers in its container (its page loaded in a headless
// browser for webapps and sites, infra/page_check), and the errors go back to
// the model as a follow-up, at most generation.fix_rounds times and within the
// session's token budget. Each round is an event. A version that still has
// errors never serves: the turn fails and the version before serves on. On a
// first version, which already serves, errors start a `fix` turn.
#include <caf/all.hpp>

#include "actors/blocking.hpp"
#include "actors/provisioner.hpp"
#include "actors/session_accounting.hpp"
#include "actors/session_turns.hpp"
#include "core/error.hpp"
#include "infra/page_check.hpp"

namespace spawn::session_steps {

namespace turns {

void generate_fix(session_self self);

/// Made by a model (not the offline templates, not a stored version).
bool model_made(session_self self, const generated_app& app) {
  return self->state.turns.restored_from == 0 && !app.backend.empty() && app.backend != "template";
}

/// Its pages are loaded headless by the check (an api or a script is checked
/// by answering, which the deployment waits for).
bool has_pages(session_self self) {
  auto t = self->state.record.type;
  return t == app_type::webapp || t == app_type::site;
}

std::string listed(const std::vector<std::string>& errors) {
  std::string out;
  for (size_t i = 0; i < errors.size() && i < 5; ++i)
    out += (i ? "; " : "") + errors[i];
  if (errors.size() > 5)
    out += "; and " + std::to_string(errors.size() - 5) + " more";
  return out;
}

/// Loads the app of the container on `host_port` headless and hands its
/// errors to `then`. A browser that cannot run is said and counts as none:
/// the check is then the app answering, which the deployment waited for.
void check_page_then(session_self self, const std::string& address, int host_port,
                     std::function<void(std::vector<std::string>)> then) {
  auto& g = self->state.ctx.cfg->generation;
  page_check_options opt;
  opt.browser = find_browser(g.check_browser);
  opt.settle_ms = g.check_settle_ms;
  opt.timeout_ms = g.check_timeout_ms;
  if (opt.browser.empty()) {
    if (g.check_browser != "none")
      emit(self, "info", "No headless browser for the page check (generation.check_browser): "
                         "the app answering is the check");
    then({});
    return;
  }
  auto url = loopback_url(host_port, address) + "/";
  blocking_call(self, self->state.ctx.io, ms(opt.timeout_ms + 5000),
                [url, opt]() { return check_page(url, opt); })
    .then([=](std::vector<std::string>& errors) { then(std::move(errors)); },
          [=](caf::error& err) {
            emit(self, "warn", "The page check could not run (" + message_of(err)
                                 + "); the app answering is the check");
            then({});
          });
}

/// What the model is asked after a check found `errors`.
std::string fix_instruction(const std::string& asked, const std::vector<std::string>& errors) {
  std::string out = "The version you just made does not work. Checked in a browser, it shows "
                    "these errors:\n";
  for (auto& e : errors)
    out += "- " + e + "\n";
  out += "Fix them";
  if (!asked.empty())
    out += ", and keep doing what was asked: " + asked;
  return out + ".";
}

/// The new version has errors: another round for the model, or the end of
/// the turn (the version before serves on).
void try_fix(session_self self, std::vector<std::string> errors) {
  auto& st = self->state;
  auto rounds = st.ctx.cfg->generation.fix_rounds;
  auto n = std::to_string(st.turns.current->number);
  if (st.turns.fix_round >= rounds) {
    turn_failed(self, "the new version has errors"
                        + (rounds > 0 ? " after " + std::to_string(rounds) + " fix round"
                                          + (rounds > 1 ? "s" : "")
                                      : std::string{" (generation.fix_rounds is 0)"})
                        + ": " + listed(errors) + ".");
    return;
  }
  ++st.turns.fix_round;
  st.turns.errors = std::move(errors);
  emit(self, "warn", "Turn " + n + ": the check found " + std::to_string(st.turns.errors.size())
                       + " error" + (st.turns.errors.size() > 1 ? "s" : "") + " ("
                       + listed(st.turns.errors) + "); fix round " + std::to_string(st.turns.fix_round)
                       + " of " + std::to_string(rounds));
  if (!st.turns.lease) {
    generate_fix(self);
    return;
  }
  // The broken version's container goes first: the fixed one takes its name.
  auto lease = *st.turns.lease;
  st.turns.lease.reset();
  remove_lease(self, lease, [self] { generate_fix(self); });
}

void generate_fix(session_self self) {
  auto& st = self->state;
  if (!st.turns.current || !st.turns.next || winding_down(self))
    return;
  if (!accounting::may_generate(self, [self] { generate_fix(self); }))
    return; // waits in the node's generation queue
  auto req = generation_request_of(st.record);
  auto& t = *st.turns.current;
  req.instruction = fix_instruction(t.kind == "fix" ? std::string{} : t.prompt, st.turns.errors);
  req.base = *st.turns.next;
  start_generation(self, turn_hooks(self), std::move(req));
}

/// The new version answers in its container: a model's pages are loaded
/// headless before the version is stored and the route switches.
void check_next(session_self self) {
  auto& st = self->state;
  if (!model_made(self, *st.turns.next) || !has_pages(self)) {
    store_version(self);
    return;
  }
  auto n = std::to_string(st.turns.current->number);
  emit(self, "info", "Turn " + n + ": loading the new version in a headless browser to check it");
  check_page_then(self, st.turns.lease->container.address, st.turns.lease->container.host_port, [self, n](std::vector<std::string> errors) {
    auto& s = self->state;
    if (!s.turns.current || !s.turns.lease || winding_down(self))
      return;
    if (!errors.empty()) {
      try_fix(self, std::move(errors));
      return;
    }
    emit(self, "info", "Turn " + n + ": the check found no error");
    store_version(self);
  });
}

} // namespace turns

using namespace turns;

void check_first_version(session_self self) {
  auto& st = self->state;
  if (!st.app || st.from_cache || !model_made(self, *st.app) || !has_pages(self)
      || st.record.host_port == 0)
    return;
  check_page_then(self, st.ctx.runtime->address_of(st.record.container_id), st.record.host_port, [self](std::vector<std::string> errors) {
    auto& s = self->state;
    if (winding_down(self))
      return;
    if (errors.empty()) {
      emit(self, "info", "The page check found no error");
      return;
    }
    auto rounds = s.ctx.cfg->generation.fix_rounds;
    std::string found = "The page check found " + std::to_string(errors.size()) + " error"
                        + (errors.size() > 1 ? "s" : "") + " (" + listed(errors) + ")";
    if (rounds <= 0) {
      emit(self, "warn", found + "; generation.fix_rounds is 0, so no fix is tried");
      return;
    }
    if (auto why = busy_reason(self); !why.empty()) {
      emit(self, "warn", found + "; no fix now: " + why);
      return;
    }
    turn_record t;
    t.kind = "fix";
    t.prompt = "Fix the errors the check found: " + listed(errors);
    accept(self, t, std::nullopt, [self, found, errors, rounds](session_self) {
      auto& s2 = self->state;
      s2.turns.fix_round = 1;
      s2.turns.errors = errors;
      s2.turns.next = s2.turns.base;
      emit(self, "warn", "Turn " + std::to_string(s2.turns.current->number) + ": " + found
                           + "; fix round 1 of " + std::to_string(rounds));
      generate_fix(self);
    });
  });
}

} // namespace spawn::session_steps
