#include "player/loudness/true_peak.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>
#include <stdexcept>

namespace onair {

namespace {

// GCC/Clang vector of 4 floats: the 4 phases of one tap side by side, so each tap is one
// multiply-add on a whole vector whatever the target's auto-vectoriser would decide.
typedef float v4sf __attribute__((vector_size(16)));

// The interpolation filter: a Kaiser-windowed sinc of 4 × kTaps taps (cut-off at the input's
// Nyquist frequency, β = 7), each phase normalised to unity gain at DC. BS.1770-4 Annex 2's
// 48-tap filter (12 taps a phase) was tried first: on abrupt onsets and noise it read up to
// 0.5 dB under ffmpeg's ebur128 meter (which resamples with a long filter), so a limiter
// built on it let ffmpeg see peaks over the ceiling; twice the length follows the ringing of
// a band-limited reconstruction closely enough for a 0.3 dB margin.
double bessel_i0(double x) {
  double sum = 1, term = 1;
  for (int k = 1; k < 60; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
  }
  return sum;
}

// kTap[j] holds, for each phase, the coefficient multiplying the j-th oldest of the last
// kTaps samples.
struct Taps {
  // phase[p - 1][j]: phases 1–3 (phase 0 is the sample kCenter frames back itself: the sinc
  // is 0 on every other sample), j-th oldest of the last kTaps samples.
  float phase[3][TruePeakDetector::kTaps];
  Taps() {
    constexpr int T = TruePeakDetector::kTaps, P = TruePeakDetector::kPhases, N = T * P;
    constexpr double beta = 7.0;
    double h[N];
    // Centred on tap N/2, so phase 0 falls on the input samples and the others at ¼, ½ and
    // ¾ of the way to the next (a symmetric even-length filter would put the grid ⅛ off).
    for (int n = 0; n < N; ++n) {
      const double m = (n - N / 2.0) / P;  // in input samples
      const double sinc = std::fabs(m) < 1e-12 ? 1.0 : std::sin(std::numbers::pi * m) / (std::numbers::pi * m);
      const double r = (n - N / 2.0) / (N / 2.0);
      h[n] = sinc * bessel_i0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / bessel_i0(beta);
    }
    // Output phase p at input frame n is sum_j h[P*j + p] * x[n - j]... written oldest first.
    for (int p = 0; p < P; ++p) {
      double sum = 0;
      for (int j = 0; j < T; ++j) sum += h[P * j + p];
      double abs_sum = 0;
      for (int j = 0; j < T; ++j) {
        if (p > 0) phase[p - 1][T - 1 - j] = static_cast<float>(h[P * j + p] / sum);
        abs_sum += std::fabs(h[P * j + p] / sum);
      }
      bound = std::max(bound, static_cast<float>(abs_sum * 1.0001));  // rounding
    }
  }
  float bound = 1.0f;
};
const Taps kFilter;

}  // namespace

TruePeakDetector::TruePeakDetector(int channels, Values values)
    : channels_(channels), samples_(values == Values::samples_and_interpolated) {
  if (channels < 1 || channels > 64) throw std::invalid_argument("true peak: bad channel count");
  history_.assign(static_cast<std::size_t>(channels) * (kTaps - 1), 0.0f);
  work_.assign(kTaps - 1 + kChunk + 4, 0.0f);
}

void TruePeakDetector::reset() { std::fill(history_.begin(), history_.end(), 0.0f); }

void TruePeakDetector::peaks(const float* interleaved, int frames, float* out) noexcept {
  std::fill_n(out, frames, 0.0f);
  const int ch = channels_;
  const int padded = (frames + 3) & ~3;
  float* b = work_.data();
  for (int c = 0; c < ch; ++c) {
    // Contiguous: the channel's last kTaps − 1 samples, then this block's (0-padded to 4).
    float* hist = history_.data() + static_cast<std::size_t>(c) * (kTaps - 1);
    std::copy_n(hist, kTaps - 1, b);
    for (int i = 0; i < frames; ++i) b[kTaps - 1 + i] = interleaved[i * ch + c];
    for (int i = frames; i < padded; ++i) b[kTaps - 1 + i] = 0.0f;
    // Four consecutive frames at a time: one unaligned load per tap feeds all three phases.
    for (int n = 0; n < padded; n += 4) {
      v4sf a1 = {0, 0, 0, 0}, a2 = a1, a3 = a1;
      for (int j = 0; j < kTaps; ++j) {
        v4sf x;
        std::memcpy(&x, b + n + j, sizeof x);
        a1 += kFilter.phase[0][j] * x;
        a2 += kFilter.phase[1][j] * x;
        a3 += kFilter.phase[2][j] * x;
      }
      v4sf x = {0, 0, 0, 0};
      if (samples_) std::memcpy(&x, b + n + kTaps - 1, sizeof x);  // the samples themselves
      auto abs = [](v4sf v) { return v > -v ? v : -v; };
      auto max = [](v4sf a, v4sf c2) { return a > c2 ? a : c2; };
      const v4sf m = max(max(abs(a1), abs(a2)), max(abs(a3), abs(x)));
      for (int k = 0; k < 4 && n + k < frames; ++k) out[n + k] = std::max(out[n + k], m[k]);
    }
    std::copy_n(b + frames, kTaps - 1, hist);
  }
}

float TruePeakDetector::push(const float* frame) noexcept {
  float out;
  peaks(frame, 1, &out);
  return out;
}

void TruePeakDetector::skip(const float* interleaved, long frames) noexcept {
  constexpr long keep = kTaps - 1;
  for (int c = 0; c < channels_; ++c) {
    float* hist = history_.data() + static_cast<std::size_t>(c) * keep;
    const long fresh = std::min(frames, keep);
    std::copy(hist + fresh, hist + keep, hist);  // shift out the oldest
    for (long i = 0; i < fresh; ++i) hist[keep - fresh + i] = interleaved[(frames - fresh + i) * channels_ + c];
  }
}

float TruePeakDetector::bound() noexcept { return kFilter.bound; }

float true_peak_of(const float* interleaved, long frames, int channels) {
  TruePeakDetector d(channels);
  float peak = 0;
  for (long i = 0; i < frames; ++i) peak = std::max(peak, d.push(interleaved + i * channels));
  const std::vector<float> zero(static_cast<std::size_t>(channels), 0.0f);
  for (int i = 0; i < TruePeakDetector::kTaps; ++i) peak = std::max(peak, d.push(zero.data()));
  return peak;
}

}  // namespace onair
