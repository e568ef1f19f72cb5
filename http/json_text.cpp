#include "http/json_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace spawn {

void json_text::string(std::string_view s) {
  // Non-ASCII text goes to nlohmann: it validates the UTF-8 (and throws on
  // bad input) exactly as dump() does. Everything else is escaped here with
  // dump()'s rules: the short escapes, \u00xx (lowercase) for other control
  // characters, and the rest as is (DEL included).
  for (unsigned char c : s)
    if (c >= 0x80) {
      out_ += nlohmann::json(std::string{s}).dump();
      return;
    }
  out_ += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char hex[] = "0123456789abcdef";
          out_ += "\\u00";
          out_ += hex[c >> 4];
          out_ += hex[c & 0xf];
        } else {
          out_ += static_cast<char>(c);
        }
    }
  }
  out_ += '"';
}

void json_text::integer(int64_t v) {
  std::array<char, 24> buf;
  auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out_.append(buf.data(), r.ptr);
}

void json_text::number(double v) {
  if (!std::isfinite(v)) {
    out_ += "null";
    return;
  }
  // nlohmann's own shortest round-trip formatting (what dump() calls).
  std::array<char, 64> buf;
  auto* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), v);
  out_.append(buf.data(), end);
}

} // namespace spawn
