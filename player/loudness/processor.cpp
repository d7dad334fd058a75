#include "player/loudness/processor.hpp"

namespace onair {

MasterProcessor::MasterProcessor(AudioFormat format, MasterOptions options)
    : format_(format), agc_(format, options.agc), limiter_(format, options.limiter) {}

void MasterProcessor::process(float* interleaved, FrameCount frames, const BusControl& control) noexcept {
  if (frames <= 0) return;
  agc_.process(interleaved, frames, control.agc, control.target_lufs);
  limiter_.process(interleaved, frames, control.ceiling_dbtp);
  agc_gain_db_.store(static_cast<float>(agc_.gain_db()), std::memory_order_relaxed);
  reduction_db_.store(limiter_.reduction_db(), std::memory_order_relaxed);
  short_term_.store(static_cast<float>(agc_.short_term_lufs()), std::memory_order_relaxed);
}

}  // namespace onair
