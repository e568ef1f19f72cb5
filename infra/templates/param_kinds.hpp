#pragma once

#include <nlohmann/json.hpp>

#include "infra/templates/prompt_traits.hpp"

namespace spawn {

/// The `date` parameter kind (see template_params.hpp): `{iso, label}` of a
/// date ("2027-03-14", "25 December", "June 3"), a named event (Christmas,
/// New Year's Eve, the end of the year) or the next weekend or weekday; else
/// `default_days` from today. The label is the event the prompt names.
nlohmann::json date_param(const nlohmann::json& d, const prompt_traits& t);

/// The `rates` parameter kind: `[{from, to, rate}]` for rates stated as
/// "1 EUR = 1.08 USD", "0.85 GBP per EUR" or "dollars to euros at 0.92".
nlohmann::json rates_param(const nlohmann::json& d, const prompt_traits& t);

} // namespace spawn
