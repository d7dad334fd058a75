#pragma once
// Inter-sample ("true") peak estimation by 4× oversampling, as ITU-R BS.1770-4 Annex 2
// describes it, with a polyphase interpolation filter of 4 branches of 24 taps (twice the
// Recommendation's 48-tap example: see true_peak.cpp), run per channel. It is the limiter's
// side chain.
//
// Each push() takes one frame and returns the largest magnitude among that frame's sample
// and the 4 interpolated values per channel, which lie around the frame kCenter frames back;
// a value at push n depends on frames n − kTaps + 1 … n.
//
// Real-time safe: the constructor allocates, push() never does. One thread only.
#include <vector>

namespace onair {

class TruePeakDetector {
 public:
  static constexpr int kTaps = 24;
  static constexpr int kPhases = 4;
  static constexpr int kCenter = 12;  // the interpolated values lie between frames n−12 and n−11

  explicit TruePeakDetector(int channels);
  void reset();

  // One interleaved frame in; the peak magnitude (linear) over all channels out.
  float push(const float* frame) noexcept;

 private:
  int channels_;
  // Per channel a doubled history (each sample written at pos and pos + kTaps) so the last
  // kTaps samples are always contiguous: history_[c * 2 * kTaps + pos_ …].
  std::vector<float> history_;
  int pos_ = 0;
};

// The true peak of a whole interleaved buffer (linear, all channels), from a fresh detector
// followed by kTaps frames of silence so the last samples' interpolations count. For tests
// and tools; allocates.
float true_peak_of(const float* interleaved, long frames, int channels);

}  // namespace onair
