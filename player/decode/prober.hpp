#pragma once
// MediaProber backed by FFmpeg: can the file be played, and for exactly how long.
#include <chrono>
#include <filesystem>
#include <functional>

#include "scheduler/media_info.hpp"

namespace onair {

struct ProberOptions {
  std::chrono::milliseconds io_timeout{5'000};    // per blocking open/read
  std::chrono::milliseconds scan_budget{60'000};  // whole-file measurement, then estimate
  // Measure every file by demuxing all of its packets (no decoding). Header durations
  // lie too often for a station that must be on time: VBR MP3s without a Xing header,
  // truncated files whose Xing/STREAMINFO header still claims the full length, MP3
  // durations that include encoder delay/padding. When false, only durations FFmpeg
  // itself estimated from the bitrate are measured.
  bool measure_all = true;
  // Packets tried while looking for one that decodes ("opens but can't decode").
  int decode_check_packets = 64;
  // Loudness scans report their progress here (e.g. to a terminal): the file, the audio
  // measured so far and the length of the range (0 when unknown).
  std::function<void(const std::filesystem::path&, std::chrono::microseconds done, std::chrono::microseconds total)>
      measure_progress;
};

class FfmpegProber final : public MediaProber {
 public:
  explicit FfmpegProber(ProberOptions options = {});
  // Never throws for media problems: they come back as ok=false with a reason.
  MediaInfo probe(const std::filesystem::path& file) override;
  // Decodes the range and measures it (player/loudness/scan); failures are logged.
  std::optional<LoudnessMeasure> measure(const std::filesystem::path& file, CueRange range) override;

 private:
  ProberOptions options_;
};

}  // namespace onair
