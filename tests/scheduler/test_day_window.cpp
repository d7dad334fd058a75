// The one rule for which days form a timeline (daemon, play, render): today, then the days
// before and after it up to the first that cannot be loaded on each side.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scheduler/day_window.hpp"

using namespace onair;

namespace {

const date::year_month_day D = date::year(2012) / 1 / 1;  // yesterday is in another year

int offset_of(date::year_month_day day) { return static_cast<int>((date::sys_days(day) - date::sys_days(D)).count()); }

// Loads the days it has (by offset from D) and records every day it is asked for.
struct FakeDays {
  explicit FakeDays(std::set<int> days = {}) : present(std::move(days)) {}
  std::set<int> present;
  std::vector<int> asked;
  DayLoader loader() {
    return [this](date::year_month_day day) -> std::optional<BroadcastDay> {
      const int offset = offset_of(day);
      asked.push_back(offset);
      if (!present.contains(offset)) return std::nullopt;
      BroadcastDay b;
      b.schedule.date = day;
      b.schedule.title = "day " + std::to_string(offset);
      return b;
    };
  }
};

std::vector<int> offsets(const WindowDays& w) {
  std::vector<int> out;
  for (const auto& d : w.days) out.push_back(offset_of(d.schedule.date));
  return out;
}

}  // namespace

TEST(DayWindow, TodayAndItsNeighboursEarliestFirst) {
  FakeDays f({-1, 0, 1});
  const auto w = window_days(D, DayWindow{1, 1}, f.loader());
  EXPECT_EQ(offsets(w), (std::vector<int>{-1, 0, 1}));
  ASSERT_TRUE(w.today);
  EXPECT_EQ(*w.today, 1u);
  EXPECT_EQ(w.days[*w.today].schedule.title, "day 0");
  EXPECT_EQ(w.days.front().schedule.date, date::year(2011) / 12 / 31);
  EXPECT_EQ(f.asked, (std::vector<int>{0, -1, 1}));  // today first, then each side nearest first
}

TEST(DayWindow, CountsBeforeAndAfter) {
  FakeDays f({-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5});
  const auto w = window_days(D, DayWindow{2, 3}, f.loader());
  EXPECT_EQ(offsets(w), (std::vector<int>{-2, -1, 0, 1, 2, 3}));
  EXPECT_EQ(w.today, 2u);
  EXPECT_EQ(f.asked, (std::vector<int>{0, -1, -2, 1, 2, 3}));  // nothing outside the window
}

TEST(DayWindow, TheWindowsOfPlayoutAndStation) {
  FakeDays station({-3, -2, -1, 0, 1, 2, 3}), playout({-3, -2, -1, 0, 1, 2, 3});
  EXPECT_EQ(offsets(window_days(D, kStationDayWindow, station.loader())), (std::vector<int>{-1, 0, 1}));
  EXPECT_EQ(offsets(window_days(D, kPlayoutDayWindow, playout.loader())), (std::vector<int>{-1, 0, 1, 2}));
}

TEST(DayWindow, OnlyTodayWithAnEmptyWindow) {
  FakeDays f({-1, 0, 1});
  const auto w = window_days(D, DayWindow{0, 0}, f.loader());
  EXPECT_EQ(offsets(w), (std::vector<int>{0}));
  EXPECT_EQ(w.today, 0u);
  EXPECT_EQ(f.asked, (std::vector<int>{0}));
}

TEST(DayWindow, AHoleBeforeTodayEndsThatSide) {
  FakeDays f({-3, 0, 1});  // -1 missing: -3 is never asked for, let alone joined across the gap
  const auto w = window_days(D, DayWindow{3, 1}, f.loader());
  EXPECT_EQ(offsets(w), (std::vector<int>{0, 1}));
  EXPECT_EQ(w.today, 0u);
  EXPECT_EQ(f.asked, (std::vector<int>{0, -1, 1}));
}

TEST(DayWindow, AHoleAfterTodayEndsThatSide) {
  FakeDays f({-2, -1, 0, 2, 3});  // +1 missing
  const auto w = window_days(D, DayWindow{2, 3}, f.loader());
  EXPECT_EQ(offsets(w), (std::vector<int>{-2, -1, 0}));
  EXPECT_EQ(w.today, 2u);
  EXPECT_EQ(f.asked, (std::vector<int>{0, -1, -2, 1}));
}

TEST(DayWindow, AHoleFurtherOutKeepsTheNearerDays) {
  FakeDays f({-1, 0, 1, 3});  // -2 and +2 missing
  const auto w = window_days(D, DayWindow{3, 3}, f.loader());
  EXPECT_EQ(offsets(w), (std::vector<int>{-1, 0, 1}));
  EXPECT_EQ(w.today, 1u);
  EXPECT_EQ(f.asked, (std::vector<int>{0, -1, -2, 1, 2}));
}

TEST(DayWindow, WithoutTodayOnlyTheDaysBefore) {
  FakeDays f({-2, -1, 1, 2});
  const auto w = window_days(D, DayWindow{2, 2}, f.loader());
  EXPECT_EQ(offsets(w), (std::vector<int>{-2, -1}));  // yesterday's last programme still ends
  EXPECT_FALSE(w.today);
  EXPECT_EQ(f.asked, (std::vector<int>{0, -1, -2}));  // nothing after a missing today
}

TEST(DayWindow, NothingToLoad) {
  FakeDays f;
  const auto w = window_days(D, DayWindow{1, 1}, f.loader());
  EXPECT_TRUE(w.days.empty());
  EXPECT_FALSE(w.today);
  EXPECT_EQ(f.asked, (std::vector<int>{0, -1}));
}

namespace {

// Records every date asked for, as a date (not an offset), to check the calendar arithmetic
// across month, leap-day and year ends.
struct CalendarDays {
  std::vector<date::year_month_day> asked;
  DayLoader loader() {
    return [this](date::year_month_day day) -> std::optional<BroadcastDay> {
      asked.push_back(day);
      BroadcastDay b;
      b.schedule.date = day;
      return b;
    };
  }
};

std::vector<date::year_month_day> dates(const WindowDays& w) {
  std::vector<date::year_month_day> out;
  for (const auto& d : w.days) out.push_back(d.schedule.date);
  return out;
}

using date::year;
using Dates = std::vector<date::year_month_day>;

}  // namespace

TEST(DayWindow, MidnightsAtTheEndOfAMonthALeapDayAndAYear) {
  CalendarDays leap;
  EXPECT_EQ(dates(window_days(year(2024) / 2 / 29, kPlayoutDayWindow, leap.loader())),
            (Dates{year(2024) / 2 / 28, year(2024) / 2 / 29, year(2024) / 3 / 1, year(2024) / 3 / 2}));
  CalendarDays march;  // no 29 February in 2023: yesterday of 1 March is the 28th
  EXPECT_EQ(dates(window_days(year(2023) / 3 / 1, kStationDayWindow, march.loader())),
            (Dates{year(2023) / 2 / 28, year(2023) / 3 / 1, year(2023) / 3 / 2}));
  CalendarDays new_year;
  EXPECT_EQ(dates(window_days(year(2026) / 12 / 31, kPlayoutDayWindow, new_year.loader())),
            (Dates{year(2026) / 12 / 30, year(2026) / 12 / 31, year(2027) / 1 / 1, year(2027) / 1 / 2}));
  EXPECT_EQ(new_year.asked, (Dates{year(2026) / 12 / 31, year(2026) / 12 / 30, year(2027) / 1 / 1, year(2027) / 1 / 2}));
}

TEST(DayWindow, AWideWindowIsConsecutiveAcrossALeapYear) {
  CalendarDays f;
  const auto w = window_days(year(2024) / 1 / 1, DayWindow{365, 366}, f.loader());
  ASSERT_EQ(w.days.size(), 732u);
  EXPECT_EQ(w.today, 365u);
  EXPECT_EQ(w.days.front().schedule.date, year(2023) / 1 / 1);  // 2023 has 365 days
  EXPECT_EQ(w.days.back().schedule.date, year(2025) / 1 / 1);   // 2024 has 366
  for (std::size_t i = 1; i < w.days.size(); ++i)
    ASSERT_EQ(date::sys_days(w.days[i].schedule.date) - date::sys_days(w.days[i - 1].schedule.date), date::days(1))
        << "at index " << i;
}

TEST(DayWindow, NoDaysBefore) {
  FakeDays f({-1, 0, 1, 2});
  const auto w = window_days(D, DayWindow{0, 2}, f.loader());
  EXPECT_EQ(offsets(w), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(w.today, 0u);
  EXPECT_EQ(f.asked, (std::vector<int>{0, 1, 2}));  // yesterday never asked for
}

TEST(DayWindow, NoDaysAfter) {
  FakeDays f({-1, 0, 1});
  const auto w = window_days(D, DayWindow{1, 0}, f.loader());
  EXPECT_EQ(offsets(w), (std::vector<int>{-1, 0}));
  EXPECT_EQ(w.today, 1u);
  EXPECT_EQ(f.asked, (std::vector<int>{0, -1}));  // tomorrow never asked for
}

TEST(DayWindow, WithoutTodayAndNoDaysBeforeNothing) {
  FakeDays f({-1, 1, 2});
  const auto w = window_days(D, DayWindow{0, 2}, f.loader());
  EXPECT_TRUE(w.days.empty());
  EXPECT_FALSE(w.today);
  EXPECT_EQ(f.asked, (std::vector<int>{0}));
}

// The callers report why a day is not there (no file; errors that leave nothing to build)
// from their loader, as they load. A day behind a hole is never loaded, so nothing is said
// of it: the reasons are those of the days the window asked for, once each.
TEST(DayWindow, AnInvalidDayIsAHoleAndItsReasonIsTheLoaders) {
  std::vector<std::string> reasons;
  std::vector<int> asked;
  const DayLoader load = [&](date::year_month_day day) -> std::optional<BroadcastDay> {
    const int offset = offset_of(day);
    asked.push_back(offset);
    if (offset == 1) {
      reasons.push_back("+1: invalid");
      return std::nullopt;
    }
    if (offset == -2) {
      reasons.push_back("-2: missing");
      return std::nullopt;
    }
    BroadcastDay b;
    b.schedule.date = day;
    return b;
  };
  const auto w = window_days(D, DayWindow{3, 3}, load);
  EXPECT_EQ(offsets(w), (std::vector<int>{-1, 0}));
  EXPECT_EQ(w.today, 1u);
  EXPECT_EQ(asked, (std::vector<int>{0, -1, -2, 1}));  // -3, +2 and +3 are behind holes
  EXPECT_EQ(reasons, (std::vector<std::string>{"-2: missing", "+1: invalid"}));
}

// What the window holds is what the loader returned, moved in: play's loader hands over the
// given file's day (already loaded) for today and loads it no second time.
TEST(DayWindow, TheLoadersDaysAreKeptAsReturned) {
  std::optional<BroadcastDay> given = BroadcastDay{};
  given->schedule.date = D;
  given->schedule.title = "the given file";
  given->schedule.timezone = "Asia/Ho_Chi_Minh";
  int loads = 0;
  const DayLoader load = [&](date::year_month_day day) -> std::optional<BroadcastDay> {
    if (day == D) return std::exchange(given, std::nullopt);  // a second ask would find nothing
    ++loads;
    BroadcastDay b;
    b.schedule.date = day;
    b.schedule.title = "template";
    return b;
  };
  const auto w = window_days(D, kPlayoutDayWindow, load);
  ASSERT_EQ(offsets(w), (std::vector<int>{-1, 0, 1, 2}));
  ASSERT_TRUE(w.today);
  EXPECT_EQ(w.days[*w.today].schedule.title, "the given file");
  EXPECT_EQ(w.days[*w.today].schedule.timezone, "Asia/Ho_Chi_Minh");
  EXPECT_EQ(loads, 3);
  for (std::size_t i = 0; i < w.days.size(); ++i) {
    if (i != *w.today) {
      EXPECT_EQ(w.days[i].schedule.title, "template") << i;
    }
  }
}
