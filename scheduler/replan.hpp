#pragma once
// Re-planning as pure functions: what the engine learned so far (facts, bad fill files,
// committed anchors) and a snapshot of the clock in, the segments to air from a frame on
// out; and how a new list meets what the engine already holds. No threads, no I/O: the
// engine's planner thread runs `replan`, the engine applies `merge_replan` between blocks.
#include <deque>
#include <memory>
#include <set>
#include <span>
#include <vector>

#include "scheduler/edl.hpp"
#include "scheduler/fill_order.hpp"

namespace onair {

// What playout learned that changes the plan.
struct PlayState {
  PlayFacts facts;
  std::set<std::string> bad_files;             // fill files that failed: passed over
  std::map<TimePoint, FrameCount> anchors;     // committed anchor frames
};

struct ReplanRequest {
  std::shared_ptr<const Timeline> timeline;
  std::shared_ptr<const FrameClock> clock;  // a snapshot: the real clock moves on meanwhile
  PlayState state;
  FrameCount frame = 0;       // the engine's frame when it asked
  FrameCount keep_until = -1;  // what starts before this stays as planned (a new timeline)
  bool join = false;          // segments under way at `frame` are joined (start, resume)
  FrameCount horizon = 0;     // build this far beyond where building starts; 0 = everything
};

struct ReplanResult {
  std::vector<Segment> segments;            // by start
  std::map<TimePoint, FrameCount> anchors;  // committed, with those this re-plan reached
  std::map<TimePoint, FrameCount> placed;   // every anchor's frame in `segments`, up to `planned_until`
  // Every segment starting before this is in `segments`; kNoEnd when the list is complete.
  FrameCount planned_until = kNoEnd;
  std::string error;  // the re-plan could not be made (nothing else is set)
  static constexpr FrameCount kNoEnd = std::numeric_limits<FrameCount>::max();
};

// Plans the timeline with the facts, builds the segments from max(frame, keep_until) and
// keeps hard starts authoritative through the clock. `fill` keeps fill orders between calls.
ReplanResult replan(const ReplanRequest& request, FillOrders& fill);

// Anchors the engine reached (or protects: up to `upto`) keep the frames of the list it airs,
// `placed`: a later clock fit must not move what was built on them (a programme under way,
// the fill after it). Adds those missing to `committed`.
void commit_placed(const std::map<TimePoint, FrameCount>& placed, FrameCount upto,
                   std::map<TimePoint, FrameCount>& committed);

// A list made from a snapshot of the clock may place an anchor the engine reached while it
// was made (by the list it airs, `airing`) at another frame: it would not meet what is on
// air. True if so; the engine then commits them and asks again.
bool moves_reached_anchor(const std::map<TimePoint, FrameCount>& airing, const std::map<TimePoint, FrameCount>& made,
                          FrameCount frame);

// What the engine holds for a segment it opened: started (on air) or pre-rolled.
struct HeldSegment {
  const Segment* segment = nullptr;
  bool started = false;
};

// How a new list meets what is held, at `frame`.
struct Merge {
  enum class Action {
    keep,     // as it is
    update,   // take `held[i]`'s new segment (same source position: no reopening)
    reopen,   // take the new segment and open the source again (its position moved)
    drop,     // no longer planned (never started)
  };
  std::vector<Action> actions;       // one per held segment
  std::vector<Segment> updated;      // one per held segment: its new segment for update/reopen
  std::deque<Segment> pending;       // what is to be opened later, by start
};
// `pending` is what the engine has not opened yet: those starting before `keep_until` stay as
// they were planned, like held ones not started. `finished` names segments that ended
// since the request was made (they do not air again).
Merge merge_replan(std::span<const HeldSegment> held, std::deque<Segment>& pending, std::vector<Segment> segments,
                   FrameCount frame, FrameCount keep_until, const std::set<std::uint64_t>& finished = {});

}  // namespace onair
