#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace spawn {

/// The text of an embedded template file ("counter/app.js", relative to
/// infra/templates/). Files are embedded at build time by
/// cmake/embed_templates.cmake. An unknown path is a programming error: it
/// throws std::out_of_range (a unit test reads every path the code names).
const std::string& template_text(std::string_view path);

/// True if `path` is an embedded template file.
bool has_template_file(std::string_view path);

/// Every embedded file's path, sorted.
std::vector<std::string> template_paths();

/// The parsed `manifest.json` of every template folder that has one, in
/// folder order. Parsed once; a malformed manifest throws at first use (and
/// fails the unit test that loads them all).
const std::vector<nlohmann::json>& template_manifests();

} // namespace spawn
