#include "player/decode/seek.hpp"

#include <algorithm>
#include <numeric>

namespace onair {

CueInPlan plan_cue_in(FrameCount cue_in, int in_rate, int out_rate, std::int64_t preroll) {
  CueInPlan plan;
  if (cue_in <= 0 || in_rate <= 0 || out_rate <= 0) return plan;
  if (in_rate == out_rate) {
    // Format/channel conversion is per sample: no resampler state to rebuild.
    plan.feed_from_in = cue_in;
    plan.feed_from_out = cue_in;
  } else {
    const std::int64_t g = std::gcd(in_rate, out_rate);
    const std::int64_t period_in = in_rate / g, period_out = out_rate / g;
    // Longer than swresample's filter (32 taps per phase by default, stretched when
    // downsampling) so the fresh filter's start-up transient is discarded.
    const std::int64_t margin_in = 256 * std::max<std::int64_t>(1, (in_rate + out_rate - 1) / out_rate);
    const std::int64_t cue_in_in = cue_in * in_rate / out_rate;
    const std::int64_t periods = std::max<std::int64_t>(0, (cue_in_in - margin_in) / period_in);
    plan.feed_from_in = periods * period_in;
    plan.feed_from_out = periods * period_out;
  }
  plan.decode_from_in = plan.feed_from_in - preroll;
  plan.seek = plan.decode_from_in > 0;
  if (!plan.seek) plan = CueInPlan{};
  return plan;
}

}  // namespace onair
