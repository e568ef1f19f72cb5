#include "http/ws_stream.hpp"

#include <caf/all.hpp>

#include "core/error.hpp"
#include "core/session.hpp"
#include "http/json_codec.hpp"

namespace spawn {

namespace {

using self_ptr = event_sink_actor::stateful_pointer<ws_stream_state>;

void send_text(self_ptr self, const std::string& text) {
  if (self->state.ws)
    self->state.ws->send_message(rws::final_frame, rws::opcode_t::text_frame, text);
}

void close(self_ptr self) {
  if (auto ws = std::move(self->state.ws)) {
    ws->send_message(rws::final_frame, rws::opcode_t::connection_close_frame,
                     rws::status_code_to_bin(rws::status_code_t::normal_closure));
    ws->shutdown();
  }
  self->quit();
}

} // namespace

event_sink_actor::behavior_type ws_stream(self_ptr self, rws::ws_handle_t ws,
                                          std::string base_url) {
  self->state.ws = std::move(ws);
  self->state.base_url = std::move(base_url);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (auto ws = std::move(self->state.ws))
      ws->kill();
    self->quit(msg.reason);
  });
  return {
    [=](atoms::event, const session_record& rec, const event_record& ev) {
      nlohmann::json msg{{"type", "event"},
                         {"session", session_json(rec, self->state.base_url)},
                         {"event", event_json(ev)}};
      send_text(self, msg.dump());
      if (ev.seq > 0 && ev.phase == "destroyed")
        close(self);
    },
    [=](atoms::endstream) { close(self); },
    [=](atoms::failed, const caf::error& err) {
      nlohmann::json msg{{"type", "error"},
                         {"error", {{"code", to_string(code_of(err))}, {"message", message_of(err)}}}};
      send_text(self, msg.dump());
      close(self);
    },
  };
}

} // namespace spawn
