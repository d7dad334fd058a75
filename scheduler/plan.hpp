#pragma once
// The timeline of a day: planned start and end of every item, programme boundaries,
// cuts and gaps, computed from the schedule and media durations with no I/O.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scheduler/diagnostics.hpp"
#include "scheduler/local_day.hpp"
#include "scheduler/model.hpp"

namespace onair {

enum class PlanStatus {
  play,     // airs in full
  cut,      // starts, but is cut before its natural end (hard start, `end`)
  skipped,  // never starts: its time was taken by an overrun or a late soft start
};

struct PlannedItem {
  std::size_t program = 0;  // index into Schedule::programs
  std::size_t item = 0;     // index into Program::items
  TimePoint start, end;     // what airs: [start, end); a skipped item: when its time was taken
  TimePoint natural_start;  // where it would start had nothing cut or skipped it
  Duration length{0};       // natural length after cue points
  Duration source_offset{0};  // cue in: where in the source the item starts
  PlanStatus status = PlanStatus::play;
  bool unknown_length = false;  // media missing or undecodable: planned as 0
  std::string note;             // why cut or skipped
};

struct PlannedProgram {
  std::size_t index = 0;
  TimePoint scheduled;      // `at`
  Duration lead_in{0};      // the time signal before `at` (Program::lead_in)
  TimePoint start, end;     // first item start, last item end (after cuts)
  std::size_t first_item = 0, item_count = 0;  // range in Plan::items
  Duration late{0};         // soft start delayed by the item on air
  Duration overrun{0};      // content past the next hard start or `end`
  std::string cut_by;       // id of the programme whose hard start cut it, or "end"

  // When the programme takes the air: `at`, or `at` − 5 s with the time signal.
  TimePoint onset() const { return scheduled - lead_in; }
};

struct PlannedGap {
  TimePoint start, end;
  Between filled_with = Between::silence;
  std::size_t before_program = 0;
};

struct Plan {
  std::vector<PlannedProgram> programs;
  std::vector<PlannedItem> items;  // in air order
  std::vector<PlannedGap> gaps;
};

// The natural duration of a file item's media (before cue points); nullopt = unknown.
using MediaDurationLookup = std::function<std::optional<Duration>(const Item&)>;

// What playout learned that the probe could not know: items that failed (length 0) or
// ended early. Keyed by Item::uid. The engine re-plans with these.
struct PlayFacts {
  std::map<std::uint64_t, Duration> played_length;
};

// Builds the plan. Warnings (overruns, cuts, gaps, DST) go to `diags` when given.
Plan make_plan(const Schedule& schedule, const LocalDay& day, const MediaDurationLookup& media_duration,
               Diagnostics* diags = nullptr, const PlayFacts* facts = nullptr);

// What should be on air at `t`: the plan item (index into Plan::items) and the offset
// into it, for joining in progress. nullopt: a gap (or before/after the day).
struct OnAir {
  std::size_t item = 0;
  Duration offset{0};
};
std::optional<OnAir> on_air_at(const Plan& plan, TimePoint t);

}  // namespace onair
