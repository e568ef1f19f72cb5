#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/generated_app.hpp"
#include "infra/templates/prompt_traits.hpp"

namespace spawn {

/// The parts of a single-page webapp; `render_page` wraps them in the shared
/// shell (head, theme, header, footer). Template text is trusted; everything
/// taken from the prompt travels in `config` or is escaped before it gets here.
struct page_parts {
  std::string title;          ///< plain text; the shell escapes it
  std::string subtitle;       ///< plain text; the shell escapes it
  std::string default_accent; ///< "#rrggbb" used when the prompt names no colour
  std::string css;            ///< the template's own styles
  std::string body;           ///< the template's markup inside <main>
  std::string js;             ///< the template's script; reads `CONFIG`
  nlohmann::json config = nlohmann::json::object(); ///< embedded with `js_value`
};

/// A complete HTML document for `parts`, themed after `traits`.
std::string render_page(const prompt_traits& traits, const page_parts& parts);

/// An accent colour adjusted for readable contrast on both themes.
struct accent_palette {
  std::string light, light_fg; ///< accent and text-on-accent for the light theme
  std::string dark, dark_fg;   ///< the same for the dark theme
};

/// Palette for `hex` ("#rrggbb"); an invalid colour gives the default indigo.
accent_palette make_palette(const std::string& hex);

/// Stylesheet for pages that Node.js code renders at run time (an API's
/// index page, a script's report); `accent` is "#rrggbb".
std::string plain_css(const std::string& accent);

// Each template returns its files; the title is already resolved.
std::vector<app_file> todo_webapp(const prompt_traits& t, const std::string& title);
std::vector<app_file> notes_webapp(const prompt_traits& t, const std::string& title);
std::vector<app_file> timer_webapp(const prompt_traits& t, const std::string& title);
std::vector<app_file> counter_webapp(const prompt_traits& t, const std::string& title);
std::vector<app_file> calculator_webapp(const prompt_traits& t, const std::string& title);
std::vector<app_file> quiz_webapp(const prompt_traits& t, const std::string& title);
std::vector<app_file> form_webapp(const prompt_traits& t, const std::string& title);
/// The fields the form template shows for `t` (its own, or a kind's defaults).
std::vector<std::string> form_fields(const prompt_traits& t);
std::vector<app_file> chart_webapp(const prompt_traits& t, const std::string& title);
std::vector<app_file> generic_webapp(const prompt_traits& t, const std::string& title);
std::vector<app_file> crud_api(const prompt_traits& t, const std::string& title);
/// The fields of the resource the CRUD API serves for `t` (as keys or names).
std::vector<std::string> crud_fields(const prompt_traits& t);
std::vector<app_file> generic_api(const prompt_traits& t, const std::string& title);
std::vector<app_file> math_script(const prompt_traits& t, const std::string& title);
std::vector<app_file> report_script(const prompt_traits& t, const std::string& title);
std::vector<app_file> site_pages(const prompt_traits& t, const std::string& title);

/// The webapp template whose manifest words fit `t` best (earliest word,
/// then longest phrase, then priority), or "generic".
std::string choose_webapp(const prompt_traits& t);

/// The template of `type` ("webapp", "api") whose manifest words fit `t`
/// best, or `fallback` when no manifest's words occur.
std::string choose_by_manifest(std::string_view type, const prompt_traits& t,
                               std::string_view fallback);

/// The parameters template `name`'s manifest declares, read from `t`.
nlohmann::json template_params(std::string_view name, const prompt_traits& t);

/// Renders an api data template: its server.js with CONFIG (title,
/// description, css and the manifest's parameters).
std::vector<app_file> data_api(const std::string& name, const prompt_traits& t,
                               const std::string& title);

/// True if template `name` is rendered from its manifest alone (no C++
/// renderer of its own).
bool is_data_template(std::string_view name);

/// The manifest's default title of template `name` ("" when it has none).
std::string data_template_title(std::string_view name, const prompt_traits& t);

/// Renders a data template: its parameters read from the prompt, its files
/// wrapped in the shared page shell.
std::vector<app_file> data_webapp(const std::string& name, const prompt_traits& t,
                                  const std::string& title);

/// Which computation a math script does: "fibonacci", "primes", "table",
/// "factorial", or "" when the prompt asks for none of them.
std::string math_mode(const prompt_traits& t);

/// The title of a "series" script ("Square Numbers", "Celsius to Fahrenheit").
std::string series_title(const prompt_traits& t);

/// Question bank for a quiz: a JSON array of {q, choices[], answer, why}.
/// `bank` names the topic ("space", "geography", ...; "" for general).
nlohmann::json quiz_questions(const std::string& bank);

/// The bank that fits the prompt's words, or "" for general knowledge.
std::string quiz_bank_for(const prompt_traits& t);

} // namespace spawn
