#pragma once
// Measures a file's loudness (ITU-R BS.1770-4 / EBU R128 with libebur128) over a cue
// range: decoded with our Decoder at the file's own rate and channel count (what
// ffmpeg's ebur128 filter measures), fed chunk by chunk in histogram mode, so memory
// stays constant whatever the length.
#include <chrono>
#include <filesystem>
#include <functional>
#include <stop_token>

#include "scheduler/media_info.hpp"

namespace onair {

struct ScanOptions {
  // Called now and then with the audio measured so far and the range's length (0 when
  // unknown): lets a terminal show progress on a long first scan.
  std::function<void(std::chrono::microseconds done, std::chrono::microseconds total)> progress;
  std::chrono::milliseconds io_timeout{10'000};
  std::stop_token stop;
};

// Throws FfmpegError (cannot be decoded) or std::runtime_error (libebur128 failed).
LoudnessMeasure scan_loudness(const std::filesystem::path& file, CueRange range, const ScanOptions& options = {});

}  // namespace onair
