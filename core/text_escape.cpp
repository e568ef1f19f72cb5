#include "core/text_escape.hpp"

#include <cstdint>

namespace spawn {

namespace {

/// Decodes one UTF-8 character at `s[i]`; returns its length (0 if invalid).
std::size_t decode(std::string_view s, std::size_t i, uint32_t& cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto c0 = b(0);
  std::size_t len = c0 < 0x80 ? 1 : (c0 >> 5) == 0x6 ? 2 : (c0 >> 4) == 0xE ? 3
                  : (c0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size())
    return 0;
  if (len == 1) {
    cp = c0;
    return 1;
  }
  cp = c0 & (0xFF >> (len + 1));
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  static constexpr uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

void encode(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// ASCII base of a Latin-1 letter (U+00C0..U+00FF, plus œ/Œ), or nullptr.
const char* latin1_base(uint32_t cp) {
  static const char* const table[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};
  if (cp >= 0xC0 && cp <= 0xFF)
    return table[cp - 0xC0];
  if (cp == 0x152 || cp == 0x153)
    return "oe";
  return nullptr;
}

} // namespace

std::string sanitise_utf8(std::string_view in, std::size_t max_bytes) {
  std::string out;
  out.reserve(in.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < in.size();) {
    uint32_t cp = 0;
    auto len = decode(in, i, cp);
    if (len == 0) {
      cp = 0xFFFD;
      len = 1;
    }
    i += len;
    bool space = cp < 0x20 || cp == 0x7F || cp == ' ' || (cp >= 0x80 && cp < 0xA0)
                 || cp == 0xA0 || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF;
    if (space) {
      pending_space = !out.empty();
      continue;
    }
    std::string ch;
    encode(cp, ch);
    if (out.size() + ch.size() + (pending_space ? 1 : 0) > max_bytes)
      break;
    if (pending_space)
      out += ' ';
    pending_space = false;
    out += ch;
  }
  return out;
}

std::string html_escape(std::string_view in) {
  std::string out;
  out.reserve(in.size() + 16);
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string js_value(const nlohmann::json& value) {
  // ensure_ascii turns U+2028/U+2029 and every other non-ASCII into \uXXXX;
  // `replace` keeps invalid UTF-8 from throwing. '<', '>' and '&' can only
  // occur inside JSON strings, so replacing them everywhere is safe.
  auto text = value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

std::string substitute(std::string_view tmpl,
                       const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(tmpl.size() * 2);
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    auto open = tmpl.find("{{", pos);
    if (open == std::string_view::npos)
      break;
    auto close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos)
      break;
    out.append(tmpl.substr(pos, open - pos));
    auto key = std::string{tmpl.substr(open + 2, close - open - 2)};
    if (auto it = vars.find(key); it != vars.end()) {
      out += it->second;
      pos = close + 2;
    } else {
      out += "{{";
      pos = open + 2;
    }
  }
  out.append(tmpl.substr(pos));
  return out;
}

std::string fold(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    uint32_t cp = 0;
    auto len = decode(in, i, cp);
    if (len == 0) {
      ++i;
      continue;
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    } else if (auto base = latin1_base(cp)) {
      out += base;
    } else if (cp == 0x2018 || cp == 0x2019) {
      out += '\'';
    } else if (cp == 0x201C || cp == 0x201D || cp == 0xAB || cp == 0xBB) {
      out += '"';
    } else {
      out.append(in.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string slugify(std::string_view in, std::size_t max_len) {
  std::string out;
  for (char c : fold(in)) {
    if (out.size() >= max_len)
      break;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += c;
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  return out;
}

std::string capitalise(std::string_view word) {
  std::string out{word};
  if (out.empty())
    return out;
  auto c0 = static_cast<unsigned char>(out[0]);
  if (c0 >= 'a' && c0 <= 'z') {
    out[0] = static_cast<char>(c0 - 32);
  } else if (c0 == 0xC3 && out.size() > 1) {
    // Latin-1 lower-case letters U+00E0..U+00FE (except ÷) map to U+00C0..U+00DE.
    auto c1 = static_cast<unsigned char>(out[1]);
    if (c1 >= 0xA0 && c1 <= 0xBE && c1 != 0xB7)
      out[1] = static_cast<char>(c1 - 0x20);
  }
  return out;
}

} // namespace spawn
