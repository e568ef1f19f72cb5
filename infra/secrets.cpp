#include "infra/secrets.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace spawn {

namespace {

std::string trimmed(std::string s) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && space(s.back()))
    s.pop_back();
  size_t i = 0;
  while (i < s.size() && space(s[i]))
    ++i;
  return s.substr(i);
}

} // namespace

caf::expected<std::string> read_secret(const std::vector<std::string>& env_names,
                                       const std::string& file) {
  for (auto& name : env_names)
    if (const char* v = std::getenv(name.c_str()); v != nullptr && *v != '\0')
      return trimmed(v);
  if (file.empty())
    return std::string{};
  std::ifstream in{file};
  if (!in)
    return make_error(errc::invalid_input, "cannot read the key file " + file);
  std::stringstream buf;
  buf << in.rdbuf();
  auto key = trimmed(buf.str());
  if (key.empty() || key.find('\n') != std::string::npos)
    return make_error(errc::invalid_input, "the key file " + file
                                             + " must hold one non-empty line");
  return key;
}

} // namespace spawn
