#include "infra/anthropic_generator.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/sse.hpp"

namespace spawn {

using nlohmann::json;

std::string anthropic_generator::name() const {
  return "anthropic";
}

namespace {

/// What the stream told so far.
struct stream_state {
  std::string text;
  token_usage usage;
  std::string stop_reason;
  bool stopped = false; ///< message_stop seen
  caf::error failure;   ///< an error event or a malformed event
  bool over_budget = false;
};

void on_event(const sse_event& ev, stream_state& st, stream_progress& progress) {
  auto data = json::parse(ev.data, nullptr, false);
  if (data.is_discarded() || !data.is_object()) {
    st.failure = make_error(errc::io_error, "anthropic sent a malformed event '" + ev.event + "'");
    return;
  }
  auto type = data.value("type", ev.event);
  auto number = [](const json& j, const char* key) -> int64_t {
    auto it = j.find(key);
    return (it != j.end() && it->is_number_integer()) ? it->get<int64_t>() : 0;
  };
  if (type == "message_start") {
    auto msg = data.find("message");
    if (msg != data.end() && msg->is_object() && msg->contains("usage")
        && (*msg)["usage"].is_object()) {
      st.usage.input_tokens = number((*msg)["usage"], "input_tokens");
      st.usage.output_tokens = number((*msg)["usage"], "output_tokens");
    }
  } else if (type == "content_block_delta") {
    auto delta = data.find("delta");
    if (delta != data.end() && delta->is_object() && delta->value("type", "") == "text_delta"
        && delta->contains("text") && (*delta)["text"].is_string()) {
      auto& t = (*delta)["text"].get_ref<const std::string&>();
      st.text += t;
      progress.add(t.size());
    }
  } else if (type == "message_delta") {
    if (auto u = data.find("usage"); u != data.end() && u->is_object())
      st.usage.output_tokens = number(*u, "output_tokens");
    if (auto d = data.find("delta"); d != data.end() && d->is_object()
                                     && d->contains("stop_reason")
                                     && (*d)["stop_reason"].is_string())
      st.stop_reason = (*d)["stop_reason"].get<std::string>();
  } else if (type == "message_stop") {
    st.stopped = true;
  } else if (type == "error") {
    std::string kind, message;
    if (auto e = data.find("error"); e != data.end() && e->is_object()) {
      kind = e->value("type", "");
      message = e->value("message", "");
    }
    st.failure = make_error(kind == "overloaded_error" || kind == "api_error" ? errc::unavailable
                            : kind == "rate_limit_error"                     ? errc::rate_limited
                                                                             : errc::generation_failed,
                            "anthropic stream error " + kind + ": " + message.substr(0, 300));
  }
  // ping, content_block_start/stop: nothing to do
}

} // namespace

caf::expected<generated_app>
anthropic_generator::generate_observed(const generation_request& req,
                                       const generation_observer& obs) {
  auto call = prepare(req);
  if (!call)
    return call.error();
  const auto input_estimate = call->input_estimate;
  json body{{"model", s_.model},
            {"max_tokens", call->allowance},
            {"temperature", s_.temperature},
            {"stream", true},
            {"system", call->system},
            {"messages", json::array({{{"role", "user"}, {"content", call->user}}})}};
  http_request hr;
  hr.method = "POST";
  hr.url = join_url(s_.base_url, "/v1/messages");
  hr.body = body.dump();
  hr.headers = {{"content-type", "application/json"},
                {"accept", "text/event-stream"},
                {"anthropic-version", s_.anthropic_version}};
  if (!s_.api_key.empty())
    hr.headers.emplace_back("x-api-key", s_.api_key);
  stream_state st;
  st.usage.backend = name();
  st.usage.model = s_.model;
  stream_progress progress{name(), obs, s_.progress_interval_ms};
  sse_parser parser{[&](const sse_event& ev) {
    if (!st.failure)
      on_event(ev, st, progress);
  }};
  bool malformed = false;
  auto resp = perform_stream(hr, s_.timeouts, [&](std::string_view chunk) {
    if (!parser.feed(chunk)) {
      malformed = true;
      return false;
    }
    if (req.token_budget > 0
        && std::max(st.usage.input_tokens, input_estimate) + progress.tokens() > req.token_budget) {
      st.over_budget = true;
      return false;
    }
    return !st.failure;
  });
  auto report = [&] {
    if (st.usage.output_tokens < progress.tokens())
      st.usage.output_tokens = progress.tokens(); // a cut stream still cost its tokens
    st.usage.cost_usd = cost_of(s_, st.usage.input_tokens, st.usage.output_tokens);
    if (obs.usage && (st.usage.input_tokens > 0 || st.usage.output_tokens > 0))
      obs.usage(st.usage);
  };
  if (st.over_budget) {
    if (st.usage.input_tokens == 0)
      st.usage.input_tokens = input_estimate;
    report();
    return make_error(errc::budget_exceeded, "anthropic: stopped the stream at about "
                                               + std::to_string(progress.tokens())
                                               + " tokens: the token budget is spent");
  }
  if (st.failure) {
    report();
    return st.failure;
  }
  if (malformed) {
    report();
    return make_error(errc::io_error, "anthropic sent a malformed event stream");
  }
  if (!resp) {
    report();
    return resp.error();
  }
  if (resp->status < 200 || resp->status > 299)
    return http_failure(name(), *resp, obs);
  report();
  if (!st.stopped)
    return make_error(errc::io_error, "anthropic: the stream ended before message_stop ("
                                        + std::to_string(st.text.size())
                                        + " bytes of text received)");
  if (st.stop_reason == "max_tokens")
    return make_error(errc::generation_failed,
                      "anthropic: the answer was cut at max_tokens ("
                        + std::to_string(call->allowance) + ")");
  return parse_answer(st.text, req);
}

} // namespace spawn
