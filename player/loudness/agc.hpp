#pragma once
// The slow AGC of the master processor (docs/loudness.md, "Master processor"): it brings
// what cannot be measured ahead (relays, live input) toward the station's target loudness.
//
// ShortTermLoudness is its level detector: ITU-R BS.1770 K-weighting (KWeighting) and the
// energy of the last 3 s kept as a ring of 30 sub-blocks of 100 ms, so feeding it is O(1) per
// sample and never allocates. Its reading equals libebur128's ebur128_loudness_shortterm
// at sub-block boundaries.
//
// Agc is feed-forward: the desired gain is target − short-term loudness of its input,
// clamped to ±max_gain. The gain moves toward it in dB, with a 3 s time constant when it
// lowers (attack) and 10 s when it raises (release), updated every sub-block and
// interpolated linearly per sample in between (no zipper). Below the gate (short-term under
// −50 LUFS, or more than 20 LU under the target: pauses, silence) the gain holds.
//
// Engaging starts from 0 dB and a fresh detector (a new relay's loudness is unknown; the
// previous source's says nothing about it). Disengaging ramps the gain to 0 dB over 0.5 s,
// after which the AGC does nothing at all: samples pass bit-exact and the detector stops.
// Re-engaging during that ramp continues from the gain reached (no jump).
//
// Real-time safe: the constructor allocates, process() never does. One thread only.
#include <array>
#include <vector>

#include "player/loudness/k_weighting.hpp"
#include "player/pcm/audio_format.hpp"

namespace onair {

class ShortTermLoudness {
 public:
  static constexpr int kBlocks = 30;  // 30 × 100 ms = the 3 s short-term window

  // Throws std::invalid_argument for a rate or channel count out of range.
  ShortTermLoudness(int sample_rate, int channels);

  // Forgets all history (filter state and energy).
  void reset();

  // Frames left in the current 100 ms sub-block (≥ 1).
  FrameCount frames_to_block() const noexcept { return block_frames_ - filled_; }
  // Feeds `frames` ≤ frames_to_block() interleaved frames; true when they completed a
  // sub-block (the reading changed).
  bool feed(const float* interleaved, FrameCount frames) noexcept;

  // Completed sub-blocks in the window (0 … kBlocks).
  int blocks() const noexcept { return count_; }
  // Loudness in LUFS of the completed sub-blocks in the window (the last 3 s once full);
  // −inf when there are none or they are digital silence.
  double lufs() const noexcept;

  FrameCount block_frames() const noexcept { return block_frames_; }

 private:
  KWeighting filter_;
  FrameCount block_frames_;
  FrameCount filled_ = 0;
  double energy_ = 0;  // weighted sum of squares of the current sub-block
  std::array<double, kBlocks> ring_{};
  int next_ = 0, count_ = 0;
};

struct AgcOptions {
  double attack_s = 3.0;     // time constant while lowering the gain
  double release_s = 10.0;   // time constant while raising it
  double max_gain_db = 12.0;  // the gain stays within ±max_gain_db
  double gate_lufs = -50.0;  // below this short-term loudness the gain holds
  double gate_lu = 20.0;     // … and more than this under the target
  double off_ramp_s = 0.5;   // back to 0 dB when disengaged
};

class Agc {
 public:
  // Throws std::invalid_argument for a bad format or options.
  explicit Agc(AudioFormat format, AgcOptions options = {});

  // Applies the gain in place. `engaged` and `target_lufs` may change between calls.
  void process(float* interleaved, FrameCount frames, bool engaged, float target_lufs) noexcept;

  // The gain applied to the last frame processed, in dB (0 when idle).
  double gain_db() const noexcept;
  // The detector's short-term loudness (−inf while idle or before its first sub-block).
  double short_term_lufs() const noexcept { return idle() ? -1.0 / 0.0 : detector_.lufs(); }
  // True when disengaged and back at exactly 0 dB: process() leaves samples untouched.
  bool idle() const noexcept { return mode_ == Mode::idle; }

 private:
  enum class Mode { idle, active, releasing };
  void start_segment(double end_gain, FrameCount frames) noexcept;
  void apply(float* interleaved, FrameCount frames) noexcept;
  void update(float target_lufs) noexcept;  // at each completed sub-block

  AudioFormat format_;
  AgcOptions options_;
  ShortTermLoudness detector_;
  double attack_k_, release_k_;  // one-pole coefficients per sub-block
  FrameCount off_ramp_frames_;
  Mode mode_ = Mode::idle;
  double gain_db_ = 0;  // where the current segment ends, in dB
  // The linear gain ramps from seg_start_ by seg_step_ per frame for seg_left_ more frames
  // (seg_pos_ frames done), then holds at seg_end_.
  double seg_start_ = 1, seg_end_ = 1, seg_step_ = 0;
  FrameCount seg_pos_ = 0, seg_len_ = 0;
};

}  // namespace onair
