#pragma once
// Shared by the decoder tests: whole-item decoding into a buffer, simple signal checks
// and media generation with the ffmpeg/sox command-line tools.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "player/decode/decoder.hpp"
#include "support/test_media.hpp"

namespace onair::test {

struct Decoded {
  std::vector<float> samples;  // interleaved
  FrameCount frames = 0;
  DecodeEnd end = DecodeEnd::none;
  std::string error;
  DecodeStats stats;
};

// Reads a whole item in engine-sized blocks (odd size on purpose: no alignment luck).
inline Decoded decode_all(const std::filesystem::path& file, AudioFormat format = {},
                          DecoderOptions options = {}, FrameCount block = 1000) {
  Decoder decoder(file.string(), format, std::move(options));
  Decoded out;
  std::vector<float> buf(static_cast<std::size_t>(block * format.channels));
  while (const FrameCount n = decoder.read(buf.data(), block)) {
    out.samples.insert(out.samples.end(), buf.begin(), buf.begin() + n * format.channels);
    out.frames += n;
  }
  out.end = decoder.end();
  out.error = decoder.error();
  out.stats = decoder.stats();
  return out;
}

// Runs an ffmpeg command line (arguments after the common flags); throws on failure.
inline void ffmpeg(const std::string& args) {
  const std::string cmd = "ffmpeg -nostdin -hide_banner -loglevel error -y " + args;
  if (run(cmd) != 0) throw std::runtime_error("ffmpeg failed: " + cmd);
}

inline std::string q(const std::filesystem::path& p) { return shell_quote(p.string()); }

// Root mean square of one channel.
inline double rms(const std::vector<float>& s, int channels, int channel, std::size_t from_frame = 0) {
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = from_frame * channels + channel; i < s.size(); i += channels, ++n) sum += s[i] * s[i];
  return n ? std::sqrt(sum / static_cast<double>(n)) : 0.0;
}

// Estimated frequency of one channel from its rising zero crossings.
inline double frequency(const std::vector<float>& s, int channels, int rate, int channel = 0) {
  int crossings = 0;
  std::size_t first = 0, last = 0;
  for (std::size_t i = channels + channel; i < s.size(); i += channels) {
    if (s[i - channels] < 0 && s[i] >= 0) {
      if (crossings == 0) first = i / channels;
      last = i / channels;
      ++crossings;
    }
  }
  if (crossings < 2) return 0;
  return (crossings - 1) * static_cast<double>(rate) / static_cast<double>(last - first);
}

}  // namespace onair::test
