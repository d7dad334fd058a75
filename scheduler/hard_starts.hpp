#pragma once
// Keeps hard starts authoritative in frames after the wall clock moved under a committed
// anchor (a system clock step; a little card drift). The plan is in wall time and the
// programme on air stays on the frames it was committed to, so what the plan put before a
// hard start can now map past the hard start's frame (clock stepped forward) or short of
// it (stepped back). This does to frames what the planner does to times: what crosses the
// hard start is cut with the cut fade ending on it, what would start after it is skipped,
// an item whose media runs out before it ends on its media, and a hole left that way is
// aired as recorded silence. See docs/engine.md, "When the system clock steps".
#include <limits>
#include <map>
#include <vector>

#include "scheduler/edl.hpp"

namespace onair {

// `edl` is build_edl's output for the re-plan at `frame` with the same `anchors`, built up
// to `until`.
void fit_to_hard_starts(std::vector<Segment>& edl, const Timeline& timeline, const Plan& plan,
                        const FrameClock& clock, const std::map<TimePoint, FrameCount>* anchors, FrameCount frame,
                        FrameCount until = std::numeric_limits<FrameCount>::max());

}  // namespace onair
