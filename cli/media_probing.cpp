#include "cli/media_probing.hpp"

#include <cstdlib>

#include "player/decode/probe_cache.hpp"
#include "player/decode/prober.hpp"

namespace onair {

std::filesystem::path default_cache_dir() {
  if (const char* d = std::getenv("ONAIR_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x) / "onair";
  if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".cache" / "onair";
  return std::filesystem::temp_directory_path() / "onair-cache";
}

std::unique_ptr<MediaProber> make_media_prober(const CommonOptions& common) {
  if (common.no_probe_cache) return std::make_unique<FfmpegProber>();
  return std::make_unique<ProbeCache>(std::make_unique<FfmpegProber>(),
                                      common.probe_cache.value_or(default_cache_dir() / "probe-cache.json"));
}

}  // namespace onair
