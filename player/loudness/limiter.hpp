#pragma once
// The master processor's true-peak look-ahead limiter (docs/loudness.md, "Master processor").
//
// The side chain estimates each frame's true peak (TruePeakDetector, 4× oversampling) and
// the gain that keeps it at the ceiling less a small margin. The gain applied is the
// minimum of those over a hold window, released exponentially (~60 ms), then smoothed by two
// box filters: the reduction ramps in as an S-curve that is complete when the peak reaches
// the output, which is the input delayed by latency() frames (~1.5 ms). The hold window
// covers the peak's whole interpolation support (24 frames), so every sample that shapes an
// inter-sample peak is reduced at least as much as it needs.
//
// The margin (0.3 dB by default) absorbs the difference between this estimate and other
// meters' (libebur128's 49-tap filter, ffmpeg's resampler at 192 kHz) and the small error of
// a gain that changes within the interpolation support.
//
// When no reduction is needed the output is the input delayed by exactly latency() frames,
// bit-exact: once the smoothed gain is back at exactly 1 (the release snaps to 1 at a
// −80 dB distance, ~0.5 s after the last reduction) the gain stage is skipped altogether.
// A block whose sample peak is so far under the ceiling that no inter-sample peak can reach
// it (about 6 dB under) skips the side chain's filter too: the common case costs a copy.
//
// Real-time safe: the constructor allocates, process() never does. One thread only.
#include <array>
#include <vector>

#include "player/loudness/true_peak.hpp"
#include "player/pcm/audio_format.hpp"

namespace onair {

struct LimiterOptions {
  double lookahead_ms = 1.5;  // the latency, including the side chain's interpolation delay
  double release_ms = 60.0;   // time constant of the gain's recovery
  double margin_db = 0.3;     // the side chain limits to ceiling − margin
};

class TruePeakLimiter {
 public:
  // Throws std::invalid_argument for a bad format or options.
  explicit TruePeakLimiter(AudioFormat format, LimiterOptions options = {});

  // The delay from input to output, in frames (constant).
  FrameCount latency() const noexcept { return latency_; }

  // Limits in place; output frame k of the stream is input frame k − latency() (the first
  // latency() frames out are the delay line's initial silence). `ceiling_dbtp` may change
  // between calls: the gain follows it through the same ramps.
  void process(float* interleaved, FrameCount frames, float ceiling_dbtp) noexcept;

  // The deepest gain reduction applied during the last process() call, in dB (≥ 0).
  float reduction_db() const noexcept { return reduction_db_; }

 private:
  float gain_at(float peak, float threshold) noexcept;  // one side-chain step
  void wake() noexcept;                                  // leave the idle state

  AudioFormat format_;
  FrameCount latency_;
  int box_;   // length of each of the two box filters
  int hold_;  // window of the running minimum
  double inv_box_;
  float release_;
  float margin_db_;
  TruePeakDetector detector_;
  std::array<float, TruePeakDetector::kChunk> peaks_{};

  std::vector<float> delay_;  // latency_ frames, interleaved
  FrameCount delay_pos_ = 0;

  // Running minimum over hold_ frames: a monotonic wedge of (value, frame) in a ring.
  std::vector<float> wedge_value_;
  std::vector<FrameCount> wedge_frame_;
  int wedge_head_ = 0, wedge_size_ = 0;
  FrameCount frame_ = 0;  // side-chain frames seen

  float env_ = 1.0f;  // the released minimum
  std::vector<float> box1_, box2_;
  double sum1_ = 0, sum2_ = 0;
  int box_pos_ = 0;

  // Idle: every stage holds exactly 1 (no reduction for longer than the pipeline is long),
  // so the side chain's state need not be stepped and the gain is skipped.
  bool idle_ = true;
  FrameCount unity_run_ = 0;
  // Sample peak of the last kTaps − 1 frames before this block (at least: an over-estimate
  // when blocks are shorter than that), for the quiet-block test.
  float tail_peak_ = 0;
  float reduction_db_ = 0;
};

}  // namespace onair
