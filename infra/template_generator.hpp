#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/app_type.hpp"
#include "infra/generator.hpp"
#include "infra/templates/prompt_traits.hpp"

namespace spawn {

/// The offline generator (DESIGN §3, the default): picks a built-in template
/// from the prompt's words (English and French) and adapts it (title, theme,
/// accent colour, durations, quiz topic, form fields, API resource). Needs no
/// network, never blocks for long, and is deterministic for a given prompt.
class template_generator : public generator {
public:
  /// Loads the embedded manifests, so no request pays for parsing them.
  template_generator();

  /// Returns "template".
  std::string name() const override;

  /// Renders the template that fits `req`. A `site` is a static multi-page
  /// website (home, services, about, contact). Errors: `errc::invalid_input`
  /// for an empty prompt.
  caf::expected<generated_app> generate(const generation_request& req) override;

  /// Same, and tells `obs` which template answered; when none fits, says
  /// plainly that the app is a generic starter (`generic_starter_notice`).
  caf::expected<generated_app> generate_observed(const generation_request& req,
                                                 const generation_observer& obs) override;
};

/// Renders template `name` ("" : the one that fits `req`) for `req` with the
/// accumulated follow-up `edits` (a JSON object, infra/template_edits.hpp):
/// what `generate` does for a first request, and each template turn.
caf::expected<generated_app> render_template(const generation_request& req,
                                             const std::string& name,
                                             const nlohmann::json& edits);

/// What the session's events say when no template fits the request.
inline constexpr const char* generic_starter_notice =
  "No offline template fits this request, so the offline generator made a generic starter "
  "page; a model backend (Anthropic, OpenAI-compatible or a command) would build the app "
  "asked for.";

/// True for the templates that are a generic starter rather than the app
/// asked for: "generic" (webapps) and "report_script" (scripts).
bool is_generic_starter(std::string_view template_name);

/// Name of the template that fits `type` and `traits`: for webapps "todo",
/// "notes", "timer", "counter", "calculator", "quiz", "form", "chart" or
/// "generic"; for apis "crud_api" or "generic_api"; for scripts
/// "fibonacci_script", "primes_script", "table_script", "factorial_script" or
/// "report_script"; "site" for sites.
std::string choose_template(app_type type, const prompt_traits& traits);

/// The title shown by template `name` for `traits`: a name the prompt gives
/// wins, then the prompt's head noun phrase, then a title that fits the
/// template ("Solar System Quiz", "Books API", "Fibonacci Numbers").
std::string resolve_title(std::string_view name, const prompt_traits& traits);

/// The resource a CRUD API serves, as a URL path segment ("books"): taken
/// from the prompt's subject, pluralised; "items" when the prompt names none.
std::string api_resource(const prompt_traits& traits);

} // namespace spawn
