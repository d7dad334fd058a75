#pragma once
// What the scheduler needs to know about a media file, and the narrow interface
// through which it asks. The FFmpeg implementation lives in player/; tests use fakes.
#include <chrono>
#include <compare>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace onair {

// ITU-R BS.1770-4 / EBU R128 measurement of (part of) a file. Digital silence (nothing
// above the -70 LUFS gate) measures integrated -inf, range 0; all-zero samples peak at -inf.
struct LoudnessMeasure {
  double integrated_lufs = 0.0;
  double range_lu = 0.0;
  double true_peak_dbtp = 0.0;  // max over channels, 20*log10 of the 4x-oversampled peak
};

// The part of a file an item plays: its cue range, in microseconds of the source.
// out_us < 0: to the end. Keys the measurements of one file (items cue it differently).
struct CueRange {
  std::int64_t in_us = 0;
  std::int64_t out_us = -1;
  friend auto operator<=>(const CueRange&, const CueRange&) = default;
};

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
  // Loudness of the cue ranges measured so far (only for items with `loudness:` on).
  std::map<CueRange, LoudnessMeasure> loudness;
};

class MediaProber {
 public:
  virtual ~MediaProber() = default;
  virtual MediaInfo probe(const std::filesystem::path& file) = 0;
  // Measures the loudness of `range` of a file that probed ok. nullopt: this prober
  // cannot measure, or the file could not be decoded over the range (the caller then
  // leaves it to the output processor's AGC).
  virtual std::optional<LoudnessMeasure> measure(const std::filesystem::path& /*file*/, CueRange /*range*/) {
    return std::nullopt;
  }
};

}  // namespace onair
