#include "infra/slot_archive.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <archive.h>
#include <archive_entry.h>

#include "core/error.hpp"

namespace spawn {

namespace fs = std::filesystem;

namespace {

/// Owns a libarchive writer.
struct writer {
  struct archive* a = archive_write_new();
  ~writer() {
    archive_write_free(a);
  }
};

caf::error tar_error(struct archive* a, const std::string& what) {
  const char* e = archive_error_string(a);
  return make_error(errc::io_error, "cannot pack the slot (" + what + "): " + (e ? e : "?"));
}

/// Writes one entry: a folder when `content` is null.
caf::error add(struct archive* a, const std::string& name, const std::string* content) {
  auto* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_uid(e, 0);
  archive_entry_set_gid(e, 0);
  archive_entry_set_mtime(e, 0, 0);
  if (content != nullptr) {
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(content->size()));
  } else {
    archive_entry_set_filetype(e, AE_IFDIR);
    archive_entry_set_perm(e, 0755);
  }
  caf::error err;
  if (archive_write_header(a, e) != ARCHIVE_OK)
    err = tar_error(a, name);
  else if (content != nullptr && !content->empty()
           && archive_write_data(a, content->data(), content->size())
                != static_cast<la_ssize_t>(content->size()))
    err = tar_error(a, name);
  archive_entry_free(e);
  return err;
}

caf::expected<std::string> read_all(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::string s{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  if (!in.good() && !in.eof())
    return make_error(errc::io_error, "cannot read " + p.string());
  return s;
}

} // namespace

caf::expected<std::string> slot_tar(const std::string& slot_dir) {
  std::error_code ec;
  fs::path root{slot_dir};
  if (!fs::is_directory(root, ec))
    return make_error(errc::not_found, "no slot folder " + slot_dir);
  // Sorted, so a folder comes before what it holds; the manifest goes last.
  std::vector<fs::path> entries;
  for (fs::recursive_directory_iterator it{root, ec}, end; !ec && it != end; it.increment(ec)) {
    auto rel = fs::relative(it->path(), root, ec);
    if (ec)
      break;
    auto name = rel.generic_string();
    if (name == "manifest.json" || name == ".manifest.json.tmp")
      continue;
    if (it->is_directory(ec) || it->is_regular_file(ec))
      entries.push_back(rel);
  }
  if (ec)
    return make_error(errc::io_error, "cannot list " + slot_dir + ": " + ec.message());
  std::sort(entries.begin(), entries.end());
  if (fs::is_regular_file(root / "manifest.json", ec))
    entries.emplace_back("manifest.json");

  writer w;
  std::string out;
  archive_write_set_format_pax_restricted(w.a); // ustar, with pax headers for long names
  archive_write_set_bytes_in_last_block(w.a, 1);
  if (archive_write_open(
        w.a, &out, nullptr,
        [](struct archive*, void* buf, const void* data, size_t n) -> la_ssize_t {
          static_cast<std::string*>(buf)->append(static_cast<const char*>(data), n);
          return static_cast<la_ssize_t>(n);
        },
        nullptr)
      != ARCHIVE_OK)
    return tar_error(w.a, "open");
  for (auto& rel : entries) {
    auto full = root / rel;
    if (fs::is_directory(full, ec)) {
      if (auto err = add(w.a, rel.generic_string() + "/", nullptr))
        return err;
      continue;
    }
    auto content = read_all(full);
    if (!content)
      return content.error();
    if (auto err = add(w.a, rel.generic_string(), &*content))
      return err;
  }
  if (archive_write_close(w.a) != ARCHIVE_OK)
    return tar_error(w.a, "close");
  return out;
}

} // namespace spawn
