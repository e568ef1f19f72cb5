#pragma once

#include <cstddef>
#include <string_view>

#include <caf/expected.hpp>

#include "core/generated_app.hpp"

namespace spawn {

/// Bounds on what a model may hand back. Anything above is rejected, never
/// truncated: a half app is worse than a retry.
struct output_limits {
  size_t max_input_bytes = 4u << 20;  ///< the raw model text
  size_t max_files = 40;
  size_t max_file_bytes = 256u << 10;
  size_t max_total_bytes = 1u << 20;
};

/// The file an app of `type` must contain when the output names none:
/// index.html (webapp, site), server.js (api), main.js (script).
std::string_view default_entry(app_type type);

/// Parses a model's answer into an app under the one output contract every
/// LLM backend asks for (infra/prompts): a JSON manifest
/// `{"title", "entry", "run": ["node", "server.js"], "files": [{"path",
/// "content"}...]}`. It accepts the habits of real models: the JSON bare, in
/// a ```json fence or after leading prose; `files` as an array or as a
/// path → content object; or, without JSON, fenced code blocks each named by
/// its info string (```html index.html, ```js title="server.js") or by the
/// line before it (`### index.html`, `**server.js**`, `File: a/b.css`), with
/// an optional `RUN: node server.js` line.
///
/// Rejects, as `errc::generation_failed` with the reason: absolute paths,
/// `..`, backslashes or control characters in a path, duplicate files, too
/// many or too large files, content that is not UTF-8 text (binary junk), a
/// run command other than `node <file of the app>`, a missing entry file.
/// Pure and total: any input gives an app or an error, never a crash.
caf::expected<generated_app> parse_model_output(std::string_view text, app_type type,
                                                const output_limits& limits = {});

/// True when `s` is valid UTF-8 text without NUL or other control bytes
/// (tab, newline, carriage return and form feed excepted).
bool is_text_content(std::string_view s);

} // namespace spawn
