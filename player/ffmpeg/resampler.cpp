#include "player/ffmpeg/resampler.hpp"

#include <fmt/format.h>

extern "C" {
#include <libavutil/opt.h>
}

namespace onair::ffmpeg {
namespace {

// Frames can arrive with an unspecified layout (WAV without a channel mask); assume
// the default layout for their channel count, which is what FFmpeg's tools do.
void layout_of(const AVFrame& frame, AVChannelLayout& layout) {
  if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame.ch_layout.nb_channels == 0) {
    av_channel_layout_default(&layout, frame.ch_layout.nb_channels);
  } else {
    av_channel_layout_copy(&layout, &frame.ch_layout);
  }
}

}  // namespace

void require_plausible_rate(int hz) {
  if (!plausible_source_rate(hz))
    throw FfmpegError(fmt::format("unsupported sample rate {} Hz (playable: {} to {} Hz)", hz, kMinSourceRate,
                                  kMaxSourceRate));
}

Resampler::Resampler(const AVFrame& like, AudioFormat out)
    : out_(out),
      in_format_(static_cast<AVSampleFormat>(like.format)),
      in_rate_(like.sample_rate) {
  layout_of(like, in_layout_.value);
  AVChannelLayout& in_layout = in_layout_.value;
  if (in_layout.nb_channels <= 0) throw FfmpegError("decoded audio has no channels");
  if (in_rate_ <= 0) throw FfmpegError("decoded audio has no sample rate");
  require_plausible_rate(in_rate_);
  AVChannelLayout out_layout{};
  av_channel_layout_default(&out_layout, out.channels);
  const int ret = swr_alloc_set_opts2(swr_.out(), &out_layout, AV_SAMPLE_FMT_FLT, out.sample_rate,
                                      &in_layout, in_format_, in_rate_, 0, nullptr);
  av_channel_layout_uninit(&out_layout);
  av_check(ret, "configure resampler");
  // Exact rational ratios make the filter phase repeat every in/gcd input samples,
  // which is what lets a cue-in started mid-file reproduce a from-the-start decode.
  av_opt_set_int(swr_.get(), "exact_rational", 1, 0);
  if (in_layout.nb_channels == 1 && out.channels == 2) {
    // Mono plays at full level on both sides (broadcast convention), not at the -3 dB
    // per side that swresample's default power-preserving matrix would give.
    const double matrix[2] = {1.0, 1.0};
    av_check(swr_set_matrix(swr_.get(), matrix, 1), "set mono matrix");
  }
  av_check(swr_init(swr_.get()), "initialise resampler");
  planes_.resize(av_sample_fmt_is_planar(in_format_) ? in_layout.nb_channels : 1);
}

bool Resampler::accepts(const AVFrame& frame) const noexcept {
  if (frame.format != in_format_ || frame.sample_rate != in_rate_) return false;
  Layout layout;
  layout_of(frame, layout.value);
  return av_channel_layout_compare(&layout.value, &in_layout_.value) == 0;
}

std::span<const float> Resampler::convert(const AVFrame& frame, int offset, int count) {
  const bool planar = av_sample_fmt_is_planar(in_format_);
  const int stride = av_get_bytes_per_sample(in_format_) * (planar ? 1 : in_layout_.value.nb_channels);
  for (std::size_t p = 0; p < planes_.size(); ++p)
    planes_[p] = frame.extended_data[p] + static_cast<std::ptrdiff_t>(offset) * stride;
  return run(planes_.data(), count);
}

std::span<const float> Resampler::flush() { return run(nullptr, 0); }

std::span<const float> Resampler::run(const std::uint8_t** in, int count) {
  const int capacity = swr_get_out_samples(swr_.get(), count);
  av_check(capacity, "resampler size");
  const std::size_t needed = static_cast<std::size_t>(capacity) * out_.channels;
  if (buffer_.size() < needed) buffer_.resize(needed);
  auto* out = reinterpret_cast<std::uint8_t*>(buffer_.data());
  const int produced = av_check(swr_convert(swr_.get(), &out, capacity, in, count), "resample");
  return {buffer_.data(), static_cast<std::size_t>(produced) * out_.channels};
}

}  // namespace onair::ffmpeg
