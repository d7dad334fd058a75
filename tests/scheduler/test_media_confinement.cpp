// The media root holds after symbolic links are resolved; extra media roots widen it.
#include <gtest/gtest.h>

#include "scheduler/media_paths.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

namespace fs = std::filesystem;

struct MediaConfinement : ::testing::Test {
  test::TempDir dir;
  fs::path root = dir / "media";
  void SetUp() override {
    fs::create_directories(root);
    test::write_file(dir / "outside" / "secret.wav", "x");
    test::write_file(dir / "archive" / "old.wav", "x");
    test::write_file(root / "inside.wav", "x");
    fs::create_symlink(dir / "outside" / "secret.wav", root / "escape.wav");
    fs::create_directory_symlink(dir / "outside", root / "escape-dir");
    fs::create_symlink(dir / "archive" / "old.wav", root / "archived.wav");
    fs::create_symlink(root / "inside.wav", root / "alias.wav");
  }
  void TearDown() override { set_extra_media_roots({}); }
};

TEST_F(MediaConfinement, SymlinkOutsideTheRootIsRefused) {
  const auto r = resolve_media_path(root, "escape.wav");
  EXPECT_NE(r.error.find("outside the media root"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("secret.wav"), std::string::npos) << r.error;
  EXPECT_NE(resolve_media_path(root, "escape-dir/secret.wav").error, "");
  EXPECT_NE(resolve_media_path(root, "archived.wav").error, "");
}

TEST_F(MediaConfinement, SymlinkInsideTheRootAndPlainFilesAreAccepted) {
  EXPECT_EQ(resolve_media_path(root, "alias.wav").error, "");
  EXPECT_EQ(resolve_media_path(root, "inside.wav").error, "");
  // Missing files are left to the caller's "not found" (and its normalization hint).
  EXPECT_EQ(resolve_media_path(root, "missing.wav").error, "");
  EXPECT_NE(resolve_media_path(root, "../outside/secret.wav").error, "");
}

TEST_F(MediaConfinement, SymlinkIntoAnExtraRootIsAccepted) {
  set_extra_media_roots({dir / "archive"});
  EXPECT_EQ(resolve_media_path(root, "archived.wav").error, "");
  const auto r = resolve_media_path(root, "escape.wav");
  EXPECT_NE(r.error.find("extra media roots"), std::string::npos) << r.error;
}

TEST_F(MediaConfinement, RootReachedThroughASymlinkStillContainsItsFiles) {
  fs::create_directory_symlink(root, dir / "root-link");
  EXPECT_EQ(resolve_media_path(dir / "root-link", "inside.wav").error, "");
  EXPECT_NE(resolve_media_path(dir / "root-link", "escape.wav").error, "");
}

}  // namespace
}  // namespace onair
