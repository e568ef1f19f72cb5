#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/session.hpp"

namespace spawn {

/// A user's API key as stored (table `api_keys`): only its hash, never the key.
struct api_key_record {
  std::string id;       ///< 'k' + 11 base-36 characters; safe to show and log
  std::string owner;    ///< the owner the key identifies
  std::string key_hash; ///< hex SHA-256 of the key
  epoch_ms created_at = 0;
  epoch_ms revoked_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, api_key_record& x) {
  return f(x.id, x.owner, x.key_hash, x.created_at, x.revoked_at);
}

/// A new API key: "spk_" + 64 hex characters.
std::string new_api_key();

/// A new key id.
std::string new_api_key_id();

/// True for an owner name an API key may carry: 1-64 of [A-Za-z0-9._@-].
bool is_owner_name(std::string_view s);

/// The keys in force, by hash, shared by the HTTP threads (lookups) and the
/// session manager (refresh from the store). Thread-safe.
class api_key_index {
public:
  /// Replaces every key by `keys` (revoked ones are skipped).
  void replace(const std::vector<api_key_record>& keys);
  /// Adds or revokes one key.
  void put(const api_key_record& key);
  /// The owner of `key` (the clear key as presented), if it is in force.
  std::optional<std::string> owner_of(std::string_view key) const;
  size_t size() const;

private:
  mutable std::mutex mtx_;
  std::map<std::string, std::string> owners_; ///< key hash → owner
};

} // namespace spawn
