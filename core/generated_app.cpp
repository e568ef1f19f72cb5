#include "core/generated_app.hpp"

#include <set>

#include "core/error.hpp"

namespace spawn {

caf::error validate_app(const generated_app& app) {
  constexpr size_t max_files = 200;
  constexpr size_t max_bytes = 2u << 20;
  auto fail = [](std::string why) { return make_error(errc::generation_failed, std::move(why)); };
  if (app.files.empty() && !app.bundle.empty())
    return app.entry.empty() || is_safe_relative_path(app.entry)
             ? caf::error{} : fail("unsafe entry '" + app.entry + "'");
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
