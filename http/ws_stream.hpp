#pragma once

#include <string>

#include <caf/stateful_actor.hpp>

#include "http/traits.hpp"

namespace spawn {

struct ws_stream_state {
  /// The WebSocket this actor writes to (RESTinio sends from any thread).
  rws::ws_handle_t ws;
  /// How clients reach spawnd, for the URLs inside session JSON.
  std::string base_url;
  static inline const char* name = "ws_stream";
};

/// One WebSocket subscriber of a session. Turns every `(atoms::event,
/// session_record, event_record)` into a text frame `{"type": "event",
/// "session": {...}, "event": {...}}` (seq 0: a snapshot) and closes the socket
/// after the `destroyed` event, on `(atoms::destroy)`, or after a `caf::error`
/// (sent as `{"type": "error", "error": {...}}`). Exits when the client closes.
caf::behavior ws_stream(caf::stateful_actor<ws_stream_state>* self, rws::ws_handle_t ws,
                        std::string base_url);

} // namespace spawn
