#include "infra/llm_common.hpp"

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/model_edit.hpp"
#include "core/model_output.hpp"
#include "infra/prompts.hpp"

namespace spawn {

int64_t estimate_tokens(size_t bytes) {
  return static_cast<int64_t>((bytes + 3) / 4);
}

double cost_of(const llm_settings& s, int64_t input_tokens, int64_t output_tokens) {
  return (double(input_tokens) * s.input_usd_per_mtok
          + double(output_tokens) * s.output_usd_per_mtok) / 1e6;
}

caf::error http_failure(const std::string& backend, const http_response& r,
                        const generation_observer& obs) {
  std::string detail;
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_object()) {
    auto err = body.find("error");
    if (err != body.end() && err->is_object() && err->contains("message")
        && (*err)["message"].is_string())
      detail = (*err)["message"].get<std::string>();
    else if (err != body.end() && err->is_string())
      detail = err->get<std::string>();
  }
  if (detail.size() > 300)
    detail = detail.substr(0, 300) + "...";
  auto msg = backend + " answered HTTP " + std::to_string(r.status)
             + (detail.empty() ? std::string{} : ": " + detail);
  if (r.status == 429 || r.status == 529) {
    int64_t wait_ms = -1;
    if (auto ra = r.headers.find("retry-after"); ra != r.headers.end()) {
      char* end = nullptr;
      auto secs = std::strtod(ra->second.c_str(), &end);
      if (end != ra->second.c_str() && secs >= 0 && secs < 86400)
        wait_ms = static_cast<int64_t>(secs * 1000);
    }
    if (wait_ms >= 0) {
      msg += " (retry after " + std::to_string(wait_ms) + " ms)";
      if (obs.retry_after)
        obs.retry_after(wait_ms);
    }
    return make_error(errc::rate_limited, msg);
  }
  if (r.status >= 500)
    return make_error(errc::unavailable, msg);
  if (r.status == 401)
    return make_error(errc::unauthorized, msg);
  if (r.status == 403)
    return make_error(errc::forbidden, msg);
  return make_error(errc::invalid_input, msg);
}

int64_t output_allowance(const generation_request& req, int64_t input_estimate,
                         int64_t max_tokens) {
  if (req.token_budget <= 0)
    return max_tokens;
  auto left = req.token_budget - input_estimate;
  if (left < 256)
    return 0;
  return std::min(max_tokens, left);
}

stream_progress::stream_progress(std::string backend, const generation_observer& obs,
                                 int64_t interval_ms)
  : backend_(std::move(backend)), obs_(obs), interval_(interval_ms),
    last_(std::chrono::steady_clock::now()) {
  // nop
}

void stream_progress::add(size_t bytes) {
  bytes_ += bytes;
  auto now = std::chrono::steady_clock::now();
  if (obs_.progress && now - last_ >= interval_) {
    last_ = now;
    obs_.progress(backend_ + ": about " + std::to_string(tokens()) + " tokens received");
  }
}

std::string join_url(const std::string& base, const std::string& path) {
  if (!base.empty() && base.back() == '/')
    return base.substr(0, base.size() - 1) + path;
  return base + path;
}

llm_api_generator::llm_api_generator(llm_settings s) : s_(std::move(s)) {
  // nop
}

std::string llm_api_generator::model() const {
  return s_.model;
}

caf::expected<generated_app> llm_api_generator::generate(const generation_request& req) {
  return generate_observed(req, {});
}

caf::expected<llm_api_generator::prepared_call>
llm_api_generator::prepare(const generation_request& req) const {
  prepared_call c;
  c.system = system_prompt(req.type);
  if (!req.instruction.empty())
    c.system += edit_contract; // a follow-up turn: changed files and deletions
  c.user = user_prompt(req);
  c.input_estimate = estimate_tokens(c.system.size() + c.user.size());
  c.allowance = output_allowance(req, c.input_estimate, s_.max_tokens);
  if (c.allowance == 0)
    return make_error(errc::budget_exceeded,
                      "the token budget left (" + std::to_string(req.token_budget)
                        + ") cannot pay for a call to " + s_.model);
  return c;
}

caf::expected<generated_app> llm_api_generator::parse_answer(const std::string& text,
                                                            const generation_request& req) const {
  auto app = req.instruction.empty() ? parse_model_output(text, req.type)
                                     : apply_model_edit(text, req.base, req.type);
  if (!app)
    return app.error();
  app->backend = name();
  app->model = s_.model;
  return app;
}

} // namespace spawn
