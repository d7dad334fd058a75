#pragma once
// The days `play` and `render` run: the given day file and the days around it, found as the
// daemon finds its days (station/day_files: a day file, else a weekday or default template
// in the same folder), so a render predicts what the station airs across midnight.
#include <optional>

#include "scheduler/local_day.hpp"
#include "scheduler/media_info.hpp"
#include "scheduler/timeline.hpp"

namespace onair {

struct PlayoutTimeline {
  Timeline timeline;
  std::size_t main_day = 0;  // the index of the given file's day: the date times on the command line refer to
  const BroadcastDay& main() const { return timeline.day(main_day); }
};

// The schedule's day with the days of kPlayoutDayWindow around it; errors are printed to
// stderr (playout rides them out: a missing file fails at its time). nullopt, with a
// one-line message naming `verb`, when the given day cannot be built.
std::optional<PlayoutTimeline> load_timeline_for_playout(const std::string& schedule,
                                                         const std::optional<std::filesystem::path>& media_root,
                                                         MediaProber& prober, const char* verb,
                                                         SpeechRenderer* speech = nullptr);

// "HH:MM[:SS[.mmm]]" on `day`'s date, or an ISO date-time "YYYY-MM-DDTHH:MM[:SS[.mmm]]"
// (local to the zone) optionally ending in Z or ±HH:MM.
std::optional<TimePoint> parse_when(const std::string& text, const LocalDay& day, std::string& error);

}  // namespace onair
