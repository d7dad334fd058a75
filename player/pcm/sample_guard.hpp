#pragma once
// Decoded samples that must never reach the mix. Float PCM is taken as is by FFmpeg, so a
// garbage tail (a file cut and refilled, disk damage) or a broken PCM stream decodes to NaN,
// infinities and absurd levels that would poison the mix and the sound card's conversion.
// Beyond +12 dBFS no real programme goes, even before its gain.
#include <cstddef>
#include <string>

namespace onair {

inline constexpr float kMaxSample = 4.0f;

// Replaces such samples by silence; returns how many there were.
std::size_t silence_invalid_samples(float* x, std::size_t n) noexcept;

// The as-run note for them.
inline std::string invalid_samples_note(std::size_t count) {
  return std::to_string(count) + " invalid sample(s) (not a number, infinite or beyond +12 dBFS) replaced by silence";
}

}  // namespace onair
