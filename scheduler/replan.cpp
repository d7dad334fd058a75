#include "scheduler/replan.hpp"

#include <algorithm>

#include "scheduler/hard_starts.hpp"

namespace onair {

ReplanResult replan(const ReplanRequest& request, FillOrders& fill) {
  const Timeline& timeline = *request.timeline;
  const FrameClock& clock = *request.clock;
  ReplanResult result;
  result.anchors = request.state.anchors;
  fill.use(&timeline, request.timeline);
  const Plan plan = timeline.plan(&request.state.facts);
  // Anchors are committed only once audio depends on them (the frame is reached); later
  // ones follow the clock's latest fit at every re-plan.
  EdlContext context{&result.anchors, request.frame, &request.state.bad_files, &fill};
  context.placed = &result.placed;
  const FrameCount from = std::max(request.frame, request.keep_until);
  bool left_out = false;
  if (request.horizon > 0) {
    context.until = from + request.horizon;
    context.left_out = &left_out;
  }
  result.segments = build_edl(timeline, plan, clock, from, request.join || request.keep_until > request.frame, context);
  if (left_out) result.planned_until = context.until;
  // The clock may have moved under committed anchors (a step).
  fit_to_hard_starts(result.segments, timeline, plan, clock, &result.anchors, request.frame, context.until);
  std::stable_sort(result.segments.begin(), result.segments.end(),
                   [](const Segment& a, const Segment& b) { return a.start < b.start; });
  return result;
}

void commit_placed(const std::map<TimePoint, FrameCount>& placed, FrameCount upto,
                   std::map<TimePoint, FrameCount>& committed) {
  for (const auto& [at, frame] : placed)
    if (frame <= upto) committed.emplace(at, frame);
}

bool moves_reached_anchor(const std::map<TimePoint, FrameCount>& airing, const std::map<TimePoint, FrameCount>& made,
                          FrameCount frame) {
  for (const auto& [at, f] : airing) {
    if (f > frame) continue;
    if (auto it = made.find(at); it != made.end() && it->second != f) return true;
  }
  return false;
}

Merge merge_replan(std::span<const HeldSegment> held, std::deque<Segment>& pending, std::vector<Segment> edl,
                   FrameCount frame, FrameCount keep_until, const std::set<std::uint64_t>& finished) {
  Merge m;
  m.actions.assign(held.size(), Merge::Action::keep);
  m.updated.resize(held.size());
  auto take = [&](const Segment& s) {
    auto match = std::find_if(edl.begin(), edl.end(), [&](const Segment& e) { return e.same_as(s); });
    // Fill and silence are known by the programme they lead to: when a reload renames it,
    // the same file (or silence) from the same frame is still the same segment.
    if (match == edl.end() && (s.kind == Segment::Kind::fill || s.kind == Segment::Kind::gap))
      match = std::find_if(edl.begin(), edl.end(), [&](const Segment& e) {
        return e.kind == s.kind && e.source == s.source && e.origin == s.origin && e.cue_in == s.cue_in;
      });
    std::optional<Segment> found;
    if (match != edl.end()) {
      found = std::move(*match);
      edl.erase(match);
    }
    return found;
  };
  // Protected: what starts before `keep_until` airs as it was planned, pre-rolled or not yet
  // (else the new plan, built from `keep_until`, would join an item that crossfades in
  // before it part-way through).
  std::vector<Segment> protected_pending;
  while (!pending.empty() && pending.front().start < keep_until) {
    (void)take(pending.front());
    protected_pending.push_back(std::move(pending.front()));
    pending.pop_front();
  }
  for (std::size_t i = 0; i < held.size(); ++i) {
    const Segment& seg = *held[i].segment;
    if (!held[i].started && seg.start < keep_until) {  // protected
      (void)take(seg);
      continue;
    }
    auto match = take(seg);
    if (!match) {
      if (!held[i].started) m.actions[i] = Merge::Action::drop;
      continue;
    }
    if (!held[i].started) {
      // A list made a little before now: what it starts before now joins now.
      if (match->start < frame) {
        match->start = match->skipped ? frame : std::min(frame, match->end);  // a skip is recorded now
        if (match->skipped) match->end = match->start;
      }
      // Moving a future start needs no reopening unless the source position changes.
      const FrameCount old_cue = seg.cue_in + (seg.start - seg.origin);
      // Another file under the same uid (an inserted item moved those after it along) is
      // opened afresh: what was pre-rolled is not what is to air.
      const bool moved = match->cue_in + (match->start - match->origin) != old_cue || match->source != seg.source;
      m.actions[i] = moved ? Merge::Action::reopen : Merge::Action::update;
      m.updated[i] = std::move(*match);
    } else if (match->origin == seg.origin) {
      Segment s = seg;
      s.end = std::max(match->end, frame);
      s.cut = match->cut;
      s.cut_fade = match->cut_fade;
      s.xfade_out = match->xfade_out;
      s.label.note = match->label.note;
      s.program = match->program;  // an index into the new timeline
      s.label.next_program_id = match->label.next_program_id;
      m.actions[i] = Merge::Action::update;
      m.updated[i] = std::move(s);
    }
  }
  std::erase_if(edl, [&](const Segment& s) { return finished.contains(s.uid); });
  for (auto& s : edl) {
    if (s.start >= frame) continue;
    // Re-anchoring moved it a hair earlier, or the list was made before now.
    s.start = s.skipped ? frame : std::min(frame, s.end);  // a skip is recorded now
    if (s.skipped) s.end = s.start;
  }
  std::erase_if(edl, [](const Segment& s) { return !s.skipped && s.end <= s.start; });
  edl.insert(edl.begin(), std::make_move_iterator(protected_pending.begin()),
             std::make_move_iterator(protected_pending.end()));
  std::stable_sort(edl.begin(), edl.end(), [](const Segment& a, const Segment& b) { return a.start < b.start; });
  m.pending.assign(std::make_move_iterator(edl.begin()), std::make_move_iterator(edl.end()));
  return m;
}

}  // namespace onair
