#include "core/site_check.hpp"

#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/model_output.hpp"

namespace spawn {

namespace {

caf::error broken(std::string why) {
  return make_error(errc::generation_failed, "the site does not build: " + std::move(why));
}

bool external(std::string_view ref) {
  for (std::string_view p : {"http:", "https:", "mailto:", "tel:", "data:", "javascript:", "#",
                             "//", "sms:"})
    if (ref.substr(0, p.size()) == p)
      return true;
  return ref.empty();
}

/// The directory part of `path` ("a/b.html" → "a/").
std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string{} : path.substr(0, slash + 1);
}

/// Resolves `ref` relative to `dir`: "../" climbs, "./" stays; nullopt when it
/// climbs above the root.
std::optional<std::string> resolve(const std::string& dir, std::string ref) {
  if (auto cut = ref.find_first_of("?#"); cut != std::string::npos)
    ref.resize(cut);
  std::string joined = ref.front() == '/' ? ref.substr(1) : dir + ref;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    auto end = joined.find('/', start);
    if (end == std::string::npos)
      end = joined.size();
    auto seg = joined.substr(start, end - start);
    if (seg == "..") {
      if (parts.empty())
        return std::nullopt;
      parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = end + 1;
  }
  std::string out;
  for (auto& p : parts)
    out += (out.empty() ? "" : "/") + p;
  if (!joined.empty() && joined.back() == '/')
    out += out.empty() ? "index.html" : "/index.html";
  return out.empty() ? std::string{"index.html"} : out;
}

} // namespace

caf::error check_site(const generated_app& app) {
  std::set<std::string> files;
  for (auto& f : app.files)
    files.insert(f.path);
  for (auto page : {"index.html", "services.html", "about.html", "contact.html"})
    if (!files.count(page))
      return broken(std::string{"the page "} + page + " is missing");
  for (auto& f : app.files) {
    if (f.path.size() < 5 || f.path.substr(f.path.size() - 5) != ".html")
      continue;
    if (!is_text_content(f.content))
      return broken(f.path + " is not UTF-8 text");
    auto head = f.content.substr(0, 512);
    for (auto& c : head)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (head.find("<!doctype") == std::string::npos && head.find("<html") == std::string::npos)
      return broken(f.path + " is not an HTML document");
    for (std::string attr : {"href=\"", "src=\""}) {
      for (size_t at = f.content.find(attr); at != std::string::npos;
           at = f.content.find(attr, at + 1)) {
        auto start = at + attr.size();
        auto end = f.content.find('"', start);
        if (end == std::string::npos)
          return broken(f.path + " has an unterminated " + attr.substr(0, attr.size() - 2));
        auto ref = f.content.substr(start, end - start);
        if (external(ref))
          continue;
        auto target = resolve(dir_of(f.path), ref);
        if (!target || !files.count(*target))
          return broken(f.path + " links to '" + ref.substr(0, 100) + "', which is not a file of the site");
      }
    }
  }
  return {};
}

} // namespace spawn
