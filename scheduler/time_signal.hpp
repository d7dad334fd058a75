#pragma once
// The time signal (`pips: true` on a hard programme; docs/time-signal.md): six 1 kHz pips,
// five of 0.1 s starting at `at` − 5 s … `at` − 1 s and a sixth of 0.5 s starting exactly at
// `at`. The loader puts them at the front of the programme as two generated tone items (the
// countdown, then the on-time pip); the planner starts such a programme `kPipsLeadIn` early
// and anchors both `at` − 5 s and `at` to the clock, so the on-time pip is a hard start.
#include <array>
#include <chrono>
#include <cstddef>

#include "scheduler/diagnostics.hpp"
#include "scheduler/timecode.hpp"

namespace onair {

struct ToneBeep {
  Duration offset{0}, length{0};  // from the item's start
};

// A generated tone item: beeps of one sine over the item's length, silence between them.
struct ToneSpec {
  double frequency_hz = 1000.0;
  double level_dbfs = -12.0;                // each beep's peak
  Duration ramp = std::chrono::milliseconds(5);  // raised-cosine edges, against clicks
  std::array<ToneBeep, 6> beeps{};
  std::size_t beep_count = 0;
};

// `pips:` as written on a programme.
struct PipsSpec {
  double level_dbfs = -12.0;
  double frequency_hz = 1000.0;
  SourceMark mark;
};

inline constexpr Duration kPipsLeadIn = std::chrono::seconds(5);
inline constexpr Duration kOnTimePip = std::chrono::milliseconds(500);

// The countdown (5 s: pips of 0.1 s at 0, 1, 2, 3 and 4 s) and the on-time pip (0.5 s).
ToneSpec pips_countdown(const PipsSpec& spec);
ToneSpec pips_on_time(const PipsSpec& spec);

}  // namespace onair
