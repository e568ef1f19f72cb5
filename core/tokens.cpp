#include "core/tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace spawn {

namespace {

void random_bytes(unsigned char* buf, int n) {
  if (RAND_bytes(buf, n) != 1)
    throw std::runtime_error("RAND_bytes failed"); // no entropy: nothing is safe
}

std::string hex(const unsigned char* buf, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += digits[buf[i] >> 4];
    out += digits[buf[i] & 0xf];
  }
  return out;
}

} // namespace

std::string new_session_id() {
  static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::array<unsigned char, 11> buf;
  random_bytes(buf.data(), static_cast<int>(buf.size()));
  std::string id = "s";
  for (auto b : buf)
    id += alphabet[b % 36];
  return id;
}

std::string new_manage_token() {
  std::array<unsigned char, 32> buf;
  random_bytes(buf.data(), static_cast<int>(buf.size()));
  return hex(buf.data(), buf.size());
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return hex(digest, len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_session_id(std::string_view id) {
  if (id.size() != 12 || id[0] != 's')
    return false;
  for (char c : id.substr(1))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
      return false;
  return true;
}

} // namespace spawn
