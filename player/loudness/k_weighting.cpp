#include "player/loudness/k_weighting.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace onair {

namespace {

constexpr double kDenormalFloor = 1e-25;

}  // namespace

KWeighting::KWeighting(int sample_rate, int channels) : channels_(channels) {
  if (sample_rate < 8000 || sample_rate > kMaxSourceRate)
    throw std::invalid_argument("loudness: sample rate " + std::to_string(sample_rate) + " Hz is out of range");
  if (channels < 1 || channels > 64)
    throw std::invalid_argument("loudness: " + std::to_string(channels) + " channels is out of range");
  const double fs = sample_rate;
  {  // stage 1, the high shelf
    const double f0 = 1681.974450955533, g = 3.999843853973347, q = 0.7071752369554196;
    const double k = std::tan(std::numbers::pi * f0 / fs);
    const double vh = std::pow(10.0, g / 20.0), vb = std::pow(vh, 0.4996667741545416);
    const double a0 = 1.0 + k / q + k * k;
    pre_ = {(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
            2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  }
  {  // stage 2, the RLB high-pass
    const double f0 = 38.13547087602444, q = 0.5003270373238773;
    const double k = std::tan(std::numbers::pi * f0 / fs);
    const double a0 = 1.0 + k / q + k * k;
    rlb_ = {1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  }
  state_.resize(static_cast<std::size_t>(channels));
  // libebur128's default channel map: L R C LFE Ls Rs for 6 and more, L R Ls Rs for 4,
  // L R C Ls Rs for 5; surrounds weigh 1.41 (+1.5 dB), the LFE nothing.
  weight_.assign(static_cast<std::size_t>(channels), 1.0);
  if (channels == 4) {
    weight_[2] = weight_[3] = 1.41;
  } else if (channels == 5) {
    weight_[3] = weight_[4] = 1.41;
  } else if (channels >= 6) {
    weight_[3] = 0.0;
    weight_[4] = weight_[5] = 1.41;
    for (int c = 6; c < channels; ++c) weight_[static_cast<std::size_t>(c)] = 0.0;
  }
}

void KWeighting::reset() { std::fill(state_.begin(), state_.end(), State{}); }

void KWeighting::flush_denormals() noexcept {
  for (State& s : state_)
    for (double* v : {&s.s1, &s.s2, &s.t1, &s.t2})
      if (std::fabs(*v) < kDenormalFloor) *v = 0;
}

// sink(i, e) gets frame i's weighted energy. Stereo, the common case, runs both channels in
// one pass: two independent recursions side by side instead of one long dependency chain.
template <class Sink>
void KWeighting::run(const float* x, FrameCount frames, Sink&& sink) noexcept {
  const Biquad p = pre_, r = rlb_;
  auto step = [&](State& s, double in) {
    const double y = p.b0 * in + s.s1;
    s.s1 = p.b1 * in - p.a1 * y + s.s2;
    s.s2 = p.b2 * in - p.a2 * y;
    const double z = r.b0 * y + s.t1;
    s.t1 = r.b1 * y - r.a1 * z + s.t2;
    s.t2 = r.b2 * y - r.a2 * z;
    return z;
  };
  const int ch = channels_;
  if (ch == 2 && weight_[0] == 1.0 && weight_[1] == 1.0) {
    State a = state_[0], b = state_[1];
    for (FrameCount i = 0; i < frames; ++i) {
      const double za = step(a, x[2 * i]), zb = step(b, x[2 * i + 1]);
      sink(i, za * za + zb * zb);
    }
    state_[0] = a;
    state_[1] = b;
    return;
  }
  if (ch == 1) {
    State a = state_[0];
    const double w = weight_[0];
    for (FrameCount i = 0; i < frames; ++i) {
      const double z = step(a, x[i]);
      sink(i, w * z * z);
    }
    state_[0] = a;
    return;
  }
  for (FrameCount i = 0; i < frames; ++i) {
    double e = 0;
    for (int c = 0; c < ch; ++c) {
      const double z = step(state_[static_cast<std::size_t>(c)], x[i * ch + c]);
      e += weight_[static_cast<std::size_t>(c)] * z * z;
    }
    sink(i, e);
  }
}

void KWeighting::energies(const float* interleaved, FrameCount frames, double* out) noexcept {
  run(interleaved, frames, [out](FrameCount i, double e) { out[i] = e; });
}

double KWeighting::energy(const float* interleaved, FrameCount frames) noexcept {
  double sum = 0;
  run(interleaved, frames, [&sum](FrameCount, double e) { sum += e; });
  return sum;
}

}  // namespace onair
