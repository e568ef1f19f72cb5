#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "infra/templates/prompt_traits.hpp"

namespace spawn {

/// Reads the parameters a template's manifest declares (`"params"`) out of
/// the prompt. Each declaration has a `kind`:
///
/// - `number`: the first whole number in [min, max] next to one of `near`
///   (within three words; `any: true` also takes a number anywhere), else
///   `default`.
/// - `list`: the items the prompt lists after one of `after` ("between Ana,
///   Ben and Chloe"), at least `min_items` (default 2) of them, else
///   `default`; items keep the prompt's spelling, capitalised.
/// - `lookup`: the keys of `table` the prompt names, in prompt order, as
///   `{name, value}` objects ("Tokyo" -> "Asia/Tokyo"), else `default`.
/// - `choice`: the keys of `options` whose words occur, in prompt order.
/// - `flag`: true when any of `words` occurs.
/// - `date`: `{iso, label}` for a date or a named event ("New Year's Eve",
///   "25 December", "2027-03-14"), else the `default` event.
/// - `rates`: exchange rates stated as "1 EUR = 1.08 USD" or "1.08 USD per
///   EUR": `[{from, to, rate}]`, else `default`.
/// - `range`: `{from, to}` of a stated range ("between 1 and 6"), else `default`.
/// - `name`: the name the prompt gives the app ("called Sweet Crumbs"), else
///   `default`; `trade`: `{label, tagline, services}` of the business named.
/// The result maps each parameter to a JSON value that the template's script
/// reads from `CONFIG`; nothing in it is trusted (it is escaped for its
/// context by the renderer).
nlohmann::json extract_params(const nlohmann::json& declared, const prompt_traits& t);

/// Items listed after the first of `after` (see `list` above).
std::vector<std::string> listed_after(const prompt_traits& t,
                                      const std::vector<std::string>& after);

} // namespace spawn
