#include "infra/archive_extract.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/path_safety.hpp"

namespace spawn {

namespace fs = std::filesystem;

namespace {

caf::error refuse(const std::string& entry, const std::string& why) {
  return make_error(errc::invalid_input,
                    entry.empty() ? "bad archive: " + why
                                  : "bad archive entry '" + entry + "': " + why);
}

/// libarchive's last error, never null.
std::string why(struct archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

/// Owns a libarchive reader or writer.
struct archive_ptr {
  struct archive* a;
  bool reader;
  ~archive_ptr() {
    if (reader)
      archive_read_free(a);
    else
      archive_write_free(a);
  }
};

/// The entry name as a relative path ("./x/" → "x"); "" for the root itself.
std::string normalise(std::string name) {
  while (name.size() >= 2 && name.compare(0, 2, "./") == 0)
    name.erase(0, 2);
  while (!name.empty() && name.back() == '/')
    name.pop_back();
  if (name == ".")
    name.clear();
  return name;
}

/// Lexically resolves a link target against the folder of `entry`: the
/// resulting relative path, or nothing when it leaves the root.
std::optional<std::string> resolve_link(const std::string& entry, const std::string& target) {
  if (target.empty() || target.front() == '/')
    return std::nullopt;
  std::vector<std::string> parts;
  auto slash = entry.rfind('/');
  std::string base = slash == std::string::npos ? "" : entry.substr(0, slash);
  auto push = [&](const std::string& path) {
    size_t i = 0;
    while (i <= path.size()) {
      auto j = path.find('/', i);
      if (j == std::string::npos)
        j = path.size();
      auto seg = path.substr(i, j - i);
      if (seg == "..") {
        if (parts.empty())
          return false;
        parts.pop_back();
      } else if (!seg.empty() && seg != ".") {
        parts.push_back(seg);
      }
      i = j + 1;
    }
    return true;
  };
  if (!push(base) || !push(target))
    return std::nullopt;
  std::string out;
  for (auto& p : parts)
    out += (out.empty() ? "" : "/") + p;
  return out;
}

class extractor {
public:
  extractor(std::string dest, const extract_limits& lim, size_t compressed)
    : dest_(std::move(dest)), lim_(lim), compressed_(compressed) {
  }

  caf::error run(struct archive* a) {
    struct archive_entry* e = nullptr;
    for (;;) {
      int rc = archive_read_next_header(a, &e);
      if (rc == ARCHIVE_EOF)
        break;
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
        return refuse("", std::string{"cannot read it ("} + why(a) + ")");
      if (++report.entries > lim_.max_entries)
        return refuse("", "more than " + std::to_string(lim_.max_entries) + " entries");
      const char* raw = archive_entry_pathname(e);
      if (!raw)
        return refuse("", "an entry without a name");
      std::string shown = raw;
      if (shown.empty() || shown.front() == '/')
        return refuse(shown, "absolute path");
      auto name = normalise(shown);
      if (name.empty())
        continue; // "./" itself
      if (!is_safe_relative_path(name))
        return refuse(shown, "unsafe path (\"..\", empty or odd segment, or too long)");
      if (auto err = through_link(name, shown))
        return err;
      if (!seen_.insert(name).second)
        return refuse(shown, "duplicate name");
      if (const char* hard = archive_entry_hardlink(e)) {
        if (auto err = hard_link(name, shown, normalise(hard)))
          return err;
        continue;
      }
      switch (archive_entry_filetype(e)) {
        case AE_IFDIR:
          if (auto err = make_dirs(name, shown))
            return err;
          dirs_.insert(name);
          break;
        case AE_IFREG:
          if (auto err = write_file(a, e, name, shown))
            return err;
          break;
        case AE_IFLNK: {
          const char* target = archive_entry_symlink(e);
          auto inside = resolve_link(name, target ? target : "");
          if (!inside)
            return refuse(shown, std::string{"symbolic link leaving the folder (-> "}
                                   + (target ? target : "") + ")");
          if (auto err = make_parent(name, shown))
            return err;
          if (::symlink(target, (dest_ + "/" + name).c_str()) != 0)
            return refuse(shown, "cannot create the link");
          links_.insert(name);
          break;
        }
        default:
          return refuse(shown, "device, FIFO or socket (only files, folders and links)");
      }
    }
    return {};
  }

  extract_report report;

private:
  /// No entry may be written through a link of this archive.
  caf::error through_link(const std::string& name, const std::string& shown) {
    for (auto i = name.find('/'); i != std::string::npos; i = name.find('/', i + 1))
      if (links_.count(name.substr(0, i)))
        return refuse(shown, "goes through the symbolic link '" + name.substr(0, i) + "'");
    if (links_.count(name))
      return refuse(shown, "duplicate name");
    return {};
  }

  caf::error make_dirs(const std::string& rel, const std::string& shown) {
    std::string path = dest_;
    size_t i = 0;
    while (i < rel.size()) {
      auto j = rel.find('/', i);
      if (j == std::string::npos)
        j = rel.size();
      path += "/" + rel.substr(i, j - i);
      struct stat st;
      if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
          return refuse(shown, "a parent is not a folder");
      } else if (::mkdir(path.c_str(), 0755) != 0) {
        return refuse(shown, "cannot create its folder");
      }
      i = j + 1;
    }
    return {};
  }

  caf::error make_parent(const std::string& rel, const std::string& shown) {
    auto slash = rel.rfind('/');
    return slash == std::string::npos ? caf::error{} : make_dirs(rel.substr(0, slash), shown);
  }

  caf::error count(uint64_t n, uint64_t& file_bytes, const std::string& shown,
                   struct archive* a) {
    file_bytes += n;
    report.bytes += n;
    if (file_bytes > lim_.max_file_bytes)
      return refuse(shown, "larger than " + std::to_string(lim_.max_file_bytes) + " bytes");
    if (report.bytes > lim_.max_total_bytes)
      return refuse(shown, "the archive holds more than " + std::to_string(lim_.max_total_bytes)
                             + " bytes uncompressed");
    if (report.bytes > lim_.ratio_floor_bytes) {
      auto read = std::max<int64_t>(1, std::max<int64_t>(archive_filter_bytes(a, -1),
                                                         static_cast<int64_t>(0)));
      auto in = std::min<double>(static_cast<double>(read), static_cast<double>(compressed_));
      if (static_cast<double>(report.bytes) > lim_.max_ratio * std::max(1.0, in))
        return refuse(shown, "compression ratio over " + std::to_string(int(lim_.max_ratio))
                               + ":1 (a zip bomb?)");
    }
    return {};
  }

  caf::error write_file(struct archive* a, struct archive_entry* e, const std::string& name,
                        const std::string& shown) {
    if (archive_entry_size_is_set(e)
        && static_cast<uint64_t>(archive_entry_size(e)) > lim_.max_file_bytes)
      return refuse(shown, "larger than " + std::to_string(lim_.max_file_bytes) + " bytes");
    if (auto err = make_parent(name, shown))
      return err;
    auto mode = (archive_entry_perm(e) & 0111) ? 0755 : 0644;
    auto path = dest_ + "/" + name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
      return refuse(shown, "cannot create the file");
    uint64_t file_bytes = 0;
    const void* buf;
    size_t size;
    la_int64_t offset;
    caf::error err;
    for (;;) {
      int rc = archive_read_data_block(a, &buf, &size, &offset);
      if (rc == ARCHIVE_EOF)
        break;
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        err = refuse(shown, std::string{"cannot read its data ("} + why(a)
                              + ")");
        break;
      }
      if ((err = count(size, file_bytes, shown, a)))
        break;
      if (::pwrite(fd, buf, size, offset) != static_cast<ssize_t>(size)) {
        err = make_error(errc::io_error, "cannot write " + name + " (disk full?)");
        break;
      }
    }
    ::close(fd);
    ++report.files;
    files_.insert(name);
    return err;
  }

  caf::error hard_link(const std::string& name, const std::string& shown,
                       const std::string& target) {
    if (!is_safe_relative_path(target) || !files_.count(target))
      return refuse(shown, "hard link to '" + target + "', not a file extracted before");
    if (auto err = make_parent(name, shown))
      return err;
    std::error_code ec;
    auto size = fs::file_size(dest_ + "/" + target, ec);
    report.bytes += size; // a link is a copy: it counts against the caps
    if (ec || size > lim_.max_file_bytes || report.bytes > lim_.max_total_bytes)
      return refuse(shown, "hard link over the size caps");
    fs::copy_file(dest_ + "/" + target, dest_ + "/" + name, ec);
    if (ec)
      return refuse(shown, "cannot copy the linked file");
    files_.insert(name);
    ++report.files;
    return {};
  }

  std::string dest_;
  extract_limits lim_;
  size_t compressed_;
  std::set<std::string> seen_, links_, files_, dirs_;
};

void empty_folder(const std::string& dest) {
  std::error_code ec;
  for (auto& e : fs::directory_iterator{dest, ec})
    fs::remove_all(e.path(), ec);
}

} // namespace

caf::expected<extract_report> extract_archive(std::string_view archive, const std::string& dest,
                                              const extract_limits& limits) {
  if (archive.empty())
    return refuse("", "it is empty");
  std::error_code ec;
  fs::create_directories(dest, ec);
  if (ec)
    return make_error(errc::io_error, "cannot create " + dest + ": " + ec.message());
  archive_ptr a{archive_read_new(), true};
  archive_read_support_filter_gzip(a.a);
  archive_read_support_filter_none(a.a);
  archive_read_support_format_tar(a.a);
  archive_read_support_format_gnutar(a.a);
  archive_read_support_format_zip(a.a);
  if (archive_read_open_memory(a.a, archive.data(), archive.size()) != ARCHIVE_OK)
    return refuse("", std::string{"not a .tar.gz, .tar or .zip archive ("}
                        + why(a.a) + ")");
  extractor x{dest, limits, archive.size()};
  if (auto err = x.run(a.a)) {
    empty_folder(dest);
    return err;
  }
  if (x.report.entries == 0) {
    return refuse("", "not a .tar.gz, .tar or .zip archive, or one without entries");
  }
  return x.report;
}

bool ignored(const std::string& rel, bool is_dir, const std::vector<std::string>& patterns) {
  auto base = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
  for (auto p : patterns) {
    while (!p.empty() && (p.back() == '\r' || p.back() == ' '))
      p.pop_back();
    if (p.empty() || p.front() == '#')
      continue;
    bool dir_only = p.back() == '/';
    if (dir_only)
      p.pop_back();
    if (dir_only && !is_dir)
      continue;
    bool anchored = p.front() == '/';
    if (anchored)
      p.erase(0, 1);
    bool has_slash = p.find('/') != std::string::npos;
    const auto& subject = anchored || has_slash ? rel : base;
    if (!p.empty() && fnmatch(p.c_str(), subject.c_str(), FNM_PATHNAME) == 0)
      return true;
  }
  return false;
}

namespace {

la_ssize_t append_out(struct archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

} // namespace

caf::expected<std::string> pack_directory(const std::string& dir,
                                          const std::vector<std::string>& patterns) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return make_error(errc::not_found, "no folder " + dir);
  std::vector<std::pair<std::string, fs::file_status>> entries;
  fs::recursive_directory_iterator it{dir, fs::directory_options::none, ec}, end;
  for (; !ec && it != end; it.increment(ec)) {
    auto rel = it->path().lexically_relative(dir).generic_string();
    auto st = it->symlink_status(ec);
    bool is_dir = fs::is_directory(st);
    if (ignored(rel, is_dir, patterns)) {
      if (is_dir)
        it.disable_recursion_pending();
      continue;
    }
    entries.emplace_back(rel, st);
  }
  if (ec)
    return make_error(errc::io_error, "cannot list " + dir + ": " + ec.message());
  std::sort(entries.begin(), entries.end(),
            [](auto& x, auto& y) { return x.first < y.first; });
  std::string out;
  archive_ptr a{archive_write_new(), false};
  archive_write_set_format_pax_restricted(a.a);
  archive_write_add_filter_gzip(a.a);
  // No time in the gzip header: the same tree packs to the same bytes.
  archive_write_set_filter_option(a.a, "gzip", "timestamp", nullptr);
  archive_write_set_bytes_in_last_block(a.a, 1);
  if (archive_write_open(a.a, &out, nullptr, append_out, nullptr) != ARCHIVE_OK)
    return make_error(errc::io_error, "cannot start an archive");
  std::string buf;
  for (auto& [rel, st] : entries) {
    auto path = dir + "/" + rel;
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, rel.c_str());
    archive_entry_set_mtime(e, 0, 0);
    buf.clear();
    if (fs::is_symlink(st)) {
      auto target = fs::read_symlink(path, ec).string();
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_perm(e, 0777);
      archive_entry_set_symlink(e, target.c_str());
    } else if (fs::is_directory(st)) {
      archive_entry_set_filetype(e, AE_IFDIR);
      archive_entry_set_perm(e, 0755);
    } else if (fs::is_regular_file(st)) {
      int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) {
        archive_entry_free(e);
        return make_error(errc::io_error, "cannot read " + path);
      }
      char chunk[65536];
      ssize_t n;
      while ((n = ::read(fd, chunk, sizeof chunk)) > 0)
        buf.append(chunk, static_cast<size_t>(n));
      ::close(fd);
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, (st.permissions() & fs::perms::owner_exec) != fs::perms::none
                                  ? 0755 : 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(buf.size()));
    } else {
      archive_entry_free(e);
      continue; // sockets, FIFOs: never packed
    }
    int rc = archive_write_header(a.a, e);
    archive_entry_free(e);
    if (rc != ARCHIVE_OK)
      return make_error(errc::io_error, "cannot pack " + rel);
    if (!buf.empty() && archive_write_data(a.a, buf.data(), buf.size()) < 0)
      return make_error(errc::io_error, "cannot pack " + rel);
  }
  if (archive_write_close(a.a) != ARCHIVE_OK)
    return make_error(errc::io_error, "cannot finish the archive");
  return out;
}

} // namespace spawn
