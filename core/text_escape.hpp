#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spawn {

/// Returns `in` as valid UTF-8: invalid bytes become U+FFFD, control
/// characters become spaces, runs of whitespace collapse to one space, the
/// ends are trimmed and the result is cut (on a character boundary) to at
/// most `max_bytes`.
std::string sanitise_utf8(std::string_view in, std::size_t max_bytes = 4000);

/// Escapes `in` for HTML text and double- or single-quoted attribute values.
std::string html_escape(std::string_view in);

/// Serialises `value` as a JavaScript expression that is safe inside an
/// inline `<script>` block and in a .js file: ASCII only, and `<`, `>`, `&`,
/// U+2028 and U+2029 escaped, so no string can close the script element or
/// break the statement.
std::string js_value(const nlohmann::json& value);

/// Replaces every `{{NAME}}` in `tmpl` by `vars.at(NAME)` in one pass: text
/// that comes from `vars` is never scanned again, so values may contain
/// braces. A placeholder with no value is left as is.
std::string substitute(std::string_view tmpl,
                       const std::map<std::string, std::string>& vars);

/// Lower-case ASCII slug of `in` made of [a-z0-9-] (accents folded), at most
/// `max_len` characters; empty when nothing usable remains.
std::string slugify(std::string_view in, std::size_t max_len = 40);

/// Lower-cases ASCII letters and folds Latin-1 accented letters to their
/// ASCII base ("Tâches" -> "taches"); typographic quotes become ASCII ones.
std::string fold(std::string_view in);

/// Upper-cases the first letter of `word` (ASCII and Latin-1 letters).
std::string capitalise(std::string_view word);

} // namespace spawn
