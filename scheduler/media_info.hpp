#pragma once
// What the scheduler needs to know about a media file, and the narrow interface
// through which it asks. The FFmpeg implementation lives in player/; tests use fakes.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace onair {

struct MediaInfo {
  bool ok = false;                 // false: cannot be opened or decoded (see error)
  std::string error;               // a clear reason, e.g. "no audio stream", "invalid data"
  std::chrono::microseconds duration{0};
  // True when the duration could not be measured and is only an estimate.
  bool duration_estimated = false;
  // Set when the container header's duration was wrong (e.g. a VBR MP3 without a Xing
  // header) and the real duration was measured by scanning: what the header claimed.
  std::optional<std::chrono::microseconds> header_duration;
  int sample_rate = 0;
  int channels = 0;
  std::string codec;               // e.g. "mp3"
};

class MediaProber {
 public:
  virtual ~MediaProber() = default;
  virtual MediaInfo probe(const std::filesystem::path& file) = 0;
};

}  // namespace onair
