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
  /// Where it subscribes (again), and to which session.
  session_manager_actor manager;
  std::string session_id;
  /// The highest event sequence number sent to the client (0: none yet).
  int64_t last_seq = 0;
  bool snapshot_sent = false;
  /// The actor the events come from (monitored: when it goes without an end
  /// of stream, the stream resubscribes and resumes after `last_seq`).
  caf::actor_addr source;
  int resubscriptions = 0;
  static inline const char* name = "ws_stream";
};

/// One WebSocket subscriber of a session (an `event_sink_actor`). Subscribes
/// on its first `(retry)` (sent once the socket is active) through `manager` (the session may live on another node: its events then
/// come from there). Turns every `(atoms::event, session_record,
/// event_record)` into a text frame `{"type": "event", "session": {...},
/// "event": {...}}` (seq 0: the first snapshot) and closes the socket after the
/// `destroyed` event, on `(atoms::endstream)`, or after `(atoms::failed,
/// error)` (sent as `{"type": "error", "error": {...}}`). When the session's
/// actor goes away without an end (its node died, it crashed) or the owner is
/// away for now, it subscribes again (every 500 ms, at most 60 times) and
/// resumes after the last sequence number it sent: no gap, no duplicate, also
/// across a takeover by another node. Exits when the client closes.
event_sink_actor::behavior_type
ws_stream(event_sink_actor::stateful_pointer<ws_stream_state> self, rws::ws_handle_t ws,
          std::string base_url, session_manager_actor manager, std::string session_id);

} // namespace spawn
