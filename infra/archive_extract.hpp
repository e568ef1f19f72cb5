#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace spawn {

/// The caps an archive must stay within (zip bombs, huge trees).
struct extract_limits {
  size_t max_entries = 20000;             ///< entries of every kind
  uint64_t max_total_bytes = 256u << 20;  ///< uncompressed bytes in all
  uint64_t max_file_bytes = 64u << 20;    ///< uncompressed bytes of one file
  /// Uncompressed bytes per compressed byte read so far, checked once more
  /// than `ratio_floor_bytes` were written (small, very regular files pass).
  double max_ratio = 200.0;
  uint64_t ratio_floor_bytes = 4u << 20;
};

/// What an extraction wrote.
struct extract_report {
  size_t entries = 0;
  size_t files = 0;
  uint64_t bytes = 0;
};

/// Extracts a .tar, .tar.gz or .zip held in `archive` into `dest` (created
/// when missing, and expected empty). Every entry name must pass the one
/// path-safety rule (core/path_safety.hpp) once a leading "./" is dropped: no
/// absolute path, no "..". Symbolic links are kept only when they point,
/// relative, inside `dest`, and no entry may go through one; hard links must
/// name a regular file extracted before (it is copied); devices, FIFOs and
/// sockets are refused, as are duplicate names and anything over `limits`.
/// On an error nothing written stays (`dest` is emptied) and the error, of
/// `errc::invalid_input`, names the entry and why. Blocking (disk).
caf::expected<extract_report> extract_archive(std::string_view archive, const std::string& dest,
                                              const extract_limits& limits = {});

/// Packs the tree under `dir` into a .tar.gz (regular files, folders,
/// symbolic links; names relative and sorted). Every name matching one of
/// the `.spawnignore`-style `patterns` (see `ignored`) is left out, a folder
/// with all it holds. Blocking (disk).
caf::expected<std::string> pack_directory(const std::string& dir,
                                          const std::vector<std::string>& patterns = {});

/// True when the relative path `rel` is matched by one of `patterns`, lines
/// of a `.spawnignore` (gitignore's simple forms): `name` matches that name
/// at any depth, `dir/` a folder, `/path` from the root only, `*` and `?`
/// wildcards within one segment; blank lines and `#` comments are ignored.
bool ignored(const std::string& rel, bool is_dir, const std::vector<std::string>& patterns);

} // namespace spawn
