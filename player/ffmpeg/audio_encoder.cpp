#include "player/ffmpeg/audio_encoder.hpp"

#include <algorithm>
#include <string>

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
}

namespace onair::ffmpeg {

namespace {

constexpr int kChunk = 4096;  // input frames converted per step

int pick_rate(const AVCodec& codec, int in) {
  if (!codec.supported_samplerates) return in;
  int fallback = 0;
  for (const int* p = codec.supported_samplerates; *p; ++p) {
    if (*p == in) return in;
    if (*p == 48000) fallback = 48000;
  }
  return fallback ? fallback : codec.supported_samplerates[0];
}

AVSampleFormat pick_sample_format(const AVCodec& codec) {
  if (!codec.sample_fmts) return AV_SAMPLE_FMT_FLTP;
  for (const AVSampleFormat want : {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT})
    for (const AVSampleFormat* p = codec.sample_fmts; *p != AV_SAMPLE_FMT_NONE; ++p)
      if (*p == want) return want;
  return codec.sample_fmts[0];
}

}  // namespace

bool AudioEncoder::available(const char* encoder) noexcept { return avcodec_find_encoder_by_name(encoder) != nullptr; }

AudioEncoder::AudioEncoder(const char* encoder, AudioFormat input, int channels, int bitrate, bool global_header)
    : input_(input) {
  if (input.channels <= 0 || input.sample_rate <= 0) throw FfmpegError("encoder: bad input format");
  const AVCodec* codec = avcodec_find_encoder_by_name(encoder);
  if (!codec) throw FfmpegError(std::string("encoder ") + encoder + " not available");
  enc_ = CodecContext(avcodec_alloc_context3(codec));
  if (!enc_) throw FfmpegError("avcodec_alloc_context3: out of memory");
  const int rate = pick_rate(*codec, input.sample_rate);
  channels = std::clamp(channels, 1, 2);
  enc_->sample_rate = rate;
  av_channel_layout_default(&enc_->ch_layout, channels);
  enc_->sample_fmt = pick_sample_format(*codec);
  enc_->bit_rate = bitrate;
  enc_->time_base = AVRational{1, rate};
  if (global_header) enc_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av_check(avcodec_open2(enc_.get(), codec, nullptr), std::string("open encoder ") + codec->name);
  frame_size_ = enc_->frame_size > 0 ? enc_->frame_size : 1024;

  AVChannelLayout in_layout{};
  av_channel_layout_default(&in_layout, input.channels);
  const int swr_ret = swr_alloc_set_opts2(swr_.out(), &enc_->ch_layout, enc_->sample_fmt, rate, &in_layout,
                                          AV_SAMPLE_FMT_FLT, input.sample_rate, 0, nullptr);
  av_channel_layout_uninit(&in_layout);
  av_check(swr_ret, "resampler");
  av_check(swr_init(swr_.get()), "resampler");
  conv_capacity_ = static_cast<int>(av_rescale_rnd(kChunk, rate, input.sample_rate, AV_ROUND_UP)) + 4096;
  av_check(av_samples_alloc_array_and_samples(&conv_, nullptr, channels, conv_capacity_, enc_->sample_fmt, 0),
           "sample buffer");
  fifo_ = av_audio_fifo_alloc(enc_->sample_fmt, channels, frame_size_ * 4);
  if (!fifo_) throw FfmpegError("av_audio_fifo_alloc: out of memory");
  frame_ = make_frame();
  frame_->format = enc_->sample_fmt;
  frame_->sample_rate = rate;
  frame_->nb_samples = frame_size_;
  av_check(av_channel_layout_copy(&frame_->ch_layout, &enc_->ch_layout), "frame layout");
  av_check(av_frame_get_buffer(frame_.get(), 0), "frame buffer");
  pkt_ = make_packet();
  zeros_.assign(static_cast<std::size_t>(kChunk) * static_cast<std::size_t>(input.channels), 0.0f);
}

AudioEncoder::~AudioEncoder() {
  if (conv_) {
    av_freep(&conv_[0]);
    av_freep(&conv_);
  }
  if (fifo_) av_audio_fifo_free(fifo_);
}

void AudioEncoder::send(const AVFrame* f, const PacketSink& sink) {
  av_check(avcodec_send_frame(enc_.get(), f), "encode");
  for (;;) {
    const int ret = avcodec_receive_packet(enc_.get(), pkt_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) break;
    av_check(ret, "encode");
    sink(pkt_.get());
    av_packet_unref(pkt_.get());
  }
}

void AudioEncoder::encode_from_fifo(bool final, const PacketSink& sink) {
  while (av_audio_fifo_size(fifo_) >= frame_size_ || (final && av_audio_fifo_size(fifo_) > 0)) {
    const int n = std::min(av_audio_fifo_size(fifo_), frame_size_);
    frame_->nb_samples = frame_size_;
    av_check(av_frame_make_writable(frame_.get()), "frame");
    if (av_audio_fifo_read(fifo_, reinterpret_cast<void**>(frame_->data), n) != n)
      throw FfmpegError("audio fifo read failed");
    frame_->nb_samples = n;
    frame_->pts = next_pts_;
    next_pts_ += n;
    send(frame_.get(), sink);
  }
}

void AudioEncoder::convert(const std::uint8_t** in, int n) {
  const int out = av_check(swr_convert(swr_.get(), conv_, conv_capacity_, in, n), "resample");
  if (out > 0 && av_audio_fifo_write(fifo_, reinterpret_cast<void**>(conv_), out) < out)
    throw FfmpegError("audio fifo: out of memory");
}

void AudioEncoder::write(const float* interleaved, FrameCount frames, const PacketSink& sink) {
  while (frames > 0) {
    const int n = static_cast<int>(std::min<FrameCount>(frames, kChunk));
    const float* src = interleaved ? interleaved : zeros_.data();
    const std::uint8_t* in[1] = {reinterpret_cast<const std::uint8_t*>(src)};
    convert(in, n);
    encode_from_fifo(false, sink);
    frames -= n;
    if (interleaved) interleaved += static_cast<std::size_t>(n) * static_cast<std::size_t>(input_.channels);
  }
}

void AudioEncoder::finish(const PacketSink& sink) {
  convert(nullptr, 0);  // the resampler's tail
  encode_from_fifo(true, sink);
  send(nullptr, sink);  // drain the encoder
}

}  // namespace onair::ffmpeg
