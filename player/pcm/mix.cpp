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
  float p = 0.0f;
  for (std::size_t i = 0; i < count; ++i) p = std::max(p, std::fabs(samples[i]));
  return p;
}

}  // namespace onair
