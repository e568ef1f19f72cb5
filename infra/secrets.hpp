#pragma once

#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace spawn {

/// Reads a secret (an API key) from the first set environment variable of
/// `env_names`, else from `file` (surrounding whitespace trimmed); "" when
/// neither gives one. An unreadable or empty `file` is an
/// `errc::invalid_input` error naming the file, never its content. Secrets
/// are kept in memory only: never logged, stored or passed to app containers.
caf::expected<std::string> read_secret(const std::vector<std::string>& env_names,
                                       const std::string& file);

} // namespace spawn
