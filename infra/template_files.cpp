#include "infra/template_files.hpp"

#include <map>
#include <stdexcept>

namespace spawn {

namespace embedded {
struct file {
  const char* path;
  const char* data;
  std::size_t size;
};
extern const file files[]; // build/generated/template_files_data.cpp
} // namespace embedded

namespace {

const std::map<std::string, std::string, std::less<>>& all_files() {
  static const auto files = [] {
    std::map<std::string, std::string, std::less<>> out;
    for (auto* f = embedded::files; f->path; ++f)
      out.emplace(f->path, std::string{f->data, f->size});
    return out;
  }();
  return files;
}

} // namespace

const std::string& template_text(std::string_view path) {
  auto& files = all_files();
  auto it = files.find(path);
  if (it == files.end())
    throw std::out_of_range{"no embedded template file " + std::string{path}};
  return it->second;
}

bool has_template_file(std::string_view path) {
  return all_files().count(path) > 0;
}

std::vector<std::string> template_paths() {
  std::vector<std::string> out;
  for (auto& [path, text] : all_files())
    out.push_back(path);
  return out;
}

const std::vector<nlohmann::json>& template_manifests() {
  static const auto manifests = [] {
    std::vector<nlohmann::json> out;
    for (auto& [path, text] : all_files()) {
      auto slash = path.find('/');
      if (path.substr(slash + 1) != "manifest.json")
        continue;
      auto m = nlohmann::json::parse(text);
      m["folder"] = path.substr(0, slash);
      out.push_back(std::move(m));
    }
    return out;
  }();
  return manifests;
}

} // namespace spawn
