#include "infra/openai_generator.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/sse.hpp"

namespace spawn {

using nlohmann::json;

std::string openai_generator::name() const {
  return "openai";
}

namespace {

struct chunk_state {
  std::string text;
  token_usage usage;
  bool usage_known = false;
  std::string finish_reason;
  bool done = false;
  caf::error failure;
  bool over_budget = false;
};

void on_chunk(const sse_event& ev, chunk_state& st, stream_progress& progress) {
  if (ev.data == "[DONE]") {
    st.done = true;
    return;
  }
  auto data = json::parse(ev.data, nullptr, false);
  if (data.is_discarded() || !data.is_object()) {
    st.failure = make_error(errc::io_error, "openai: malformed stream chunk");
    return;
  }
  if (auto e = data.find("error"); e != data.end()) {
    std::string msg = e->is_object() ? e->value("message", "") : e->is_string() ? e->get<std::string>() : "";
    st.failure = make_error(errc::unavailable, "openai stream error: " + msg.substr(0, 300));
    return;
  }
  if (auto u = data.find("usage"); u != data.end() && u->is_object()) {
    auto num = [&](const char* k) {
      auto it = u->find(k);
      return (it != u->end() && it->is_number_integer()) ? it->get<int64_t>() : int64_t{0};
    };
    st.usage.input_tokens = num("prompt_tokens");
    st.usage.output_tokens = num("completion_tokens");
    st.usage_known = true;
  }
  auto choices = data.find("choices");
  if (choices == data.end() || !choices->is_array())
    return;
  for (auto& c : *choices) {
    if (!c.is_object())
      continue;
    if (auto d = c.find("delta"); d != c.end() && d->is_object()) {
      if (auto t = d->find("content"); t != d->end() && t->is_string()) {
        auto& s = t->get_ref<const std::string&>();
        st.text += s;
        progress.add(s.size());
      }
    }
    if (auto f = c.find("finish_reason"); f != c.end() && f->is_string())
      st.finish_reason = f->get<std::string>();
  }
}

} // namespace

caf::expected<generated_app> openai_generator::generate_observed(const generation_request& req,
                                                                 const generation_observer& obs) {
  auto call = prepare(req);
  if (!call)
    return call.error();
  const auto input_estimate = call->input_estimate;
  json body{{"model", s_.model},
            {"max_tokens", call->allowance},
            {"temperature", s_.temperature},
            {"stream", true},
            {"messages", json::array({{{"role", "system"}, {"content", call->system}},
                                      {{"role", "user"}, {"content", call->user}}})}};
  if (s_.include_usage)
    body["stream_options"] = {{"include_usage", true}};
  http_request hr;
  hr.method = "POST";
  hr.url = join_url(s_.base_url, "/v1/chat/completions");
  hr.body = body.dump();
  hr.headers = {{"content-type", "application/json"}, {"accept", "text/event-stream"}};
  if (!s_.api_key.empty())
    hr.headers.emplace_back("authorization", "Bearer " + s_.api_key);
  chunk_state st;
  st.usage.backend = name();
  st.usage.model = s_.model;
  stream_progress progress{name(), obs, s_.progress_interval_ms};
  sse_parser parser{[&](const sse_event& ev) {
    if (!st.failure && !st.done)
      on_chunk(ev, st, progress);
  }};
  bool malformed = false;
  auto resp = perform_stream(hr, s_.timeouts, [&](std::string_view chunk) {
    if (!parser.feed(chunk)) {
      malformed = true;
      return false;
    }
    if (req.token_budget > 0 && input_estimate + progress.tokens() > req.token_budget) {
      st.over_budget = true;
      return false;
    }
    return !st.failure;
  });
  auto report = [&] {
    if (!st.usage_known) {
      st.usage.input_tokens = input_estimate;
      st.usage.output_tokens = progress.tokens();
    }
    st.usage.cost_usd = cost_of(s_, st.usage.input_tokens, st.usage.output_tokens);
    if (obs.usage && (st.usage.input_tokens > 0 || st.usage.output_tokens > 0))
      obs.usage(st.usage);
  };
  if (st.over_budget) {
    report();
    return make_error(errc::budget_exceeded, "openai: stopped the stream at about "
                                               + std::to_string(progress.tokens())
                                               + " tokens: the token budget is spent");
  }
  if (st.failure) {
    report();
    return st.failure;
  }
  if (malformed) {
    report();
    return make_error(errc::io_error, "openai: malformed event stream");
  }
  if (!resp) {
    report();
    return resp.error();
  }
  if (resp->status < 200 || resp->status > 299)
    return http_failure(name(), *resp, obs);
  report();
  if (!st.done)
    return make_error(errc::io_error, "openai: the stream ended before [DONE] ("
                                        + std::to_string(st.text.size()) + " bytes received)");
  if (st.finish_reason == "length")
    return make_error(errc::generation_failed,
                      "openai: the answer was cut at max_tokens ("
                        + std::to_string(call->allowance) + ")");
  return parse_answer(st.text, req);
}

} // namespace spawn
