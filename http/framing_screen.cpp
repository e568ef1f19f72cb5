#include "http/framing_screen.hpp"

#include "http/json_codec.hpp"

namespace spawn {

namespace {

framing_screen& self(http_parser* p) {
  return *static_cast<framing_screen*>(p->data);
}

/// A control character in a header (http-parser lets a leading NUL through).
bool has_control(const char* at, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(at[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return true;
  }
  return false;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default: return "Error";
  }
}

} // namespace

framing_screen::framing_screen(framing_limits limits) : limits_(limits) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
  http_parser_settings_init(&settings_);
  settings_.on_url = &on_url;
  settings_.on_header_field = &on_header_field;
  settings_.on_header_value = &on_header_value;
  settings_.on_headers_complete = &on_headers_complete;
  settings_.on_body = &on_body;
  settings_.on_message_begin = &on_message_begin;
  settings_.on_message_complete = &on_message_complete;
}

int framing_screen::refuse(int status, std::string reason) {
  if (status_ == 0 && !done_) {
    status_ = status;
    reason_ = std::move(reason);
  }
  return -1;
}

bool framing_screen::feed(const char* data, size_t size) {
  if (status_ != 0)
    return false;
  if (done_ || size == 0)
    return true;
  // The parser pauses at the end of each request (on_message_complete), so
  // the offset where it ends is known; it then goes on with the rest.
  size_t used = 0;
  for (;;) {
    auto n = http_parser_execute(&parser_, &settings_, data + used, size - used);
    used += n;
    fed_ += n;
    if (HTTP_PARSER_ERRNO(&parser_) != HPE_PAUSED)
      break;
    ends_.push_back(fed_);
    http_parser_pause(&parser_, 0);
    if (done_ || used >= size || parser_.upgrade)
      break;
  }
  if (done_)
    return true; // what follows a Connection: close request is never read
  if (status_ != 0)
    return false;
  if (parser_.upgrade) {
    done_ = true; // the rest is WebSocket frames (or an answered refusal)
    return true;
  }
  auto err = HTTP_PARSER_ERRNO(&parser_);
  switch (err) {
    case HPE_OK:
    case HPE_PAUSED: return true;
    case HPE_CLOSED_CONNECTION: done_ = true; return true; // bytes after Connection: close
    case HPE_INVALID_METHOD:
      refuse(501, "the request method is not one this server implements");
      return false;
    case HPE_HEADER_OVERFLOW:
      refuse(431, "the request head is too large");
      return false;
    case HPE_INVALID_CONTENT_LENGTH:
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      refuse(400, std::string{"bad framing: "} + http_errno_description(err)
                    + " (Content-Length must be one non-negative number, and not beside"
                      " Transfer-Encoding)");
      return false;
    default:
      refuse(400, std::string{"malformed HTTP: "} + http_errno_description(err));
      return false;
  }
}

int framing_screen::on_message_begin(http_parser* p) {
  auto& s = self(p);
  s.url_ = s.field_name_ = s.field_value_ = s.fields_ = 0;
  s.body_ = 0;
  s.in_value_ = false;
  return 0;
}

int framing_screen::on_url(http_parser* p, const char*, size_t n) {
  auto& s = self(p);
  s.url_ += n;
  if (s.url_ > s.limits_.max_url)
    return s.refuse(414, "the request target exceeds " + std::to_string(s.limits_.max_url)
                           + " bytes");
  return 0;
}

int framing_screen::on_header_field(http_parser* p, const char* at, size_t n) {
  auto& s = self(p);
  if (has_control(at, n))
    return s.refuse(400, "a header name holds a control character");
  if (s.in_value_ || s.fields_ == 0) {
    if (s.fields_ == s.limits_.max_fields)
      return s.refuse(431, "more than " + std::to_string(s.limits_.max_fields)
                             + " header fields");
    ++s.fields_;
    s.field_name_ = 0;
    s.in_value_ = false;
  }
  s.field_name_ += n;
  if (s.field_name_ > s.limits_.max_field_name)
    return s.refuse(431, "a header name exceeds " + std::to_string(s.limits_.max_field_name)
                           + " bytes");
  return 0;
}

int framing_screen::on_header_value(http_parser* p, const char* at, size_t n) {
  auto& s = self(p);
  if (has_control(at, n))
    return s.refuse(400, "a header value holds a control character");
  if (!s.in_value_) {
    s.in_value_ = true;
    s.field_value_ = 0;
  }
  s.field_value_ += n;
  if (s.field_value_ > s.limits_.max_field_value)
    return s.refuse(431, "a header value exceeds " + std::to_string(s.limits_.max_field_value)
                           + " bytes");
  return 0;
}

int framing_screen::on_headers_complete(http_parser* p) {
  auto& s = self(p);
  if (p->content_length != ULLONG_MAX && p->content_length > s.limits_.max_body)
    return s.refuse(413, "the declared body exceeds " + std::to_string(s.limits_.max_body)
                           + " bytes");
  return 0;
}

int framing_screen::on_body(http_parser* p, const char*, size_t n) {
  auto& s = self(p);
  s.body_ += n;
  if (s.body_ > s.limits_.max_body)
    return s.refuse(413, "the body exceeds " + std::to_string(s.limits_.max_body) + " bytes");
  return 0;
}

int framing_screen::on_message_complete(http_parser* p) {
  auto& s = self(p);
  ++s.complete_;
  if (!http_should_keep_alive(p))
    s.done_ = true;
  http_parser_pause(p, 1); // feed() records where it ended
  return 0;
}

uint64_t framing_screen::end_of_request(size_t n) const noexcept {
  if (n <= first_end_ || n - first_end_ > ends_.size())
    return not_seen;
  return ends_[n - first_end_ - 1];
}

void framing_screen::forget_up_to(size_t n) {
  while (first_end_ < n && !ends_.empty()) {
    ends_.pop_front();
    ++first_end_;
  }
}

std::string framing_screen::response() const {
  auto code = status_ == 400 ? "invalid_input"
              : status_ == 413 ? "payload_too_large"
              : status_ == 501 ? "not_implemented"
                               : "request_too_large";
  auto body = error_body(code, reason_);
  return "HTTP/1.1 " + std::to_string(status_) + " " + reason_phrase(status_)
         + "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: "
         + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

} // namespace spawn
