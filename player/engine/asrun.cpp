// The engine's as-run records: built from what was executed (frames through the clock).
#include "player/engine/engine.hpp"
#include "player/engine/active.hpp"

#include <fmt/format.h>

namespace onair {

namespace {

// Fit refinements and drift move the wall time of a past frame by milliseconds; a move
// this large is a step of the system clock (NTP steps at 128 ms and more).
constexpr Duration kStepNoted = std::chrono::milliseconds(100);

AsRunRecord base_record(const Segment& s) {
  AsRunRecord r;
  r.day = s.label.day;
  r.program = s.label.program_id;
  r.item = s.item;
  r.title = s.label.title;
  r.source = s.label.display_source;
  r.scheduled = s.scheduled;
  r.planned = s.label.planned;
  r.relay = s.kind == Segment::Kind::relay;
  r.uid = s.uid;
  r.bulletin = s.label.bulletin;
  return r;
}

}  // namespace

void Engine::record_start(Active& a, FrameCount frame) {
  a.started = true;
  a.started_at = frame;
  a.joined = a.seg.origin < frame && is_item(a.seg);
  ++stats_.segments_started;
  a.started_wall = clock_.time_of(frame);
  if (!asrun_) return;
  AsRunRecord r = base_record(a.seg);
  r.started = a.started_wall;
  r.start_frame = r.end_frame = frame;
  r.aired = true;
  asrun_->started(r);
}

void Engine::record_end(Active& a, FrameCount frame, AsRunStatus status, std::string detail) {
  if (replanning_.awaiting) replanning_.finished.insert(a.seg.uid);  // a list made before now must not air it again
  if (!asrun_) return;
  AsRunRecord r = base_record(a.seg);
  r.started = a.started ? a.started_wall : clock_.time_of(a.started_at);
  r.ended = clock_.time_of(frame);
  r.played = duration_of(frame - a.started_at, format_.sample_rate);
  r.status = status;
  r.start_frame = a.started_at;
  r.end_frame = frame;
  r.aired = a.started;
  // The system clock stepped while it was on air: the record stays whole (ended = started
  // + what aired) and says so; the next record starts on the new time.
  const Duration moved = clock_.time_of(a.started_at) - r.started;
  if (a.started && std::chrono::abs(moved) >= kStepNoted) {
    detail += fmt::format("{}the system clock stepped {:+.3f} s while it was on air; by the new time it ended at {}",
                          detail.empty() ? "" : "; ", std::chrono::duration<double>(moved).count(),
                          timeline_->local().iso(r.ended));
    r.ended = r.started + r.played;
  }
  if (a.source) {
    const std::string more = a.source->detail();
    if (!more.empty()) detail += (detail.empty() ? "" : "; ") + more;
  }
  if (a.seg.kind == Segment::Kind::fill || a.seg.kind == Segment::Kind::gap)
    detail += std::string(detail.empty() ? "" : "; ") + "before programme '" + a.seg.label.next_program_id + "'";
  if (a.joined && r.status == AsRunStatus::joined)
    detail += std::string(detail.empty() ? "" : "; ") + "joined " +
              std::to_string(duration_of(a.started_at - a.seg.origin, format_.sample_rate).count() / 1000) +
              " ms into the item";
  r.detail = std::move(detail);
  asrun_->ended(r);
}

void Engine::record_skipped(const Segment& s) {
  if (!asrun_) return;
  AsRunRecord r = base_record(s);
  r.started = r.ended = clock_.time_of(s.start);
  r.status = s.unavailable ? AsRunStatus::failed : AsRunStatus::skipped;
  r.detail = s.unavailable ? "media missing or undecodable when the schedule was loaded (see onair check)" : s.label.note;
  asrun_->ended(r);
}

}  // namespace onair
