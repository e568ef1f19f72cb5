#pragma once

#include <vector>

namespace spawn {

/// One numbered schema change. Versions are applied in increasing order, each
/// in its own transaction, and recorded in `schema_migrations`; a published
/// migration is never edited, a change ships as the next version.
struct migration {
  int version;
  const char* name;
  const char* sql;
};

/// The table that records applied migrations; created before any migration runs.
extern const char* const schema_migrations_ddl;

/// Every migration of the schema, ordered by `version` (1, 2, ...).
const std::vector<migration>& migrations();

} // namespace spawn
