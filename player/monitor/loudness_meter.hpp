#pragma once
// The loudness of what went out (ITU-R BS.1770-4 / EBU R128; docs/loudness.md says how, and
// why not with a libebur128 state per item), off the engine thread: the as-run's `"lufs"` and `"true_peak_db"` of each item, and the
// momentary / short-term / peak meter of the status API and page.
//
// The output tee hands every block it writes to write(); the engine side of the as-run
// (LoudnessMarks) says where each item starts and ends, in output frames. Both only copy
// into preallocated lock-free rings (no allocation, lock, I/O or logging), so the render
// thread never waits for the meter. A worker thread measures: one running meter of the
// output (short-term, momentary, true peak) and one integrated measurement per item on air,
// cut exactly at the item's frames (items that overlap in a crossfade share those frames),
// each item reading as its own audio would alone (no filter ringing across a cut).
// When an item's end frame is measured its result is kept until take() collects it (the
// as-run writer thread does, before it writes the record).
//
// In real time a full ring drops audio (counted; the dropped frames are left out of every
// measurement, frame numbers stay right). When rendering (`wait_when_full`), write() waits
// for the worker instead, bounded, so a render measures everything.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "player/pcm/audio_format.hpp"

namespace onair {

struct LoudnessMeterOptions {
  std::chrono::milliseconds buffer{5000};  // audio the ring holds before blocks are dropped
  bool wait_when_full = false;             // render: wait for the worker (bounded) rather than drop
};

// An item on air, as the engine knows it: its segment and the frame it started at (the same
// segment can air twice, e.g. a repeated break-in).
struct MeteredItem {
  std::uint64_t uid = 0;
  FrameCount start = 0;
  friend auto operator<=>(const MeteredItem&, const MeteredItem&) = default;
};

struct ItemLoudness {
  double integrated_lufs = 0.0;  // -inf: nothing above the absolute gate (silence, or < 0.4 s)
  double true_peak_dbtp = 0.0;   // -inf: digital silence
};

// The output now. Loudness values are -inf in silence.
struct LoudnessReading {
  double momentary_lufs = 0.0;   // 400 ms
  double short_term_lufs = 0.0;  // 3 s
  double peak_dbtp = 0.0;        // highest true peak of the last 3 s
  FrameCount frame = 0;          // output frames measured so far
};

struct LoudnessMeterStats {
  FrameCount frames_in = 0;        // handed to write()
  FrameCount frames_measured = 0;
  FrameCount frames_dropped = 0;   // the ring was full
  std::int64_t marks_dropped = 0;  // item starts/ends lost to a full ring (those items go unmeasured)
};

class LoudnessMeter {
 public:
  // Throws std::invalid_argument for a rate or channel count it cannot measure.
  LoudnessMeter(AudioFormat format, LoudnessMeterOptions options = {});
  ~LoudnessMeter();  // close()
  LoudnessMeter(const LoudnessMeter&) = delete;
  LoudnessMeter& operator=(const LoudnessMeter&) = delete;

  // --- the engine thread ---------------------------------------------------------------
  // The next `frames` output frames (frames are counted from 0 at construction).
  void write(const float* interleaved, FrameCount frames) noexcept;
  // Where an item starts and ends, in output frames; before its audio reaches write().
  void item_started(MeteredItem item) noexcept;
  void item_ended(MeteredItem item, FrameCount end) noexcept;
  // Measures what is queued, ends every item still open at the last frame, stops the worker.
  // Idempotent; take() answers at once afterwards.
  void close();

  // --- any thread ----------------------------------------------------------------------
  // The item's measurement once its end is measured, waiting at most `wait`; nullopt if it
  // was not measured (no start seen, dropped marks) or not in time.
  std::optional<ItemLoudness> take(MeteredItem item, std::chrono::milliseconds wait);
  LoudnessReading reading() const noexcept;
  LoudnessMeterStats stats() const noexcept;
  AudioFormat format() const noexcept;

 private:
  struct Worker;
  std::unique_ptr<Worker> worker_;
};

}  // namespace onair
