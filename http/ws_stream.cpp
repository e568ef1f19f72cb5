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

constexpr int max_resubscriptions = 60;
constexpr auto resubscribe_delay = std::chrono::milliseconds{500};

/// Tries again later; false when the tries are used up.
bool resubscribe_later(self_ptr self) {
  auto& st = self->state;
  if (st.resubscriptions >= max_resubscriptions)
    return false;
  ++st.resubscriptions;
  if (st.source) {
    self->demonitor(st.source);
    st.source = caf::actor_addr{};
  }
  self->delayed_send(self, resubscribe_delay, atoms::retry::value);
  return true;
}

} // namespace

event_sink_actor::behavior_type ws_stream(self_ptr self, rws::ws_handle_t ws,
                                          std::string base_url, session_manager_actor manager,
                                          std::string session_id) {
  self->state.ws = std::move(ws);
  self->state.base_url = std::move(base_url);
  self->state.manager = std::move(manager);
  self->state.session_id = std::move(session_id);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (auto ws = std::move(self->state.ws))
      ws->kill();
    self->quit(msg.reason);
  });
  self->set_down_handler([self](caf::down_msg& msg) {
    if (msg.source == self->state.source && self->state.ws && !resubscribe_later(self))
      close(self);
  });
  return {
    [=](atoms::event, const session_record& rec, const event_record& ev) {
      auto& st = self->state;
      if (auto from = self->current_sender(); from && from->address() != st.source) {
        if (st.source)
          self->demonitor(st.source);
        st.source = from->address();
        self->monitor(st.source);
      }
      if (ev.seq == 0 ? st.snapshot_sent : ev.seq <= st.last_seq)
        return; // a resumed stream's replay of what the client has already
      if (ev.seq == 0)
        st.snapshot_sent = true;
      else
        st.last_seq = ev.seq;
      nlohmann::json msg{{"type", "event"},
                         {"session", session_json(rec, st.base_url)},
                         {"event", event_json(ev)}};
      send_text(self, msg.dump());
      if (ev.seq > 0 && ev.phase == "destroyed")
        close(self);
    },
    [=](atoms::endstream) { close(self); },
    [=](atoms::retry) {
      if (self->state.ws)
        self->send(self->state.manager, atoms::subscribe::value, self->state.session_id,
                   caf::actor_cast<event_sink_actor>(self));
    },
    [=](atoms::failed, const caf::error& err) {
      auto code = code_of(err);
      if ((code == errc::unavailable || code == errc::fenced) && resubscribe_later(self))
        return; // the owner is away or the session is being adopted: try again
      nlohmann::json msg{{"type", "error"},
                         {"error", {{"code", to_string(code_of(err))}, {"message", message_of(err)}}}};
      send_text(self, msg.dump());
      close(self);
    },
  };
}

} // namespace spawn
