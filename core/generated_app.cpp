#include "core/generated_app.hpp"

#include <set>

#include "core/error.hpp"

namespace spawn {

bool is_safe_relative_path(std::string_view path) {
  if (path.empty() || path.size() > 200 || path.front() == '/')
    return false;
  size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos)
      end = path.size();
    auto seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..")
      return false;
    start = end + 1;
  }
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\' || c == ':')
      return false;
  return true;
}

caf::error validate_app(const generated_app& app) {
  constexpr size_t max_files = 200;
  constexpr size_t max_bytes = 2u << 20;
  auto fail = [](std::string why) { return make_error(errc::generation_failed, std::move(why)); };
  if (app.files.empty())
    return fail("the app has no files");
  if (app.files.size() > max_files)
    return fail("the app has more than " + std::to_string(max_files) + " files");
  std::set<std::string> seen;
  size_t total = 0;
  for (auto& f : app.files) {
    if (!is_safe_relative_path(f.path))
      return fail("unsafe file path '" + f.path + "'");
    if (!seen.insert(f.path).second)
      return fail("duplicate file '" + f.path + "'");
    total += f.content.size();
  }
  if (total > max_bytes)
    return fail("the app's files exceed 2 MiB");
  if (app.entry.empty() || !seen.count(app.entry))
    return fail("the entry file '" + app.entry + "' is missing");
  return {};
}

} // namespace spawn
