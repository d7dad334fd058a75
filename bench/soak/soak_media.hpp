#pragma once
// The soak's media library: a few hundred short tones of different lengths and formats
// (float and 16-bit WAV at 48/44.1/22.05 kHz, mono and stereo, and some MP3s made with the
// ffmpeg command), cheap to decode but each a distinct file the station must probe and open.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace onair::soak {

struct MediaFile {
  std::string rel;                      // path under the media root
  std::chrono::microseconds length{0};  // as FFmpeg probes it (what the planner uses)
};

struct Library {
  std::vector<MediaFile> jingles, items, fill;  // fill/ is the station's fill pool
  std::size_t size() const { return jingles.size() + items.size() + fill.size(); }
};

// Writes `files` files under `media_root` (10% jingles of 2-6 s, 50% programme items of
// 15-75 s, 40% fill of 40-120 s)
// and probes each. Deterministic for a given seed. Throws on failure.
Library make_library(const std::filesystem::path& media_root, int files, unsigned seed);

}  // namespace onair::soak
