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
