#include "scheduler/hard_starts.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace onair {
namespace {

// Rounding between a chain of durations and a clock mapping is a frame or two; only a
// mismatch beyond this means the clock moved.
constexpr Duration kSlack = std::chrono::milliseconds(1);

struct Boundary {
  TimePoint at;
  FrameCount frame = 0;  // where the hard start airs
  std::size_t program = 0;
  bool touched = false;  // an item before it was shortened to its media: a hole may be left
};

bool is_item(const Segment& s) { return s.kind != Segment::Kind::fill && s.kind != Segment::Kind::gap; }

}  // namespace

void fit_to_hard_starts(std::vector<Segment>& edl, const Timeline& timeline, const Plan& plan,
                        const FrameClock& clock, const std::map<TimePoint, FrameCount>* anchors, FrameCount frame,
                        FrameCount until) {
  const int rate = clock.sample_rate();
  const FrameCount slack = frames_in(kSlack, rate);
  const Schedule& merged = timeline.merged();
  auto cut_fade = [&](std::size_t program) {
    return frames_in(timeline.day(timeline.day_of(program)).schedule.cut_fade, rate);
  };
  const FrameMapper mapper(plan, timeline, clock, anchors);
  std::vector<Boundary> bounds;
  for (const auto& pp : plan.programs)
    if (merged.programs[pp.index].start == StartMode::hard)
      bounds.push_back({pp.onset(), mapper.frame_of(pp.onset()), pp.index});
  std::sort(bounds.begin(), bounds.end(), [](const Boundary& a, const Boundary& b) { return a.at < b.at; });
  if (bounds.empty()) return;
  // The hard start a segment must end by. Items by their planned start; fill and silence
  // by the programme they lead to (a filler's own time runs on in frames).
  std::map<std::size_t, TimePoint> programme_at;
  for (const auto& pp : plan.programs) programme_at[pp.index] = pp.onset();
  auto next_bound = [&](const Segment& s) {
    const auto at = [](const Boundary& b) { return b.at; };
    if (!is_item(s)) return std::ranges::lower_bound(bounds, programme_at[s.program], {}, at);
    return std::ranges::upper_bound(bounds, s.scheduled, {}, at);
  };
  // A hard start stepped into the past: what is on air fades out from now, and the
  // programme joins where the wall clock says it is once the fade is over.
  std::vector<FrameCount> limit(bounds.size());
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    limit[i] = bounds[i].frame;
    if (bounds[i].frame >= frame) continue;
    const bool overruns = std::any_of(edl.begin(), edl.end(), [&](const Segment& s) {
      return !s.skipped && next_bound(s) - bounds.begin() <= static_cast<std::ptrdiff_t>(i) && s.start <= frame &&
             s.end > frame;
    });
    if (overruns) limit[i] = frame + cut_fade(bounds[i].program);
  }
  const std::string why = "after the system clock moved";
  for (auto& s : edl) {
    const auto b = next_bound(s);
    if (b != bounds.begin()) {  // belongs to the hard programme before it: never before its start
      const FrameCount lim = limit[static_cast<std::size_t>(b - bounds.begin()) - 1];
      if (!s.skipped && s.start < lim) s.start = std::min(lim, s.end);
    }
    if (b == bounds.end()) continue;
    const std::size_t bi = static_cast<std::size_t>(b - bounds.begin());
    const FrameCount lim = limit[bi];
    const std::string by = fmt::format("the hard start of '{}' at {}", merged.programs[b->program].id,
                                       timeline.local().clock(b->at).substr(0, 8));
    if (s.skipped) {
      s.start = s.end = std::min(s.start, lim);
      continue;
    }
    // Stepped back: an item cut by the hard start may now reach the end of its media first.
    if (s.kind == Segment::Kind::file && s.end > s.origin + s.length + slack) {
      s.end = s.origin + s.length;
      s.cut = false;
      s.cut_fade = 0;
      s.label.note.clear();
      b->touched = true;
    }
    if (s.start >= lim) {  // stepped forward: no time left for it
      if (!is_item(s)) {
        s.end = s.start;  // fill or silence: dropped below
        continue;
      }
      s.skipped = true;
      s.start = s.end = lim;
      s.label.note = "skipped: no time left before " + by + " " + why;
    } else if (s.end > lim + slack) {  // stepped forward: cut with the fade ending on it
      s.end = lim;
      s.cut = true;
      s.cut_fade = std::min(cut_fade(s.program), lim - std::max(s.start, frame));
      s.label.note = fmt::format("cut after {} of {} by {} {}", format_duration_short(duration_of(lim - s.origin, rate)),
                           format_duration_short(duration_of(s.length, rate)), by, why);
    } else if (s.end > lim) {
      s.end = lim;
    }
  }
  std::erase_if(edl, [](const Segment& s) { return !s.skipped && s.end <= s.start; });
  // What an item that ran out leaves before its hard start airs as recorded silence.
  // Only before `until`: past it the list is not built yet, so what seems a hole may not be.
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!bounds[i].touched || limit[i] > until) continue;
    FrameCount from = frame;
    for (const auto& s : edl)
      if (!s.skipped && next_bound(s) - bounds.begin() <= static_cast<std::ptrdiff_t>(i)) from = std::max(from, s.end);
    if (from + slack >= limit[i]) continue;
    const Program& p = merged.programs[bounds[i].program];
    const std::string date = timeline.date_of(bounds[i].program);
    Segment g;
    g.kind = Segment::Kind::gap;
    g.program = bounds[i].program;
    g.uid = std::hash<std::string>{}(date + "/" + p.id + "/gap/clock");
    g.label.day = date;
    g.label.next_program_id = p.id;
    g.label.title = "silence";
    g.scheduled = clock.time_of(from);
    g.start = g.origin = from;
    g.end = limit[i];
    g.length = g.end - g.start;
    g.label.planned = duration_of(g.length, rate);
    edl.push_back(std::move(g));
  }
}

}  // namespace onair
