#pragma once
// Spoken time (`- say_time: "Bây giờ là {H} giờ {M} phút"`; docs/speech.md): the text is
// filled in from the item's air frame through the clock when the edit list is built for air
// (pre-roll), never at load, so a re-plan, a soft start or a late join still says the right
// time, in the day's time zone across midnight and daylight-saving changes. The planner
// gives the item a fixed slot: the longest reading (slot_readings()) plus a margin; a shorter
// reading ends with silence, so what follows keeps its planned frames.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>

#include "scheduler/local_day.hpp"

namespace onair {

struct ClockReading {
  int hour = 0, minute = 0;  // local, 0–23 and 0–59
};

// Placeholders: {H} hour 0–23, {h} hour 1–12, {M} minute 0–59, {MM} minute 00–59,
// {buổi} the part of the day (sáng 0–10 h, trưa 11–12 h, chiều 13–17 h, tối 18–21 h, đêm 22–23 h).
// The error names the first unknown or unclosed placeholder.
struct SpokenTimeText {
  std::optional<std::string> text;
  std::string error;
};
SpokenTimeText fill_spoken_time(std::string_view tmpl, ClockReading reading);

// The local reading at `t` in `zone`, to the nearest second (a reading that starts 0.3 s
// before the minute says the new minute).
ClockReading clock_reading(TimePoint t, const date::time_zone* zone);

// Readings that take longest to say (three-syllable hours and minutes), whose longest
// rendering sizes the slot.
std::vector<ClockReading> slot_readings();
inline constexpr std::chrono::milliseconds kSpokenTimeMargin{250};

}  // namespace onair
