#pragma once
// Which broadcast days form a timeline: today and the days around it, as far as they can be
// loaded without a hole. One rule for the daemon and for play/render; the loading itself
// (files, templates, a cache, alarms) is the caller's, passed in.
#include <date/date.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "scheduler/timeline.hpp"

namespace onair {

// Days around today that a window spans.
struct DayWindow {
  int before = 1;
  int after = 1;
};

// The daemon moves its window at every midnight, so yesterday (a programme still running
// past midnight), today and tomorrow are enough.
inline constexpr DayWindow kStationDayWindow{1, 1};
// play and render build their window once and cannot move it at midnight, so they take a
// day more ahead: a run started today goes on through tomorrow into the day after.
inline constexpr DayWindow kPlayoutDayWindow{1, 2};

struct WindowDays {
  std::vector<BroadcastDay> days;    // consecutive dates, earliest first
  std::optional<std::size_t> today;  // its index in `days`; nullopt when today could not be loaded
};

// nullopt when the day cannot be loaded (no schedule, or nothing could be built).
using DayLoader = std::function<std::optional<BroadcastDay>(date::year_month_day)>;

// Loads today, then the days before it (nearest first), then those after it (nearest
// first), each by `load`, asking for no day outside the window. The first day that cannot
// be loaded ends its side: no timeline jumps over a day. Without today only the days before
// are kept (a programme from yesterday that crosses midnight still ends), none after.
WindowDays window_days(date::year_month_day today, DayWindow window, const DayLoader& load);

}  // namespace onair
