#pragma once

#include <caf/error.hpp>

#include "core/generated_app.hpp"

namespace spawn {

/// "Builds" a static multi-page site before it is deployed: the four pages
/// (index, services, about, contact .html) exist, every page is UTF-8 text
/// with an <html> or <!doctype> start, and every relative link or asset
/// (href=, src=) of every page resolves to a file of the app. External
/// (http:, https:, mailto:, tel:, data:) and in-page (#...) links are not
/// followed. An `errc::generation_failed` error names the first problem.
caf::error check_site(const generated_app& app);

} // namespace spawn
