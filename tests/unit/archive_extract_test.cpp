// Safe extraction of uploads (infra/archive_extract.hpp) against hostile
// archives built here with libarchive: nothing may land outside the folder.

#include "infra/archive_extract.hpp"

#include <filesystem>
#include <fstream>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/error.hpp"

using namespace spawn;
namespace fs = std::filesystem;

namespace {

struct entry {
  std::string name;
  mode_t type = AE_IFREG;
  std::string content{};
  std::string link{};  ///< symlink target, or hard link target with `hard`
  bool hard = false;
};

la_ssize_t append(struct archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

/// An archive holding `entries` as given (no checks: that is the point).
std::string make_archive(const std::vector<entry>& entries, bool zip = false) {
  std::string out;
  auto* a = archive_write_new();
  if (zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
  }
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, append, nullptr);
  for (auto& x : entries) {
    auto* e = archive_entry_new();
    archive_entry_set_pathname(e, x.name.c_str());
    archive_entry_set_filetype(e, x.type);
    archive_entry_set_perm(e, 0644);
    if (x.hard)
      archive_entry_set_hardlink(e, x.link.c_str());
    else if (x.type == AE_IFLNK)
      archive_entry_set_symlink(e, x.link.c_str());
    if (x.type == AE_IFREG && !x.hard)
      archive_entry_set_size(e, static_cast<la_int64_t>(x.content.size()));
    archive_write_header(a, e);
    if (x.type == AE_IFREG && !x.content.empty())
      archive_write_data(a, x.content.data(), x.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

class extract : public ::testing::Test {
protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("spawn-extract-" + std::to_string(::getpid()) + "-"
                                         + ::testing::UnitTest::GetInstance()
                                             ->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "outside");
    dest_ = (base_ / "ws").string();
  }
  void TearDown() override {
    fs::remove_all(base_);
  }

  /// Extracting `archive` must fail with invalid_input naming `why`, and
  /// leave nothing in the workspace nor beside it.
  void refused(const std::string& archive, const std::string& why,
               const extract_limits& lim = {}) {
    auto r = extract_archive(archive, dest_, lim);
    ASSERT_FALSE(r) << "accepted; expected a refusal for: " << why;
    EXPECT_EQ(code_of(r.error()), errc::invalid_input) << message_of(r.error());
    EXPECT_NE(message_of(r.error()).find(why), std::string::npos) << message_of(r.error());
    EXPECT_TRUE(fs::is_empty(base_ / "outside"));
    EXPECT_FALSE(fs::exists(base_ / "evil"));
    if (fs::exists(dest_)) {
      EXPECT_TRUE(fs::is_empty(dest_)) << "partial extraction left behind";
    }
  }

  fs::path base_;
  std::string dest_;
};

std::string read(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

} // namespace

TEST_F(extract, a_plain_tree_extracts_with_relative_links) {
  auto a = make_archive({{"./", AE_IFDIR},
                         {"./index.html", AE_IFREG, "<h1>hi</h1>"},
                         {"css/", AE_IFDIR},
                         {"css/site.css", AE_IFREG, "body{}"},
                         {"node_modules/.bin/tool", AE_IFLNK, "", "../tool/cli.js"},
                         {"node_modules/tool/cli.js", AE_IFREG, "1"},
                         {"copy.html", AE_IFREG, "", "index.html", true}});
  auto r = extract_archive(a, dest_);
  ASSERT_TRUE(r) << message_of(r.error());
  EXPECT_EQ(r->files, 4u);
  EXPECT_EQ(read(fs::path{dest_} / "index.html"), "<h1>hi</h1>");
  EXPECT_EQ(read(fs::path{dest_} / "css/site.css"), "body{}");
  EXPECT_EQ(read(fs::path{dest_} / "copy.html"), "<h1>hi</h1>");
  EXPECT_TRUE(fs::is_symlink(fs::path{dest_} / "node_modules/.bin/tool"));
}

TEST_F(extract, a_zip_extracts) {
  auto a = make_archive({{"index.html", AE_IFREG, "zip!"}, {"js/app.js", AE_IFREG, "x()"}},
                        true);
  auto r = extract_archive(a, dest_);
  ASSERT_TRUE(r) << message_of(r.error());
  EXPECT_EQ(read(fs::path{dest_} / "js/app.js"), "x()");
}

TEST_F(extract, dot_dot_and_absolute_paths_are_refused) {
  refused(make_archive({{"../outside/evil", AE_IFREG, "x"}}), "unsafe path");
  refused(make_archive({{"a/../../evil", AE_IFREG, "x"}}), "unsafe path");
  refused(make_archive({{(base_ / "outside/evil").string(), AE_IFREG, "x"}}), "absolute path");
  refused(make_archive({{"a//b", AE_IFREG, "x"}}), "unsafe path");
  refused(make_archive({{"..", AE_IFDIR}}), "unsafe path");
  refused(make_archive({{"../outside/evil", AE_IFREG, "x"}}, true), "unsafe path");
}

TEST_F(extract, links_leaving_the_workspace_are_refused) {
  refused(make_archive({{"up", AE_IFLNK, "", "../outside"}}), "symbolic link leaving");
  refused(make_archive({{"abs", AE_IFLNK, "", "/etc"}}), "symbolic link leaving");
  refused(make_archive({{"a/b", AE_IFLNK, "", "../../.."}}), "symbolic link leaving");
  // A link inside, then a write through it: refused (no entry goes through a link).
  refused(make_archive({{"d/", AE_IFDIR}, {"l", AE_IFLNK, "", "d"}, {"l/x", AE_IFREG, "x"}}),
          "goes through the symbolic link");
  // The classic: a link, then a file of the same name written through it.
  refused(make_archive({{"f", AE_IFLNK, "", "g"}, {"f", AE_IFREG, "x"}}), "duplicate name");
  refused(make_archive({{"h", AE_IFREG, "", "../outside/secret", true}}), "hard link");
  refused(make_archive({{"h", AE_IFREG, "", "/etc/passwd", true}}), "hard link");
  refused(make_archive({{"h", AE_IFREG, "", "never-extracted", true}}), "hard link");
}

TEST_F(extract, devices_and_fifos_are_refused) {
  refused(make_archive({{"dev", AE_IFCHR}}), "device, FIFO or socket");
  refused(make_archive({{"blk", AE_IFBLK}}), "device, FIFO or socket");
  refused(make_archive({{"fifo", AE_IFIFO}}), "device, FIFO or socket");
}

TEST_F(extract, bombs_and_caps_are_refused) {
  // 64 MiB of zeros compress to about 64 KiB: far over the ratio.
  refused(make_archive({{"zeros", AE_IFREG, std::string(64u << 20, '\0')}}), "ratio");
  refused(make_archive({{"zeros", AE_IFREG, std::string(64u << 20, '\0')}}, true), "ratio");
  extract_limits small;
  small.max_file_bytes = 1000;
  refused(make_archive({{"big", AE_IFREG, std::string(2000, 'x')}}), "larger than 1000",
          small);
  extract_limits total;
  total.max_total_bytes = 1500;
  refused(make_archive({{"a", AE_IFREG, std::string(1000, 'x')},
                        {"b", AE_IFREG, std::string(1000, 'y')}}),
          "more than 1500 bytes", total);
  extract_limits few;
  few.max_entries = 3;
  std::vector<entry> many;
  for (int i = 0; i < 10; ++i)
    many.push_back({"f" + std::to_string(i), AE_IFREG, "x"});
  refused(make_archive(many), "more than 3 entries", few);
}

TEST_F(extract, garbage_is_not_an_archive) {
  refused("", "empty");
  refused("hello, this is not an archive at all", "not a .tar.gz");
  auto a = make_archive({{"index.html", AE_IFREG, std::string(5000, 'a')}});
  refused(a.substr(0, a.size() / 2), "truncated");
}

TEST_F(extract, pack_then_extract_round_trips_and_honours_spawnignore) {
  auto src = base_ / "src";
  fs::create_directories(src / "node_modules/x");
  fs::create_directories(src / ".git");
  fs::create_directories(src / "lib");
  std::ofstream{src / "index.html"} << "page";
  std::ofstream{src / "lib/a.js"} << "a";
  std::ofstream{src / "lib/a.log"} << "log";
  std::ofstream{src / "node_modules/x/i.js"} << "dep";
  std::ofstream{src / ".git/HEAD"} << "ref";
  fs::create_symlink("lib/a.js", src / "alias.js");
  auto packed = pack_directory(src.string(), {"node_modules/", "/.git", "*.log", "# note"});
  ASSERT_TRUE(packed) << message_of(packed.error());
  auto r = extract_archive(*packed, dest_);
  ASSERT_TRUE(r) << message_of(r.error());
  EXPECT_EQ(read(fs::path{dest_} / "lib/a.js"), "a");
  EXPECT_TRUE(fs::is_symlink(fs::path{dest_} / "alias.js"));
  EXPECT_FALSE(fs::exists(fs::path{dest_} / "lib/a.log"));
  EXPECT_FALSE(fs::exists(fs::path{dest_} / "node_modules"));
  EXPECT_FALSE(fs::exists(fs::path{dest_} / ".git"));
}

TEST(spawnignore, patterns_match_like_gitignore) {
  EXPECT_TRUE(ignored("a/b/secret.env", false, {"*.env"}));
  EXPECT_TRUE(ignored("dist", true, {"dist/"}));
  EXPECT_FALSE(ignored("dist", false, {"dist/"}));
  EXPECT_TRUE(ignored("tmp", true, {"/tmp"}));
  EXPECT_FALSE(ignored("src/tmp", true, {"/tmp"}));
  EXPECT_TRUE(ignored("docs/a.md", false, {"docs/*.md"}));
  EXPECT_FALSE(ignored("x.js", false, {"", "# x.js", "y.js"}));
}
