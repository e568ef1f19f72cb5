// libFuzzer target of the upload extractor (infra/archive_extract.hpp): any
// bytes, as a tar, tar.gz or zip, extract within the workspace or are
// refused; nothing is ever written beside it and no link points out.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "infra/archive_extract.hpp"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fs::path base = fs::temp_directory_path()
                               / ("spawn-extract-fuzz-" + std::to_string(::getpid()));
  auto ws = base / "ws";
  fs::remove_all(base);
  fs::create_directories(base);
  spawn::extract_limits lim;
  lim.max_total_bytes = 8u << 20;
  lim.max_file_bytes = 4u << 20;
  auto r = spawn::extract_archive({reinterpret_cast<const char*>(data), size}, ws.string(), lim);
  // Only the workspace may exist under base, and every link in it stays inside.
  for (auto& e : fs::directory_iterator{base})
    if (e.path() != ws)
      std::abort();
  auto real_ws = fs::weakly_canonical(ws);
  if (fs::exists(ws))
    for (auto& e : fs::recursive_directory_iterator{ws}) {
      if (e.is_symlink()) {
        auto target = fs::weakly_canonical(e.path());
        auto rel = target.lexically_relative(real_ws).generic_string();
        if (rel.empty() || rel.compare(0, 2, "..") == 0)
          std::abort();
      }
      auto st = e.symlink_status();
      if (!fs::is_regular_file(st) && !fs::is_directory(st) && !fs::is_symlink(st))
        std::abort();
    }
  (void) r;
  return 0;
}
