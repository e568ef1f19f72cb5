#include "core/path_safety.hpp"

#include <cstdint>

namespace spawn {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// True when `s` is UTF-8 in shortest form (RFC 3629: no overlong forms,
/// no surrogates, at most U+10FFFF).
bool strict_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    uint32_t min;
    if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > s.size())
      return false;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

std::optional<std::string> fail(path_problem* out, path_problem p) {
  if (out)
    *out = p;
  return std::nullopt;
}

} // namespace

bool is_safe_relative_path(std::string_view path) {
  if (path.empty() || path.size() > 200 || path.front() == '/')
    return false;
  size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos)
      end = path.size();
    auto seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..")
      return false;
    start = end + 1;
  }
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\' || c == ':')
      return false;
  return true;
}

const char* describe(path_problem p) {
  switch (p) {
    case path_problem::none: return "the path is fine";
    case path_problem::bad_escape: return "the path has a malformed percent-escape";
    case path_problem::not_utf8: return "the path does not decode to valid UTF-8";
    case path_problem::control_char: return "the path holds a control character";
    case path_problem::unsafe_segment:
      return "the path has a '.', '..', hidden, empty or backslashed segment";
  }
  return "the path is not acceptable";
}

std::optional<std::string> decode_path(std::string_view raw, path_problem* problem) {
  if (problem)
    *problem = path_problem::none;
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size())
        return fail(problem, path_problem::bad_escape);
      int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0)
        return fail(problem, path_problem::bad_escape);
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      return fail(problem, path_problem::control_char);
    out.push_back(c);
  }
  if (!strict_utf8(out))
    return fail(problem, path_problem::not_utf8);
  return out;
}

std::optional<std::string> safe_relative_path(std::string_view raw, path_problem* problem) {
  auto decoded = decode_path(raw, problem);
  if (!decoded)
    return std::nullopt;
  if (decoded->empty() || decoded->front() != '/')
    return fail(problem, path_problem::unsafe_segment);
  auto rel = decoded->substr(1);
  if (rel.empty())
    return rel;
  bool hidden = rel.front() == '.' || rel.find("/.") != std::string::npos;
  if (hidden || !is_safe_relative_path(rel))
    return fail(problem, path_problem::unsafe_segment);
  return rel;
}

} // namespace spawn
