// The tar that carries a slot to a remote host (infra/slot_archive.hpp): what
// is in it, in which order, with which owner and modes.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/error.hpp"
#include "infra/slot_archive.hpp"

namespace fs = std::filesystem;

namespace {

struct entry {
  std::string name;
  bool dir;
  int mode;
  long uid;
  std::string content;
};

std::vector<entry> read_tar(const std::string& tar) {
  std::vector<entry> out;
  auto* a = archive_read_new();
  archive_read_support_format_tar(a);
  if (archive_read_open_memory(a, tar.data(), tar.size()) != ARCHIVE_OK) {
    archive_read_free(a);
    return out;
  }
  struct archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    entry x{archive_entry_pathname(e), archive_entry_filetype(e) == AE_IFDIR,
            static_cast<int>(archive_entry_perm(e)), static_cast<long>(archive_entry_uid(e)), {}};
    char buf[4096];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
      x.content.append(buf, static_cast<size_t>(n));
    out.push_back(std::move(x));
  }
  archive_read_free(a);
  return out;
}

class slot_archive_test : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("spawnai-slottar-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/app/z/deep");
  }
  void TearDown() override {
    fs::remove_all(dir_);
  }
  void write(const std::string& rel, const std::string& content) {
    std::ofstream{dir_ + "/" + rel, std::ios::binary} << content;
  }
  std::string dir_;
};

} // namespace

TEST_F(slot_archive_test, holds_the_app_with_the_manifest_last) {
  write("manifest.json", R"({"type":"webapp"})");
  write("app/index.html", "<h1>hi</h1>");
  write("app/z/deep/a.js", std::string(100000, 'x'));
  write("app/empty.txt", "");
  write(".manifest.json.tmp", "half");
  fs::permissions(dir_ + "/app/index.html", fs::perms::owner_read | fs::perms::owner_write);
  auto tar = spawn::slot_tar(dir_);
  ASSERT_TRUE(tar) << spawn::message_of(tar.error());
  auto es = read_tar(*tar);
  ASSERT_EQ(es.size(), 7u);
  EXPECT_EQ(es.back().name, "manifest.json");
  EXPECT_EQ(es.back().content, R"({"type":"webapp"})");
  std::vector<std::string> names;
  for (auto& e : es) {
    names.push_back(e.name);
    EXPECT_EQ(e.uid, 0) << e.name;
    EXPECT_EQ(e.mode, e.dir ? 0755 : 0644) << e.name; // readable whatever the node's modes
    EXPECT_EQ(e.name.find(".manifest.json.tmp"), std::string::npos);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"app/", "app/empty.txt", "app/index.html", "app/z/",
                                             "app/z/deep/", "app/z/deep/a.js", "manifest.json"}));
  EXPECT_EQ(es[5].content.size(), 100000u);
  EXPECT_EQ(es[2].content, "<h1>hi</h1>");
}

TEST_F(slot_archive_test, a_warm_slot_without_manifest_and_a_missing_slot) {
  auto tar = spawn::slot_tar(dir_);
  ASSERT_TRUE(tar);
  auto es = read_tar(*tar);
  ASSERT_EQ(es.size(), 3u); // the folders only
  EXPECT_EQ(es.front().name, "app/");
  auto none = spawn::slot_tar(dir_ + "/nosuch");
  ASSERT_FALSE(none);
  EXPECT_EQ(spawn::code_of(none.error()), spawn::errc::not_found);
  auto file = spawn::slot_tar(dir_ + "/app/../app/z/deep/../../../nosuch-file");
  EXPECT_FALSE(file);
}
