#include "core/sse.hpp"

namespace spawn {

sse_parser::sse_parser(handler on_event, size_t max_line)
  : on_event_(std::move(on_event)), max_line_(max_line) {
  // nop
}

bool sse_parser::feed(std::string_view chunk) {
  if (failed_)
    return false;
  for (size_t i = 0; i < chunk.size(); ++i) {
    char c = chunk[i];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n')
        continue;
    }
    if (c == '\r' || c == '\n') {
      skip_lf_ = (c == '\r');
      line(partial_);
      partial_.clear();
      continue;
    }
    if (c == '\0' || partial_.size() >= max_line_) {
      failed_ = true;
      return false;
    }
    partial_ += c;
  }
  return true;
}

bool sse_parser::mid_event() const {
  return !partial_.empty() || has_fields_;
}

void sse_parser::line(std::string_view l) {
  if (l.empty()) { // dispatch
    if (data_seen_) {
      ++events_;
      on_event_(current_);
    }
    current_ = sse_event{};
    data_seen_ = false;
    has_fields_ = false;
    return;
  }
  if (l.front() == ':')
    return; // comment (keep-alive)
  has_fields_ = true;
  auto colon = l.find(':');
  auto field = l.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = l.substr(colon + 1);
    if (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
  }
  if (field == "data") {
    if (data_seen_)
      current_.data += '\n';
    current_.data.append(value.data(), value.size());
    data_seen_ = true;
  } else if (field == "event") {
    current_.event = value.empty() ? "message" : std::string{value};
  } else if (field == "id") {
    current_.id = std::string{value};
  }
}

} // namespace spawn
