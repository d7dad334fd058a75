#pragma once
// The edit decision list: what the player executes. Each segment says which source plays
// from which offset over which output frames, with which gain envelope. Built from a plan
// and a frame clock with no I/O; rebuilt from the current frame whenever playout learns
// something new (a failure, an early end) or the real clock's fit moves.
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "scheduler/fill_order.hpp"
#include "scheduler/frame_clock.hpp"
#include "scheduler/timeline.hpp"

namespace onair {

// What the as-run log and the status say of a segment: for people, never for playing it.
struct SegmentLabel {
  std::string title;
  std::string day;              // broadcast day YYYY-MM-DD
  std::string program_id;       // "" between programmes
  std::string next_program_id;  // gaps and fill: the programme they lead to
  std::string display_source;   // source relative to its media root
  Duration planned{0};          // planned duration (end - start)
  std::string note;             // why the plan cuts or skips it
};

// What the master processor does while this segment airs (player/loudness/processor).
struct SegmentLoudness {
  bool agc = false;            // not measured ahead (relay, its fallback, unmeasured file): the slow AGC acts
  float target_lufs = -16.0f;  // the AGC's target
  float ceiling_dbtp = -1.0f;  // the limiter's ceiling
};

// What the player executes, where the plan placed it, and its label.
struct Segment {
  enum class Kind { file, relay, silence, fill, gap };  // gap: silence between programmes
  Kind kind = Kind::file;
  std::string source;    // absolute path or URL; empty for silence and gap
  std::string fallback;  // relay: absolute path of the fallback file, or empty

  FrameCount start = 0, end = 0;  // output frames [start, end)
  FrameCount origin = 0;          // output frame where the item's cue-in point airs
  FrameCount cue_in = 0;          // source position (output-rate frames) at `origin`
  FrameCount length = 0;          // natural length from `origin`

  // Envelope, in frames: fades relative to origin / origin+length; crossfades are
  // equal-power; the cut fade ends at `end` when the item is cut short.
  FrameCount fade_in = 0, fade_out = 0, xfade_in = 0, xfade_out = 0, cut_fade = 0;
  double gain_db = 0.0;  // the item's `gain` plus its loudness normalisation (docs/loudness.md)
  SegmentLoudness loudness;
  bool cut = false;      // ends before its natural end (hard start, `end`, gap end)
  bool skipped = false;  // planned but never airs (start == end): a record only
  bool unavailable = false;  // skipped because its media was missing or undecodable at load

  // Identity, for matching segments across rebuilds (uid stays the same when the timeline
  // is rebuilt: reload, next day, an inserted item), and where the plan put it.
  std::uint64_t uid = 0;
  std::size_t program = 0;  // merged programme index (the following programme for gaps/fill)
  std::size_t item = 0;     // item index; filler number for fill
  TimePoint scheduled;      // planned start

  SegmentLabel label;

  bool same_as(const Segment& o) const { return kind == o.kind && uid == o.uid; }
};

const char* to_string(Segment::Kind kind);

// Maps plan times to output frames: hard anchors (programme starts on time, `end`,
// `until`) are placed through the clock; everything between them follows by duration,
// so items stay sample-exactly back to back whatever the clock's drift. Anchors in
// `committed` keep the frames they were given there.
class FrameMapper {
 public:
  FrameMapper(const Plan& plan, const Timeline& timeline, const FrameClock& clock,
              const std::map<TimePoint, FrameCount>* committed = nullptr);
  FrameCount frame_of(TimePoint t) const;
  // Adds to `committed` the anchors that air by `horizon` (audio now depends on them: they
  // never move again, whatever the clock does later).
  void commit(std::map<TimePoint, FrameCount>& committed, FrameCount horizon) const;
  // The frame of every anchor up to `limit`: what a list built with this mapper airs them at.
  std::map<TimePoint, FrameCount> placed(FrameCount limit) const;

 private:
  FrameCount anchor_frame(TimePoint anchor) const;

  std::vector<TimePoint> anchors_;  // sorted
  const FrameClock& clock_;
  const std::map<TimePoint, FrameCount>* committed_;
};

// Builds the segments that end after `from` (segments already under way are included,
// clipped to start at `from` only when `join` is set: the session starts there), up to
// those starting at `until` (left out: the caller builds further when it gets there).
// `anchors` holds anchor frames already committed (they never move once audio depends on
// them); anchors that air by `commit_horizon` are added to it first (FrameMapper::commit).
// Fill files in `bad_files` are passed over. `fill` keeps the days' fill orders between
// calls (one is made for the call when not given).
struct EdlContext {
  std::map<TimePoint, FrameCount>* anchors = nullptr;
  FrameCount commit_horizon = 0;
  const std::set<std::string>* bad_files = nullptr;
  FillOrders* fill = nullptr;
  FrameCount until = std::numeric_limits<FrameCount>::max();
  bool* left_out = nullptr;  // set when something was left out for starting at `until` or later
  std::map<TimePoint, FrameCount>* placed = nullptr;  // out: the anchors' frames, up to `until`
};
std::vector<Segment> build_edl(const Timeline& timeline, const Plan& plan, const FrameClock& clock,
                               FrameCount from, bool join, const EdlContext& context = {});

}  // namespace onair
