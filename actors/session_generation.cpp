// The generation part of a session (issue 5): token budgets, the prompt
// cache, the request to the generation worker, its progress and token usage.

#include "actors/session_generation.hpp"

#include <algorithm>
#include <cstdio>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/session_steps.hpp"
#include "core/error.hpp"
#include "infra/prompt_cache.hpp"

namespace spawn {

namespace {

using self_ptr = session_pointer;
using session_steps::call_child;
using session_steps::pending;
constexpr auto gen = session_step::generation;

bool winding_down(self_ptr self) {
  auto s = self->state.record.state;
  return s == phase::failed || s == phase::destroying || s == phase::destroyed;
}

std::string label(const std::string& backend, const std::string& model) {
  return model.empty() ? backend : backend + " (" + model + ")";
}

void ask_worker(self_ptr self, generation_request req, generation_hooks h) {
  auto& st = self->state;
  h.ensure_children();
  auto timeout = std::chrono::milliseconds{st.ctx.cfg->generation.timeout_ms};
  bool upload = !req.source.empty();
  if (upload) // the builder stops itself at source.timeout_ms
    timeout = std::chrono::milliseconds{st.ctx.cfg->source.timeout_ms + 60000};
  call_child<generated_app>(
    self, gen, st.generator, timeout, [=](generated_app& app) { h.done(std::move(app)); },
    [=](const caf::error& err) {
      auto& s = self->state;
      if (err == caf::sec::request_timeout && s.generator) {
        // The backend call is stuck on its pool thread: a retry gets a fresh
        // worker and another thread (the stuck call's answer is dropped).
        spdlog::warn("session {}: generation timed out; replacing its worker", s.record.id);
        self->demonitor(s.generator.address());
        self->send_exit(s.generator, caf::exit_reason::kill);
        s.generator = generation_worker_actor{};
      }
      if (winding_down(self))
        return;
      if (code_of(err) == errc::budget_exceeded)
        h.fail("generation stopped: " + message_of(err));
      else if (upload && code_of(err) == errc::invalid_input) // the same upload fails again
        h.fail(message_of(err));
      else
        h.failed(err);
    },
    atoms::run::value, req, caf::actor_cast<generation_listener_actor>(self));
}

/// Looks for the request's answer in the prompt cache, backend by backend in
/// the order of the chain; the first hit is deployed without a model call.
void lookup_cache(self_ptr self, generation_request req,
                  std::vector<std::pair<std::string, std::string>> links, size_t i,
                  generation_hooks h) {
  auto& st = self->state;
  auto ttl = st.ctx.cfg->generation.cache_ttl_seconds;
  if (ttl <= 0 || i >= links.size() || !req.instruction.empty()) {
    ask_worker(self, std::move(req), std::move(h));
    return;
  }
  auto key = prompt_cache_key(req, links[i].first, links[i].second);
  auto since = now_ms() - ttl * 1000;
  auto store = st.ctx.stores.for_key(st.record.id);
  call_child<generated_app>(
    self, gen, store, std::chrono::seconds{30},
      [=](generated_app& app) {
        if (winding_down(self))
          return;
        self->state.from_cache = true;
        h.emit("info", "Prompt cache: the same request was answered by "
                         + label(app.backend, app.model) + " within the last "
                         + std::to_string(std::max<int64_t>(1, ttl / 60))
                         + " min; reusing those files (no model call)");
        h.done(std::move(app));
      },
      [=](const caf::error& err) {
        if (winding_down(self))
          return;
        auto miss = code_of(err) == errc::not_found;
        if (!miss) // the cache is an optimisation: go on without it
          h.emit("warn", "Prompt cache unavailable (" + message_of(err) + ")");
        lookup_cache(self, req, links, miss ? i + 1 : links.size(), h);
      },
    atoms::cached::value, key, since);
}

} // namespace

generation_request generation_request_of(const session_record& rec) {
  generation_request req;
  req.prompt = rec.prompt;
  req.type = rec.type;
  auto meta = nlohmann::json::parse(rec.metadata, nullptr, false);
  if (meta.is_object() && meta.contains("site") && meta["site"].is_object())
    req.details = meta["site"].dump();
  req.source = upload_source_of(rec);
  return req;
}

std::string upload_source_of(const session_record& rec) {
  auto meta = nlohmann::json::parse(rec.metadata, nullptr, false);
  if (!meta.is_object() || !meta.contains("source") || !meta["source"].is_object())
    return {};
  auto archive = meta["source"].value("archive", nlohmann::json());
  if (!archive.is_string())
    return {};
  return nlohmann::json{{"archive", archive}, {"session", rec.id}}.dump();
}

void start_generation(self_ptr self, generation_hooks h) {
  start_generation(self, std::move(h), generation_request_of(self->state.record));
}

void start_generation(self_ptr self, generation_hooks h, generation_request req) {
  auto& st = self->state;
  auto& g = st.ctx.cfg->generation;
  st.from_cache = false;
  auto links = cacheable_links(*st.ctx.gen);
  if (links.empty() || !req.source.empty()) { // uploads: no tokens, no prompt cache // the offline templates: free, fast, deterministic
    ask_worker(self, std::move(req), std::move(h));
    return;
  }
  auto used = st.record.input_tokens + st.record.output_tokens;
  if (g.session_token_budget > 0) {
    auto left = g.session_token_budget - used;
    if (left <= 0) {
      h.fail("the session's token budget of " + std::to_string(g.session_token_budget)
             + " tokens is spent (" + std::to_string(used) + " used)");
      return;
    }
    req.token_budget = left;
  }
  if (g.owner_token_budget <= 0) {
    lookup_cache(self, std::move(req), std::move(links), 0, std::move(h));
    return;
  }
  auto since = now_ms() - g.owner_budget_window_hours * 3600 * 1000;
  auto store = st.ctx.stores.for_key(st.record.id);
  call_child<int64_t>(
    self, gen, store, std::chrono::seconds{30},
      [=](int64_t owner_used) mutable {
        if (winding_down(self))
          return;
        auto& gen = self->state.ctx.cfg->generation;
        // This session's own tokens reach the store only with its transitions.
        auto spent = std::max(owner_used, used);
        auto owner_left = gen.owner_token_budget - spent;
        if (owner_left <= 0) {
          h.fail("the owner's token budget of " + std::to_string(gen.owner_token_budget)
                 + " tokens per " + std::to_string(gen.owner_budget_window_hours)
                 + " h is spent (" + std::to_string(spent) + " used)");
          return;
        }
        req.token_budget = req.token_budget > 0 ? std::min(req.token_budget, owner_left)
                                                : owner_left;
        lookup_cache(self, req, links, 0, h);
      },
      [=](const caf::error& err) mutable {
        if (winding_down(self))
          return;
        h.emit("warn", "Owner token usage unavailable (" + message_of(err)
                         + "); only the session's budget applies");
        lookup_cache(self, req, links, 0, h);
      },
    atoms::tokens::value, st.record.owner, since);
}

void on_generation_progress(self_ptr self, const std::string& step, const generation_hooks& h) {
  auto& st = self->state;
  if (winding_down(self) || !pending(self, gen))
    return;
  auto now = now_ms();
  bool tokens = step.find("tokens received") != std::string::npos;
  if (tokens && now - st.progress_at < st.ctx.cfg->generation.progress_interval_ms)
    return;
  if (++st.progress_events > 200)
    return; // a runaway backend does not flood the log
  if (tokens)
    st.progress_at = now;
  h.emit("info", step);
}

void on_generation_usage(self_ptr self, const token_usage& u, const generation_hooks& h) {
  auto& rec = self->state.record;
  rec.input_tokens += u.input_tokens;
  rec.output_tokens += u.output_tokens;
  rec.generation_cost_usd += u.cost_usd;
  char cost[32];
  std::snprintf(cost, sizeof cost, "%.6f", u.cost_usd);
  h.emit("info", label(u.backend, u.model) + ": " + std::to_string(u.input_tokens) + " input + "
                   + std::to_string(u.output_tokens) + " output tokens ($" + cost
                   + "); session total " + std::to_string(rec.input_tokens + rec.output_tokens)
                   + " tokens");
}

std::string generation_cache_key(self_ptr self, const generated_app& app) {
  auto& st = self->state;
  if (st.from_cache || app.backend.empty() || app.backend == "template" || app.backend == "upload"
      || st.ctx.cfg->generation.cache_ttl_seconds <= 0)
    return {};
  return prompt_cache_key(generation_request_of(st.record), app.backend, app.model);
}

} // namespace spawn
