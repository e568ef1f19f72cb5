#include "core/api_keys.hpp"

#include "core/tokens.hpp"

namespace spawn {

std::string new_api_key() {
  return "spk_" + new_manage_token();
}

std::string new_api_key_id() {
  auto id = new_session_id();
  id[0] = 'k';
  return id;
}

bool is_owner_name(std::string_view s) {
  if (s.empty() || s.size() > 64)
    return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

void api_key_index::replace(const std::vector<api_key_record>& keys) {
  std::map<std::string, std::string> next;
  for (auto& k : keys)
    if (k.revoked_at == 0)
      next[k.key_hash] = k.owner;
  std::lock_guard<std::mutex> g{mtx_};
  owners_.swap(next);
}

void api_key_index::put(const api_key_record& key) {
  std::lock_guard<std::mutex> g{mtx_};
  if (key.revoked_at == 0)
    owners_[key.key_hash] = key.owner;
  else
    owners_.erase(key.key_hash);
}

std::optional<std::string> api_key_index::owner_of(std::string_view key) const {
  // The map is keyed by the hash: a lookup reveals nothing about the clear key.
  auto hash = sha256_hex(key);
  std::lock_guard<std::mutex> g{mtx_};
  auto i = owners_.find(hash);
  if (i == owners_.end())
    return std::nullopt;
  return i->second;
}

size_t api_key_index::size() const {
  std::lock_guard<std::mutex> g{mtx_};
  return owners_.size();
}

} // namespace spawn
