#include "infra/chain_generator.hpp"

#include <algorithm>
#include <exception>
#include <thread>

#include "core/error.hpp"

namespace spawn {

bool retryable(const caf::error& err) {
  switch (code_of(err)) {
    case errc::timeout:
    case errc::io_error:
    case errc::unavailable:
    case errc::rate_limited:
    case errc::generation_failed:
      return true;
    default:
      return false;
  }
}

chain_generator::chain_generator(std::vector<std::shared_ptr<generator>> links,
                                 chain_settings s, sleeper sleep)
  : links_(std::move(links)), s_(s), sleep_(std::move(sleep)) {
  if (!sleep_)
    sleep_ = [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds{ms}); };
}

std::string chain_generator::name() const {
  std::string out;
  for (auto& g : links_)
    out += (out.empty() ? "" : ">") + g->name();
  return out;
}

std::string chain_generator::model() const {
  return links_.empty() ? std::string{} : links_.front()->model();
}

caf::expected<generated_app> chain_generator::generate(const generation_request& req) {
  return generate_observed(req, {});
}

caf::expected<generated_app> chain_generator::generate_observed(const generation_request& req,
                                                                const generation_observer& obs) {
  auto say = [&](const std::string& s) {
    if (obs.progress)
      obs.progress(s);
  };
  int64_t spent = 0;
  caf::error last = make_error(errc::generation_failed, "no generation backend configured");
  for (size_t i = 0; i < links_.size(); ++i) {
    auto& g = *links_[i];
    auto label = g.model().empty() ? g.name() : g.name() + " (" + g.model() + ")";
    for (int attempt = 1; attempt <= s_.attempts_per_backend; ++attempt) {
      if (req.token_budget > 0 && spent >= req.token_budget)
        return make_error(errc::budget_exceeded, "the token budget of "
                                                   + std::to_string(req.token_budget)
                                                   + " tokens is spent (" + std::to_string(spent)
                                                   + " used)");
      auto sub = req;
      if (req.token_budget > 0)
        sub.token_budget = req.token_budget - spent;
      int64_t retry_after = -1;
      generation_observer inner;
      inner.progress = obs.progress;
      inner.usage = [&](const token_usage& u) {
        spent += u.input_tokens + u.output_tokens;
        if (obs.usage)
          obs.usage(u);
      };
      inner.retry_after = [&](int64_t ms) { retry_after = ms; };
      say("Generating with " + label + (attempt > 1 ? ", attempt " + std::to_string(attempt) + " of "
                                                        + std::to_string(s_.attempts_per_backend)
                                                    : std::string{}));
      caf::expected<generated_app> r = make_error(errc::internal, "not run");
      try {
        r = g.generate_observed(sub, inner);
      } catch (const std::exception& e) {
        r = make_error(errc::internal, g.name() + " generator threw: " + e.what());
      }
      if (r) {
        if (r->backend.empty())
          r->backend = g.name();
        if (r->model.empty())
          r->model = g.model();
        return r;
      }
      last = r.error();
      if (code_of(last) == errc::budget_exceeded)
        return last;
      if (!retryable(last)) {
        say(g.name() + " failed (" + message_of(last) + "); not retrying it");
        break;
      }
      if (attempt < s_.attempts_per_backend) {
        auto wait = retry_after >= 0 ? std::min(retry_after, s_.max_wait_ms)
                                     : std::min(s_.max_wait_ms, s_.backoff_ms << (attempt - 1));
        say(g.name() + " failed (" + message_of(last) + "); retry "
            + std::to_string(attempt + 1) + " of " + std::to_string(s_.attempts_per_backend)
            + " in " + std::to_string(wait) + " ms");
        sleep_(wait);
      }
    }
    if (i + 1 < links_.size())
      say(g.name() + " gave up (" + message_of(last) + "); falling back to "
          + links_[i + 1]->name());
  }
  if (links_.size() > 1)
    return make_error(code_of(last) == errc::budget_exceeded ? errc::budget_exceeded
                                                             : errc::generation_failed,
                      "every generation backend failed; last: " + message_of(last));
  return last;
}

} // namespace spawn
