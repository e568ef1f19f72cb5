#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spawn {

/// Writes JSON text straight into a string, byte for byte what
/// `nlohmann::json::dump()` writes for the same values (no spaces, the same
/// string escapes, the same shortest round-trip doubles), without building a
/// tree first. For hot replies (GET of a session); the caller writes keys in
/// nlohmann's order (sorted byte-wise).
class json_text {
public:
  explicit json_text(std::string& out) : out_(out) {
  }

  /// `{` / `}` and `[` / `]`; commas between members are the caller's
  /// (`key` writes one before every key but the first of its object).
  void open_object() {
    out_ += '{';
    first_ = true;
  }
  void close_object() {
    out_ += '}';
    first_ = false;
  }

  /// `"name":`, preceded by a comma unless it opens its object. `name` must
  /// need no escaping (the codec's own constant keys).
  void key(std::string_view name) {
    if (!first_)
      out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += name;
    out_ += "\":";
  }

  /// A string value; text that is not valid UTF-8 throws
  /// `nlohmann::json::type_error` as `dump()` does.
  void string(std::string_view s);
  void integer(int64_t v);
  /// `null` when not finite, as `dump()` writes it.
  void number(double v);
  void boolean(bool v) {
    out_ += v ? "true" : "false";
  }
  void null() {
    out_ += "null";
  }
  /// Any other value (metadata the session recorded): its own `dump()`.
  void value(const nlohmann::json& j) {
    out_ += j.dump();
  }

private:
  std::string& out_;
  bool first_ = true;
};

} // namespace spawn
