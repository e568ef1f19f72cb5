#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace spawn {

/// One server-sent event (WHATWG HTML §9.2): `event` is "message" unless the
/// stream named it; `data` joins the event's data lines with '\n'.
struct sse_event {
  std::string event = "message";
  std::string data;
  std::string id;
};

/// Incremental parser of a `text/event-stream` body. Pure: feed it the body in
/// chunks of any size (split anywhere, even inside a CRLF) and it calls the
/// handler once per complete event. Comment lines (":...") and unknown fields
/// are ignored, as the specification asks. A line longer than `max_line`
/// bytes makes `feed` return false (a garbage or hostile stream), and so does
/// a NUL byte; the parser then stays failed.
class sse_parser {
public:
  using handler = std::function<void(const sse_event&)>;

  explicit sse_parser(handler on_event, size_t max_line = 1u << 20);

  /// Consumes `chunk`; false once the stream is malformed.
  bool feed(std::string_view chunk);

  /// True when bytes of an unfinished event are buffered (a stream that ends
  /// now was cut in the middle of an event).
  bool mid_event() const;

  /// Number of complete events dispatched so far.
  size_t events() const {
    return events_;
  }

private:
  void line(std::string_view l);

  handler on_event_;
  size_t max_line_;
  std::string partial_;   ///< bytes of the current line
  bool skip_lf_ = false;  ///< the previous chunk ended with CR
  bool failed_ = false;
  bool has_fields_ = false;
  sse_event current_;
  bool data_seen_ = false;
  size_t events_ = 0;
};

} // namespace spawn
