#include "player/pcm/mix.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace onair {

void silence(float* samples, std::size_t count) { std::memset(samples, 0, count * sizeof(float)); }

void apply_gain(float* samples, std::size_t count, float gain) {
  if (gain == 1.0f) return;
  for (std::size_t i = 0; i < count; ++i) samples[i] *= gain;
}

void mix_add(float* __restrict dst, const float* __restrict src, std::size_t count, float gain) {
  for (std::size_t i = 0; i < count; ++i) dst[i] += src[i] * gain;
}

void mix_add(float* dst, const float* src, int channels, FrameCount first, FrameCount frames,
             const Envelope& envelope) {
  const auto ch = static_cast<std::size_t>(channels);
  if (envelope.constant_over(first, frames)) {
    const auto g = static_cast<float>(envelope.at(first));
    if (g != 0.0f) mix_add(dst, src, static_cast<std::size_t>(frames) * ch, g);
    return;
  }
  for (FrameCount f = 0; f < frames; ++f) {
    const auto g = static_cast<float>(envelope.at(first + f));
    const std::size_t base = static_cast<std::size_t>(f) * ch;
    for (std::size_t c = 0; c < ch; ++c) dst[base + c] += src[base + c] * g;
  }
}

void crossfade(float* out, const float* outgoing, const float* incoming, int channels, FrameCount first,
               FrameCount frames, const Crossfade& xf) {
  const auto ch = static_cast<std::size_t>(channels);
  const Fade fo = xf.outgoing(), fi = xf.incoming();
  for (FrameCount f = 0; f < frames; ++f) {
    const auto go = static_cast<float>(fo.gain(first + f));
    const auto gi = static_cast<float>(fi.gain(first + f));
    const std::size_t base = static_cast<std::size_t>(f) * ch;
    for (std::size_t c = 0; c < ch; ++c) out[base + c] = outgoing[base + c] * go + incoming[base + c] * gi;
  }
}

float peak(const float* samples, std::size_t count) {
  // Four vectors of 4 at a time: compilers do not vectorise a float max reduction by
  // themselves (it is not associative under their NaN rules). A NaN never wins, as in the
  // scalar tail.
  typedef float v4sf __attribute__((vector_size(16)));
  auto vmax = [](v4sf a, v4sf b) { return a > b ? a : b; };
  auto vabs = [](v4sf v) { return v > -v ? v : -v; };
  v4sf m0 = {0, 0, 0, 0}, m1 = m0, m2 = m0, m3 = m0;
  std::size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    v4sf x0, x1, x2, x3;
    std::memcpy(&x0, samples + i, sizeof x0);
    std::memcpy(&x1, samples + i + 4, sizeof x1);
    std::memcpy(&x2, samples + i + 8, sizeof x2);
    std::memcpy(&x3, samples + i + 12, sizeof x3);
    m0 = vmax(vabs(x0), m0);
    m1 = vmax(vabs(x1), m1);
    m2 = vmax(vabs(x2), m2);
    m3 = vmax(vabs(x3), m3);
  }
  const v4sf m = vmax(vmax(m0, m1), vmax(m2, m3));
  float p = std::max({m[0], m[1], m[2], m[3]});
  for (; i < count; ++i) p = std::max(p, std::fabs(samples[i]));
  return p;
}

}  // namespace onair
