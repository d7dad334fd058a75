#pragma once
// Loads the days a run needs: the given day file and its neighbours named YYYY-MM-DD.yaml
// in the same folder, so playout crosses midnight into the next day's schedule.
#include <optional>

#include "station/day_pipeline.hpp"
#include "scheduler/timeline.hpp"

namespace onair {

// Loads `file`'s day plus neighbouring day files from `days_before` days earlier to
// `days_after` days later, as far as they exist without a hole. Diagnostics of every
// loaded day go to `diags`. nullopt when the main day cannot be built at all.
std::optional<Timeline> load_timeline(const std::filesystem::path& file, const LoadOptions& options,
                                      MediaProber& prober, Diagnostics& diags, int days_before, int days_after);

// For `render` and `play`: the schedule's day with yesterday and the next two days;
// errors are printed to stderr (playout rides them out: a missing file fails at its time).
// nullopt, with a one-line message naming `verb`, when nothing can be built.
std::optional<Timeline> load_timeline_for_playout(const std::string& schedule,
                                                  const std::optional<std::filesystem::path>& media_root,
                                                  MediaProber& prober, const char* verb);

// "HH:MM[:SS[.mmm]]" on `day`'s date, or an ISO date-time "YYYY-MM-DDTHH:MM[:SS[.mmm]]"
// (local to the zone) optionally ending in Z or ±HH:MM.
std::optional<TimePoint> parse_when(const std::string& text, const LocalDay& day, std::string& error);

}  // namespace onair
