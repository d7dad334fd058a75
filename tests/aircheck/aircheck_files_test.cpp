#include "player/monitor/aircheck_files.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/test_media.hpp"

namespace onair::aircheck {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using date::local_days;
using date::local_seconds;

local_seconds local(int y, unsigned m, unsigned d, int hh, int mm = 0, int ss = 0) {
  return local_seconds(local_days(date::year(y) / date::month(m) / date::day(d))) + std::chrono::hours(hh) +
         std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

TimePoint utc(int y, unsigned m, unsigned d, int hh, int mm = 0, int ss = 0) {
  return TimePoint(date::sys_days(date::year(y) / date::month(m) / date::day(d)).time_since_epoch() +
                   std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss));
}

TEST(AirCheckFiles, HourSlotInAWholeHourZone) {
  const auto* zone = date::locate_zone("Asia/Ho_Chi_Minh");  // UTC+7
  const auto s = hour_slot(*zone, utc(2011, 11, 26, 3, 59, 50));
  EXPECT_EQ(s.local_hour, local(2011, 11, 26, 10));
  EXPECT_EQ(s.start, utc(2011, 11, 26, 3));
  EXPECT_EQ(s.end, utc(2011, 11, 26, 4));
}

TEST(AirCheckFiles, HourSlotInAHalfHourZone) {
  const auto* zone = date::locate_zone("Asia/Kolkata");  // UTC+5:30
  const auto s = hour_slot(*zone, utc(2020, 1, 1, 4, 45));  // 10:15 local
  EXPECT_EQ(s.local_hour, local(2020, 1, 1, 10));
  EXPECT_EQ(s.start, utc(2020, 1, 1, 4, 30));
  EXPECT_EQ(s.end, utc(2020, 1, 1, 5, 30));
}

TEST(AirCheckFiles, HourSlotWhenDaylightSavingEnds) {
  const auto* zone = date::locate_zone("Europe/Berlin");
  // 2021-10-31: 03:00 CEST becomes 02:00 CET at 01:00 UTC; local 02:xx occurs twice.
  const auto first = hour_slot(*zone, utc(2021, 10, 31, 0, 30));  // 02:30 CEST
  EXPECT_EQ(first.local_hour, local(2021, 10, 31, 2));
  EXPECT_EQ(first.end, utc(2021, 10, 31, 1));
  const auto second = hour_slot(*zone, first.end);  // 02:00 CET
  EXPECT_EQ(second.local_hour, local(2021, 10, 31, 2));
  EXPECT_EQ(second.end, utc(2021, 10, 31, 2));
}

TEST(AirCheckFiles, NamesFollowTheLocalDateAndHour) {
  test::TempDir dir;
  const auto p = new_hour_file(dir.path(), local(2011, 11, 26, 10), local(2011, 11, 26, 10, 59, 50), "mp3");
  EXPECT_EQ(p, dir.path() / "2011-11-26" / "10.mp3");
  EXPECT_EQ(day_folder(dir.path(), local_days(date::year(2011) / 1 / 2)), dir.path() / "2011-01-02");
}

TEST(AirCheckFiles, AnExistingRecordingIsNeverReused) {
  test::TempDir dir;
  test::write_file(dir / "2011-11-26/10.mp3", "earlier");
  auto p = new_hour_file(dir.path(), local(2011, 11, 26, 10), local(2011, 11, 26, 10, 59, 50), "mp3");
  EXPECT_EQ(p, dir.path() / "2011-11-26" / "10_5950.mp3");
  test::write_file(p, "also earlier");
  p = new_hour_file(dir.path(), local(2011, 11, 26, 10), local(2011, 11, 26, 10, 59, 50), "mp3");
  EXPECT_EQ(p, dir.path() / "2011-11-26" / "10_5950_2.mp3");
  // Another format does not collide.
  EXPECT_EQ(new_hour_file(dir.path(), local(2011, 11, 26, 10), local(2011, 11, 26, 10), "opus"),
            dir.path() / "2011-11-26" / "10.opus");
}

TEST(AirCheckFiles, ParsesOnlyItsOwnNames) {
  EXPECT_EQ(parse_hour_file("2011-11-26", "10.mp3"), local(2011, 11, 26, 10));
  EXPECT_EQ(parse_hour_file("2011-11-26", "23.opus"), local(2011, 11, 26, 23));
  EXPECT_EQ(parse_hour_file("2011-11-26", "10_5950.mp3"), local(2011, 11, 26, 10));
  EXPECT_EQ(parse_hour_file("2011-11-26", "10_5950_12.opus"), local(2011, 11, 26, 10));
  for (const char* bad : {"24.mp3", "1.mp3", "10.wav", "10.mp3.bak", "notes.txt", "10_59.mp3", "10_6000.mp3",
                          "10_5950_.mp3", "10_5950_x.mp3", "music.mp3", "10", ".mp3", "100.mp3"})
    EXPECT_FALSE(parse_hour_file("2011-11-26", bad)) << bad;
  for (const char* bad : {"2011-11-31", "2011-13-01", "20111126", "2011-11-2x", "music"})
    EXPECT_FALSE(parse_hour_file(bad, "10.mp3")) << bad;
}

TEST(AirCheckFiles, RetentionDeletesOnlyOldHourFiles) {
  test::TempDir dir;
  const auto& root = dir.path();
  // now 2011-11-26 10:59:50, 90 days: the cutoff is 2011-08-28 10:59:50.
  for (const char* f : {"2011-08-01/05.mp3", "2011-08-01/notes.txt", "2011-08-02/07.opus", "2011-08-02/07_1234.mp3",
                        "2011-08-03/music.mp3", "2011-08-28/09.mp3", "2011-08-28/10.mp3", "2011-11-20/09.mp3",
                        "2011-11-26/10.mp3", "other/05.mp3", "2011-08-04/sub/05.mp3"})
    test::write_file(root / f, "x");
  test::write_file(root / "05.mp3", "x");
  fs::create_directories(root / "2011-07-01");  // an empty old day folder

  const auto r = apply_retention(root, local(2011, 11, 26, 10, 59, 50), 90);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.files_deleted, 4);
  EXPECT_FALSE(fs::exists(root / "2011-08-01/05.mp3"));
  EXPECT_TRUE(fs::exists(root / "2011-08-01/notes.txt"));  // unrelated: kept, and so its folder
  EXPECT_FALSE(fs::exists(root / "2011-08-02"));            // emptied: removed
  EXPECT_TRUE(fs::exists(root / "2011-08-03/music.mp3"));
  EXPECT_FALSE(fs::exists(root / "2011-08-28/09.mp3"));     // its hour ended before the cutoff
  EXPECT_TRUE(fs::exists(root / "2011-08-28/10.mp3"));      // its hour reaches past the cutoff
  EXPECT_TRUE(fs::exists(root / "2011-11-20/09.mp3"));
  EXPECT_TRUE(fs::exists(root / "2011-11-26/10.mp3"));
  EXPECT_TRUE(fs::exists(root / "other/05.mp3"));
  EXPECT_TRUE(fs::exists(root / "05.mp3"));
  EXPECT_TRUE(fs::exists(root / "2011-08-04/sub/05.mp3"));
  EXPECT_FALSE(fs::exists(root / "2011-07-01"));
  EXPECT_EQ(r.folders_deleted, 2);

  // An hour later the 10:00 file of 2011-08-28 goes too; the folder stays only if needed.
  const auto r2 = apply_retention(root, local(2011, 11, 26, 11, 0, 0), 90);
  EXPECT_EQ(r2.files_deleted, 1);
  EXPECT_FALSE(fs::exists(root / "2011-08-28/10.mp3"));
  EXPECT_TRUE(fs::exists(root / "2011-08-28"));  // the day is not wholly before the cutoff
}

TEST(AirCheckFiles, RetentionZeroKeepsEverythingAndMissingRootIsFine) {
  test::TempDir dir;
  test::write_file(dir / "2001-01-01/05.mp3", "x");
  EXPECT_EQ(apply_retention(dir.path(), local(2011, 11, 26, 10), 0).files_deleted, 0);
  EXPECT_TRUE(fs::exists(dir / "2001-01-01/05.mp3"));
  const auto r = apply_retention(dir / "missing", local(2011, 11, 26, 10), 90);
  EXPECT_EQ(r.files_deleted, 0);
  EXPECT_TRUE(r.errors.empty());
}

}  // namespace
}  // namespace onair::aircheck
