#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spawn {

/// Why a request path was refused.
enum class path_problem {
  none,
  bad_escape,     ///< a '%' not followed by two hex digits
  not_utf8,       ///< the decoded bytes are not valid UTF-8 (overlong forms included)
  control_char,   ///< a decoded byte below 0x20 or 0x7f (NUL included)
  unsafe_segment, ///< a "." or ".." segment, a hidden name, a backslash, an empty segment
};

/// A human-readable reason for `p`, for error messages.
const char* describe(path_problem p);

/// The one path-safety rule of spawnd, for any path relative to a folder
/// (generated files, served files): plain segments, no leading '/', no empty,
/// "." or ".." segment, no backslash, ':' or control character, at most 200
/// characters.
bool is_safe_relative_path(std::string_view path);

/// Decodes the percent escapes of a URL path strictly: every '%' starts two
/// hex digits, the result is valid UTF-8 in its shortest form (no overlong
/// encodings such as %c0%ae, no surrogates, nothing above U+10FFFF) and holds
/// no control character. `problem` (when given) says why it failed.
std::optional<std::string> decode_path(std::string_view raw, path_problem* problem = nullptr);

/// `raw` (a URL path as sent, starting with '/') as a file below a served
/// folder: decoded with `decode_path`, then the leading '/' removed, it must
/// pass `is_safe_relative_path` and have no hidden segment (starting with
/// '.'). Returns the decoded relative path ("app.js", "css/site.css"); ""
/// for "/" itself.
std::optional<std::string> safe_relative_path(std::string_view raw,
                                              path_problem* problem = nullptr);

} // namespace spawn
