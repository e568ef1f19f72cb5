#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/generated_app.hpp"
#include "infra/generator.hpp"

namespace spawn {

/// The (backend, model) pairs of `gen` whose answers may be cached, in the
/// order the generator tries them: every link of a chain but the template
/// generator (which is deterministic and free: caching it buys nothing).
std::vector<std::pair<std::string, std::string>> cacheable_links(const generator& gen);

/// The prompt cache key of `req` answered by `backend`/`model`: a SHA-256 over
/// (prompt, app type, client details, backend, model), so only an identical
/// request to the same model reuses an artifact.
std::string prompt_cache_key(const generation_request& req, const std::string& backend,
                             const std::string& model);

} // namespace spawn
