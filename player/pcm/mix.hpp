#pragma once
// Mixing primitives on interleaved float blocks. Pure functions over caller-owned buffers:
// no allocation, so the engine can call them per block on its render thread.
#include <cstddef>

#include "player/pcm/audio_format.hpp"
#include "player/pcm/envelope.hpp"

namespace onair {

void silence(float* samples, std::size_t count);
void apply_gain(float* samples, std::size_t count, float gain);

// dst += src * gain.
void mix_add(float* __restrict dst, const float* __restrict src, std::size_t count, float gain = 1.0f);

// dst += src * envelope, for a block whose first frame has index `first`.
void mix_add(float* dst, const float* src, int channels, FrameCount first, FrameCount frames,
             const Envelope& envelope);

// out = outgoing * xf.outgoing() + incoming * xf.incoming() over a block starting at frame
// `first`. `out` may alias either input.
void crossfade(float* out, const float* outgoing, const float* incoming, int channels, FrameCount first,
               FrameCount frames, const Crossfade& xf);

// Largest absolute sample value (NaN never wins).
float peak(const float* samples, std::size_t count);

}  // namespace onair
