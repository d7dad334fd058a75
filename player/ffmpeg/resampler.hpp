#pragma once
// libswresample wrapper: decoded frames of any sample format, rate and channel layout
// in, interleaved float at the output AudioFormat out.
#include <span>
#include <vector>

#include "player/pcm/audio_format.hpp"
#include "player/ffmpeg/handle.hpp"

namespace onair::ffmpeg {

// Throws FfmpegError naming the rate when a source claims one we cannot honestly play.
void require_plausible_rate(int hz);

class Resampler {
 public:
  // Configured for frames shaped like `like` (sample format, rate, channel layout).
  // A fresh Resampler starts with an empty filter history, which the decoder relies on
  // for exact cue-in (see decoder.cpp).
  Resampler(const AVFrame& like, AudioFormat out);
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Whether frame has the shape this resampler was configured for (streams can change
  // shape mid-way, e.g. a relay switching from mono to stereo).
  bool accepts(const AVFrame& frame) const noexcept;
  bool resamples() const noexcept { return in_rate_ != out_.sample_rate; }
  int in_rate() const noexcept { return in_rate_; }

  // Converts `count` input frames starting at `offset` within frame. The result stays
  // valid until the next call. Throws FfmpegError.
  std::span<const float> convert(const AVFrame& frame, int offset, int count);
  // Drains the filter's tail at the end of the input.
  std::span<const float> flush();

 private:
  std::span<const float> run(const std::uint8_t** in, int count);

  AudioFormat out_;
  SwrHandle swr_;
  // Owns an AVChannelLayout (custom-order layouts allocate).
  struct Layout {
    AVChannelLayout value{};
    Layout() = default;
    Layout(const Layout&) = delete;
    Layout& operator=(const Layout&) = delete;
    ~Layout() { av_channel_layout_uninit(&value); }
  };

  AVSampleFormat in_format_;
  int in_rate_;
  Layout in_layout_;
  std::vector<const std::uint8_t*> planes_;
  std::vector<float> buffer_;
};

}  // namespace onair::ffmpeg
