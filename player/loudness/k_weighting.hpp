#pragma once
// ITU-R BS.1770 K-weighting: the high-shelf "pre-filter" and the RLB high-pass, coefficients
// derived for the sample rate as libebur128 derives them (which gives the Recommendation's
// table at 48 kHz), run per channel in double precision, and the channel weights of
// libebur128's default map. The AGC's detector and the output meter both build on it: the
// meter needs the weighted energy of each frame (items cut at any frame share one filter),
// which libebur128's interface does not give.
//
// Real-time safe: the constructor allocates, the rest never does. One thread only.
#include <vector>

#include "player/pcm/audio_format.hpp"

namespace onair {

class KWeighting {
 public:
  // Throws std::invalid_argument for a rate or channel count out of range.
  KWeighting(int sample_rate, int channels);

  void reset();  // filter state to 0 (a fresh measurement)

  // The weighted energy Σ_c w_c·z_c² of each of `frames` interleaved frames into out[i].
  void energies(const float* interleaved, FrameCount frames, double* out) noexcept;
  // Their sum only.
  double energy(const float* interleaved, FrameCount frames) noexcept;

  // Flushes tiny filter states to 0 so digital silence never decays into denormals; call
  // now and then (every 100 ms is plenty).
  void flush_denormals() noexcept;

  int channels() const noexcept { return channels_; }

 private:
  struct Biquad {
    double b0, b1, b2, a1, a2;
  };
  struct State {  // transposed direct form II, two stages
    double s1 = 0, s2 = 0, t1 = 0, t2 = 0;
  };
  template <class Sink>
  void run(const float* interleaved, FrameCount frames, Sink&& sink) noexcept;

  Biquad pre_{}, rlb_{};
  int channels_;
  std::vector<State> state_;    // per channel
  std::vector<double> weight_;  // BS.1770 channel weights (0 for LFE)
};

}  // namespace onair
