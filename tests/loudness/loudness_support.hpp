#pragma once
// Helpers for the loudness tests: audio generated with ffmpeg and espeak-ng (never
// committed), measured with libebur128, and a sink that keeps what it is given.
#include <filesystem>
#include <string>
#include <vector>

#include "player/output/output.hpp"

namespace onair::test {

// Interleaved float audio at 48 kHz (or `rate`) and `channels`.
struct Audio {
  int rate = 48000;
  int channels = 2;
  std::vector<float> samples;
  long frames() const { return static_cast<long>(samples.size()) / channels; }
  float* frame(long i) { return samples.data() + i * channels; }
  const float* frame(long i) const { return samples.data() + i * channels; }
};

// Decodes whatever ffmpeg reads from `input_args` (e.g. "-f lavfi -i anoisesrc=...") to
// interleaved float. Throws on failure.
Audio ffmpeg_audio(const std::string& input_args, int rate = 48000, int channels = 2,
                   const std::string& filters = "");
// Pink noise from ffmpeg's anoisesrc, `seconds` long.
Audio pink_noise(double seconds, int seed = 1, int rate = 48000);
// Vietnamese speech from espeak-ng, looped to `seconds`.
Audio speech(double seconds);

// libebur128 on a whole buffer.
double integrated_lufs(const Audio& a);
double true_peak_dbtp(const Audio& a);  // largest over the channels
// Short-term loudness (3 s) ending at frame `end`.
double shortterm_lufs(const Audio& a, long end);

// ffmpeg's ebur128 filter (peak=true): the summary's true peak in dBFS.
double ffmpeg_true_peak_dbtp(const Audio& a);

// Scales in place so that integrated loudness is `lufs`.
void scale_to_lufs(Audio& a, double lufs);

// A free-running sink that keeps every frame written.
class CaptureOutput final : public Output {
 public:
  AudioFormat open(const AudioFormat& requested) override {
    format = requested;
    ++opens;
    return format;
  }
  void write(const float* interleaved, FrameCount frames) override {
    samples.insert(samples.end(), interleaved, interleaved + frames * format.channels);
    ++writes;
  }
  void drain() override { ++drains; }
  void close() override { ++closes; }
  std::optional<OutputStamp> stamp() const override { return std::nullopt; }
  OutputStats stats() const override { return {}; }
  bool realtime() const override { return false; }
  std::string describe() const override { return "capture"; }

  AudioFormat format;
  std::vector<float> samples;
  int opens = 0, writes = 0, drains = 0, closes = 0;
};

}  // namespace onair::test
