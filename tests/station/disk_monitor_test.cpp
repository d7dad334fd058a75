// Free space checks on the station's folders and the disk_low alarm.
#include <gtest/gtest.h>

#include <limits>

#include "station/disk_monitor.hpp"
#include "support/test_media.hpp"

using namespace onair;
using namespace onair::test;
namespace fs = std::filesystem;

namespace {
constexpr std::uint64_t kAbsurd = std::numeric_limits<std::uint64_t>::max() / 4;  // 4 EiB
}

TEST(DiskMonitor, AbsurdThresholdReportsThePath) {
  TempDir dir;
  auto problems = DiskMonitor::check({dir.path()}, kAbsurd);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find(dir.path().string() + ": "), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("free of"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("below the minimum of"), std::string::npos) << problems[0];
}

TEST(DiskMonitor, EnoughSpaceIsNoProblem) {
  TempDir dir;
  EXPECT_TRUE(DiskMonitor::check({dir.path()}, 1).empty());
  EXPECT_TRUE(DiskMonitor::check({dir.path()}, 0).empty());  // 0 = check off
}

TEST(DiskMonitor, FolderNotCreatedYetIsCheckedOnItsParentAndOneDiskIsReportedOnce) {
  TempDir dir;
  const fs::path later = dir / "asrun/not/yet";
  auto problems = DiskMonitor::check({later, dir / "log"}, kAbsurd);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind(later.string() + " (and " + (dir / "log").string() + " on the same disk): ", 0), 0u)
      << problems[0];
}

TEST(DiskMonitor, PollRaisesAndClearsDiskLow) {
  TempDir dir;
  Alarms alarms;
  DiskMonitor full(alarms, {dir.path()}, kAbsurd);
  EXPECT_EQ(full.poll().size(), 1u);
  ASSERT_TRUE(alarms.is_active(AlarmKind::disk_low));
  const auto a = alarms.active();
  EXPECT_NE(a[0]["message"].get<std::string>().find(dir.path().string()), std::string::npos);
  full.poll();  // still full: not raised again on every poll
  EXPECT_EQ(alarms.active()[0]["count"], 1);

  DiskMonitor fine(alarms, {dir.path()}, 1);
  EXPECT_TRUE(fine.poll().empty());
  EXPECT_FALSE(alarms.is_active(AlarmKind::disk_low));
}
