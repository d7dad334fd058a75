#include "soak/memory_probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace onair::soak {

MemorySample read_memory(FrameCount at) {
  MemorySample s;
  s.at = at;
  std::ifstream status("/proc/self/status");
  std::string key;
  double kb = 0;
  while (status >> key) {
    if (key == "VmRSS:" && status >> kb) s.rss_mb = kb / 1024;
    else if (key == "RssAnon:" && status >> kb) s.anon_mb = kb / 1024;
  }
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++s.open_fds;
  return s;
}

SamplingOutput::SamplingOutput(std::unique_ptr<Output> inner, FrameCount period, std::function<void(FrameCount)> sample)
    : inner_(std::move(inner)), period_(period), sample_(std::move(sample)) {}

void SamplingOutput::write(const float* interleaved, FrameCount frames) {
  inner_->write(interleaved, frames);
  written_ += frames;
  while (written_ >= next_) {
    sample_(next_);
    next_ += period_;
  }
}

Flatness judge(const std::vector<MemorySample>& samples, FrameCount start_at, FrameCount warmup_end,
               FrameCount frames_per_day, const FlatnessRule& rule) {
  Flatness f;
  if (samples.empty()) {
    f.why = "no memory samples";
    return f;
  }
  f.start = f.warm = samples.front();
  f.end = samples.back();
  for (const auto& s : samples) {
    if (s.at <= start_at) f.start = s;
    if (s.at <= warmup_end) f.warm = s;
  }
  f.peak = *std::max_element(samples.begin(), samples.end(),
                             [](const auto& a, const auto& b) { return a.rss_mb < b.rss_mb; });
  f.growth_mb = f.end.rss_mb - f.warm.rss_mb;
  f.anon_growth_mb = f.end.anon_mb - f.warm.anon_mb;
  // Least squares over the samples after the warm-up, x in days.
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& s : samples) {
    if (s.at < f.warm.at) continue;
    const double x = static_cast<double>(s.at) / static_cast<double>(frames_per_day);
    n += 1, sx += x, sy += s.rss_mb, sxx += x * x, sxy += x * s.rss_mb;
  }
  if (n >= 2 && n * sxx - sx * sx > 0) f.slope_mb_per_day = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  f.slope_judged = f.end.at - f.warm.at >= frames_per_day;
  f.flat = true;
  if (f.growth_mb > rule.max_growth_mb) {
    f.flat = false;
    f.why += fmt::format("RSS grew {:.1f} MB after the warm-up (limit {:.1f} MB); ", f.growth_mb, rule.max_growth_mb);
  }
  if (f.slope_judged && f.slope_mb_per_day > rule.max_slope_mb_per_day) {
    f.flat = false;
    f.why += fmt::format("RSS trend {:.2f} MB/day (limit {:.2f} MB/day); ", f.slope_mb_per_day, rule.max_slope_mb_per_day);
  }
  if (f.end.open_fds - f.warm.open_fds > rule.max_fd_growth) {
    f.flat = false;
    f.why += fmt::format("open files grew from {} to {}; ", f.warm.open_fds, f.end.open_fds);
  }
  return f;
}

}  // namespace onair::soak
