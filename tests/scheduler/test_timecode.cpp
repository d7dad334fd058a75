#include <gtest/gtest.h>

#include "scheduler/timecode.hpp"

using namespace onair;
using namespace std::chrono_literals;

TEST(Timecode, TimeOfDayForms) {
  EXPECT_EQ(parse_time_of_day("05:30").value, Duration(5h + 30min));
  EXPECT_EQ(parse_time_of_day("5:30").value, Duration(5h + 30min));
  EXPECT_EQ(parse_time_of_day("05:30:15").value, Duration(5h + 30min + 15s));
  EXPECT_EQ(parse_time_of_day("23:59:59.999").value, Duration(24h - 1ms));
  EXPECT_EQ(parse_time_of_day("00:00:00.5").value, Duration(500ms));
}

TEST(Timecode, TimeOfDayRejects) {
  for (const char* bad : {"24:00", "25:00", "12:60", "12:30:60", "12", "12:3", "ab:cd", "12:30:00.", "-1:00",
                          "12:30:00.1234567", "", "12:30:00:00"}) {
    auto r = parse_time_of_day(bad);
    EXPECT_FALSE(r.value) << bad;
    EXPECT_FALSE(r.error.empty()) << bad;
  }
  EXPECT_NE(parse_time_of_day("25:00").error.find("hour 25 out of range"), std::string::npos);
  EXPECT_EQ(parse_time_of_day("24:00", true).value, Duration(24h));
  EXPECT_FALSE(parse_time_of_day("24:00:01", true).value);
}

TEST(Timecode, Durations) {
  EXPECT_EQ(parse_duration("1.5").value, Duration(1500ms));
  EXPECT_EQ(parse_duration("90").value, Duration(90s));
  EXPECT_EQ(parse_duration("12:30").value, Duration(12min + 30s));
  EXPECT_EQ(parse_duration("1:02:03.250").value, Duration(1h + 2min + 3s + 250ms));
  EXPECT_EQ(parse_duration("0").value, Duration(0));
  EXPECT_FALSE(parse_duration("-3").value);
  EXPECT_NE(parse_duration("-3").error.find("negative"), std::string::npos);
  EXPECT_FALSE(parse_duration("abc").value);
  EXPECT_FALSE(parse_duration("1:75").value);
  EXPECT_FALSE(parse_duration("1e5").value);
  EXPECT_FALSE(parse_duration("").value);
}

TEST(Timecode, Formatting) {
  EXPECT_EQ(format_duration(Duration(12min + 28s + 500ms)), "12:28.500");
  EXPECT_EQ(format_duration(Duration(1h + 5s)), "1:00:05.000");
  EXPECT_EQ(format_duration_short(Duration(2min + 10s)), "2:10");
  EXPECT_EQ(format_duration_short(Duration(500ms)), "0.500 s");
  EXPECT_EQ(format_time_of_day(Duration(5h + 30min)), "05:30:00.000");
}
