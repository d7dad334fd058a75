// Replays the fuzz seed corpus and every input a fuzzer ever crashed on (fuzz/regressions)
// through the same code the fuzz targets run. In the sanitizer pass of CI this is where a
// fixed crash would come back.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/targets.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(ONAIR_SOURCE_DIR) / "fuzz" / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::uint8_t> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FuzzReplay : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { spdlog::set_level(spdlog::level::off); }
  void TearDown() override { spdlog::set_level(spdlog::level::info); }
};

TEST_P(FuzzReplay, EveryKnownInputIsHandled) {
  const std::string target = GetParam();
  const auto files = inputs(target);
  ASSERT_GE(files.size(), 5u) << "the seed corpus of " << target << " is missing";
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const auto bytes = read_bytes(file);
    if (target == "schedule") EXPECT_NO_THROW(onair::fuzz::schedule_input(bytes));
    else EXPECT_NO_THROW(onair::fuzz::media_input(bytes));
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::Values("schedule", "media"));

}  // namespace
