#include "player/pcm/sample_guard.hpp"

#include <cmath>

namespace onair {

// Branch-free so that it vectorises (see player/CMakeLists.txt): every decoded sample
// passes here, and as a branchy loop it cost 6 % of a render. NaN fails the comparison,
// infinities exceed the limit.
std::size_t silence_invalid_samples(float* x, std::size_t n) noexcept {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool ok = std::fabs(x[i]) <= kMaxSample;
    x[i] = ok ? x[i] : 0.0f;
    bad += ok ? 0 : 1;
  }
  return bad;
}

}  // namespace onair
