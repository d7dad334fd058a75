#include "cli/media_probing.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>

#include "player/decode/probe_cache.hpp"
#include "player/decode/prober.hpp"

namespace onair {

std::filesystem::path default_cache_dir() {
  if (const char* d = std::getenv("ONAIR_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x) / "onair";
  if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".cache" / "onair";
  return std::filesystem::temp_directory_path() / "onair-cache";
}

namespace {

// One line, rewritten in place, once a scan has run for a second (short scans stay silent).
class ScanProgressLine {
 public:
  void operator()(const std::filesystem::path& file, std::chrono::microseconds done, std::chrono::microseconds total) {
    const auto now = std::chrono::steady_clock::now();
    if (file != file_) {
      file_ = file;
      started_ = now;
      shown_ = false;
    }
    const bool finished = total.count() > 0 && done >= total;
    if (finished) {
      if (shown_) std::fputs("\r\033[K", stderr);
      shown_ = false;
      return;
    }
    if (now - started_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    shown_ = true;
    const double pct = total.count() > 0 ? 100.0 * static_cast<double>(done.count()) / static_cast<double>(total.count()) : 0.0;
    std::fputs(fmt::format("\r\033[Kmeasuring loudness of {}: {:.0f}% ({} of {} min)", file.filename().string(), pct,
                           done.count() / 60'000'000, total.count() / 60'000'000)
                   .c_str(),
               stderr);
    std::fflush(stderr);
  }

 private:
  std::filesystem::path file_;
  std::chrono::steady_clock::time_point started_, last_;
  bool shown_ = false;
};

}  // namespace

std::unique_ptr<MediaProber> make_media_prober(const CommonOptions& common, bool progress) {
  ProberOptions options;
  if (progress && ::isatty(STDERR_FILENO)) options.measure_progress = ScanProgressLine{};
  if (common.no_probe_cache) return std::make_unique<FfmpegProber>(options);
  return std::make_unique<ProbeCache>(std::make_unique<FfmpegProber>(options),
                                      common.probe_cache.value_or(default_cache_dir() / "probe-cache.json"));
}

}  // namespace onair
