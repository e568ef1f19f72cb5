#pragma once

#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"

#include "http/traits.hpp"

namespace spawn {

struct ws_stream_state {
  /// The WebSocket this actor writes to (RESTinio sends from any thread).
  rws::ws_handle_t ws;
  /// How clients reach spawnd, for the URLs inside session JSON.
  std::string base_url;
  static inline const char* name = "ws_stream";
};

/// One WebSocket subscriber of a session (an `event_sink_actor`). Turns every
/// `(atoms::event, session_record, event_record)` into a text frame `{"type":
/// "event", "session": {...}, "event": {...}}` (seq 0: a snapshot) and closes
/// the socket after the `destroyed` event, on `(atoms::endstream)`, or after
/// `(atoms::failed, error)` (sent as `{"type": "error", "error": {...}}`).
/// Exits when the client closes.
event_sink_actor::behavior_type
ws_stream(event_sink_actor::stateful_pointer<ws_stream_state> self, rws::ws_handle_t ws,
          std::string base_url);

} // namespace spawn
