#pragma once
// Inter-sample ("true") peak estimation by 4× oversampling, as ITU-R BS.1770-4 Annex 2
// describes it, with a polyphase interpolation filter of 4 branches of 24 taps (twice the
// Recommendation's 48-tap example: see true_peak.cpp), run per channel. It is the limiter's
// side chain.
//
// Each push() takes one frame and returns the largest magnitude among that frame's sample
// and the 4 interpolated values per channel, which lie around the frame kCenter frames back;
// a value at push n depends on frames n − kTaps + 1 … n. An `interpolated` detector leaves
// the sample out: its values are the interpolated ones only, all between frames n − kCenter
// and n − kCenter + 1 (a meter that cuts items at exact frames takes the samples' own peaks
// separately; a limiter wants the newest sample at once).
//
// Real-time safe: the constructor allocates, push() never does. One thread only.
#include <vector>

namespace onair {

class TruePeakDetector {
 public:
  static constexpr int kTaps = 24;
  static constexpr int kPhases = 4;
  static constexpr int kCenter = 12;  // the interpolated values lie between frames n−12 and n−11

  enum class Values { samples_and_interpolated, interpolated };
  explicit TruePeakDetector(int channels, Values values = Values::samples_and_interpolated);
  void reset();

  static constexpr int kChunk = 256;  // most frames per peaks() call

  // `frames` ≤ kChunk interleaved frames in; out[i] = frame i's peak magnitude (linear) over
  // all channels.
  void peaks(const float* interleaved, int frames, float* out) noexcept;
  // One frame (slower per frame than peaks()).
  float push(const float* frame) noexcept;
  // Takes `frames` frames into the history without computing their peaks (for audio known
  // to be far under any threshold: see bound()).
  void skip(const float* interleaved, long frames) noexcept;
  // The most push() can return for samples of magnitude ≤ 1: the largest sum of |taps| of a
  // phase. A block whose samples (and the kTaps − 1 before) stay under threshold / bound()
  // cannot have a peak over the threshold.
  static float bound() noexcept;

 private:
  int channels_;
  bool samples_;  // the newest sample counts too
  std::vector<float> history_;  // per channel its last kTaps − 1 samples, oldest first
  std::vector<float> work_;     // one channel's history and block, contiguous
};

// The true peak of a whole interleaved buffer (linear, all channels), from a fresh detector
// followed by kTaps frames of silence so the last samples' interpolations count. For tests
// and tools; allocates.
float true_peak_of(const float* interleaved, long frames, int channels);

}  // namespace onair
