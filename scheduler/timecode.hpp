#pragma once
// Parsing and printing of the schedule's times of day and durations.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace onair {

using Duration = std::chrono::microseconds;

struct ParsedDuration {
  std::optional<Duration> value;
  std::string error;  // set when value is empty
};

// A time of day "HH:MM", "HH:MM:SS" or "HH:MM:SS.mmm" (00:00 ≤ t < 24:00; "24:00" is
// accepted only when allow_24 is set, meaning the midnight that ends the day).
ParsedDuration parse_time_of_day(std::string_view text, bool allow_24 = false);

// A duration: seconds ("90", "1.5"), "MM:SS[.mmm]" or "HH:MM:SS[.mmm]". Never negative.
ParsedDuration parse_duration(std::string_view text);

// "H:MM:SS.mmm" / "M:SS.mmm" for durations, trailing ".000" kept for alignment.
std::string format_duration(Duration d);
// Short human form: "2:10", "0.5 s", "1:02:03".
std::string format_duration_short(Duration d);
// "HH:MM:SS.mmm" for a time of day (hours may exceed 23 past midnight).
std::string format_time_of_day(Duration since_midnight);

}  // namespace onair
