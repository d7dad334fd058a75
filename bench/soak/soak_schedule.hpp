#pragma once
// The soak's day files: each day has a hard programme at every full hour (jingle, items with
// cue points, fades, gain, a crossfade, a silence item) and a soft one at every half hour;
// the gaps air fill (silence on every third day). The seventh day comes from a weekday
// template instead of a dated file. Also says what the as-run must then contain.
#include <date/date.h>

#include <filesystem>
#include <string>
#include <vector>

#include "soak/soak_media.hpp"

namespace onair::soak {

struct ExpectedItem {
  std::string day, program;
  std::size_t item = 0;
  std::chrono::microseconds scheduled{0};  // local time of day
  std::chrono::microseconds length{0};
  bool silence = false;
};

struct ExpectedDay {
  date::year_month_day date{};
  std::string day;  // YYYY-MM-DD
  bool fill = false;  // gaps air fill (else silence)
  std::vector<ExpectedItem> items;
};

// Writes the schedule of `day` (the `index`-th of the run) under `schedules` and returns
// what it airs. Deterministic for (index, library).
ExpectedDay write_day(const std::filesystem::path& schedules, date::year_month_day day, int index,
                      const Library& lib);

}  // namespace onair::soak
