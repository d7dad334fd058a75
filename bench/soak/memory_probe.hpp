#pragma once
// Memory of this process sampled along the simulated time: an output wrapper that reads
// /proc/self/status every N frames of audio (so samples sit at exact simulated times, however
// fast the machine runs), and the rule that decides whether memory stayed flat.
#include <functional>
#include <memory>
#include <vector>

#include "player/output/output.hpp"

namespace onair::soak {

struct MemorySample {
  FrameCount at = 0;     // output frames since the start
  double rss_mb = 0;     // VmRSS: what the "resident memory" means
  double anon_mb = 0;    // RssAnon: heap and stacks (RssFile is shared library pages)
  int open_fds = 0;      // leaked files or sockets show up here
};

MemorySample read_memory(FrameCount at);

// Forwards everything to `inner` and calls `sample` every `period` frames written.
class SamplingOutput final : public Output {
 public:
  SamplingOutput(std::unique_ptr<Output> inner, FrameCount period, std::function<void(FrameCount)> sample);
  AudioFormat open(const AudioFormat& requested) override { return inner_->open(requested); }
  void write(const float* interleaved, FrameCount frames) override;
  void drain() override { inner_->drain(); }
  void close() override { inner_->close(); }
  std::optional<OutputStamp> stamp() const override { return inner_->stamp(); }
  OutputStats stats() const override { return inner_->stats(); }
  bool realtime() const override { return inner_->realtime(); }
  std::string describe() const override { return inner_->describe(); }

 private:
  std::unique_ptr<Output> inner_;
  FrameCount period_, written_ = 0, next_ = 0;
  std::function<void(FrameCount)> sample_;
};

// The flatness rule (docs/benchmarks.md): after the warm-up sample, resident memory may end
// at most `max_growth_mb` higher, and, when the samples after the warm-up span at least a
// day, their least-squares slope may not exceed `max_slope_mb_per_day`. Open files may vary
// by the few the decoders hold at a given moment, not grow with days.
struct FlatnessRule {
  double max_growth_mb = 4.0;
  double max_slope_mb_per_day = 1.0;
  int max_fd_growth = 3;
};

struct Flatness {
  MemorySample start, warm, peak, end;  // start: at `start_at`; warm: at the end of the warm-up
  double growth_mb = 0, slope_mb_per_day = 0, anon_growth_mb = 0;
  bool slope_judged = false;  // false when the run is too short for a slope to mean anything
  bool flat = false;
  std::string why;  // what broke the rule
};

Flatness judge(const std::vector<MemorySample>& samples, FrameCount start_at, FrameCount warmup_end,
               FrameCount frames_per_day, const FlatnessRule& rule);

}  // namespace onair::soak
