#include "player/monitor/aircheck_encoder.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

#include "player/ffmpeg/handle.hpp"

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
}

namespace onair::aircheck {
namespace {

constexpr int kChunk = 4096;        // input frames converted per step
constexpr int kIoBuffer = 64 * 1024;

const char* encoder_name(AirCheckFormat f) { return f == AirCheckFormat::mp3 ? "libmp3lame" : "libopus"; }
const char* muxer_name(AirCheckFormat f) { return f == AirCheckFormat::mp3 ? "mp3" : "ogg"; }

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

bool encoder_available(AirCheckFormat format) noexcept {
  return avcodec_find_encoder_by_name(encoder_name(format)) != nullptr;
}

struct EncodedFile::State {
  std::filesystem::path path;
  int fd = -1;
  int io_errno = 0;  // errno of the last failed write/seek
  AVIOContext* pb = nullptr;
  AVFormatContext* oc = nullptr;
  ffmpeg::CodecContext enc;
  AVStream* st = nullptr;
  ffmpeg::SwrHandle swr;
  AVAudioFifo* fifo = nullptr;
  ffmpeg::Frame frame;
  ffmpeg::Packet pkt;
  std::uint8_t** conv = nullptr;  // swr output, conv_capacity samples per channel
  int conv_capacity = 0;
  std::vector<float> zeros;  // kChunk frames of input silence
  AudioFormat input;
  int frame_size = 0;
  std::int64_t next_pts = 0;
  FrameCount frames_in = 0;

  ~State() {
    if (conv) {
      av_freep(&conv[0]);
      av_freep(&conv);
    }
    if (fifo) av_audio_fifo_free(fifo);
    if (oc) avformat_free_context(oc);  // custom I/O: does not touch pb
    if (pb) {
      av_freep(&pb->buffer);
      avio_context_free(&pb);
    }
    if (fd >= 0) ::close(fd);
  }

  static int write_cb(void* opaque, std::uint8_t* buf, int size) {
    auto* s = static_cast<State*>(opaque);
    int left = size;
    while (left > 0) {
      const ssize_t n = ::write(s->fd, buf, static_cast<std::size_t>(left));
      if (n < 0) {
        if (errno == EINTR) continue;
        s->io_errno = errno;
        return AVERROR(errno);
      }
      buf += n;
      left -= static_cast<int>(n);
    }
    return size;
  }

  static std::int64_t seek_cb(void* opaque, std::int64_t offset, int whence) {
    auto* s = static_cast<State*>(opaque);
    if (whence & AVSEEK_SIZE) {
      struct stat sb {};
      if (::fstat(s->fd, &sb) != 0) return AVERROR(errno);
      return sb.st_size;
    }
    const off_t r = ::lseek(s->fd, offset, whence & ~AVSEEK_FORCE);
    if (r < 0) {
      s->io_errno = errno;
      return AVERROR(errno);
    }
    return r;
  }

  [[noreturn]] void io_fail(std::string_view what) const {
    const std::string reason = io_errno ? std::strerror(io_errno) : av_error_text(pb ? pb->error : AVERROR(EIO));
    throw FfmpegError(std::string(what) + " " + path.string() + ": " + reason, pb ? pb->error : 0);
  }

  void check_io(std::string_view what) const {
    if (pb && pb->error < 0) io_fail(what);
  }

  void send(const AVFrame* f) {
    av_check(avcodec_send_frame(enc.get(), f), "encode");
    for (;;) {
      const int ret = avcodec_receive_packet(enc.get(), pkt.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) break;
      av_check(ret, "encode");
      av_packet_rescale_ts(pkt.get(), enc->time_base, st->time_base);
      pkt->stream_index = st->index;
      const int wr = av_write_frame(oc, pkt.get());
      av_packet_unref(pkt.get());
      if (wr < 0) {
        if (pb->error < 0) io_fail("write");
        av_check(wr, "mux " + path.string());
      }
      check_io("write");
    }
  }

  void encode_from_fifo(bool final) {
    while (av_audio_fifo_size(fifo) >= frame_size || (final && av_audio_fifo_size(fifo) > 0)) {
      const int n = std::min(av_audio_fifo_size(fifo), frame_size);
      frame->nb_samples = frame_size;
      av_check(av_frame_make_writable(frame.get()), "frame");
      if (av_audio_fifo_read(fifo, reinterpret_cast<void**>(frame->data), n) != n)
        throw FfmpegError("audio fifo read failed");
      frame->nb_samples = n;
      frame->pts = next_pts;
      next_pts += n;
      send(frame.get());
    }
  }

  void convert(const std::uint8_t** in, int n) {
    const int out = av_check(swr_convert(swr.get(), conv, conv_capacity, in, n), "resample");
    if (out > 0 && av_audio_fifo_write(fifo, reinterpret_cast<void**>(conv), out) < out)
      throw FfmpegError("audio fifo: out of memory");
  }
};

EncodedFile::EncodedFile(const std::filesystem::path& path, const EncoderParams& params)
    : s_(std::make_unique<State>()) {
  State& s = *s_;
  s.path = path;
  s.input = params.input;
  if (s.input.channels <= 0 || s.input.sample_rate <= 0) throw FfmpegError("air-check: bad input format");

  const AVCodec* codec = avcodec_find_encoder_by_name(encoder_name(params.format));
  if (!codec) throw FfmpegError(std::string("encoder ") + encoder_name(params.format) + " not available");
  s.enc = ffmpeg::CodecContext(avcodec_alloc_context3(codec));
  if (!s.enc) throw FfmpegError("avcodec_alloc_context3: out of memory");
  const int rate = pick_rate(*codec, s.input.sample_rate);
  const int channels = std::min(s.input.channels, 2);
  s.enc->sample_rate = rate;
  av_channel_layout_default(&s.enc->ch_layout, channels);
  s.enc->sample_fmt = pick_sample_format(*codec);
  s.enc->bit_rate = params.bitrate;
  s.enc->time_base = AVRational{1, rate};

  av_check(avformat_alloc_output_context2(&s.oc, nullptr, muxer_name(params.format), path.c_str()),
           "output format");
  if (s.oc->oformat->flags & AVFMT_GLOBALHEADER) s.enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av_check(avcodec_open2(s.enc.get(), codec, nullptr), std::string("open encoder ") + codec->name);
  s.frame_size = s.enc->frame_size > 0 ? s.enc->frame_size : 1024;

  s.st = avformat_new_stream(s.oc, nullptr);
  if (!s.st) throw FfmpegError("avformat_new_stream: out of memory");
  av_check(avcodec_parameters_from_context(s.st->codecpar, s.enc.get()), "stream parameters");
  s.st->time_base = s.enc->time_base;
  for (const auto& [key, value] : params.metadata) {
    av_dict_set(&s.oc->metadata, key.c_str(), value.c_str(), 0);
    av_dict_set(&s.st->metadata, key.c_str(), value.c_str(), 0);  // Ogg writes stream comments
  }

  // Resampler/rematrixer: interleaved float at the output's rate and channels in.
  AVChannelLayout in_layout{};
  av_channel_layout_default(&in_layout, s.input.channels);
  const int swr_ret = swr_alloc_set_opts2(s.swr.out(), &s.enc->ch_layout, s.enc->sample_fmt, rate, &in_layout,
                                          AV_SAMPLE_FMT_FLT, s.input.sample_rate, 0, nullptr);
  av_channel_layout_uninit(&in_layout);
  av_check(swr_ret, "resampler");
  av_check(swr_init(s.swr.get()), "resampler");
  s.conv_capacity = static_cast<int>(av_rescale_rnd(kChunk, rate, s.input.sample_rate, AV_ROUND_UP)) + 4096;
  av_check(av_samples_alloc_array_and_samples(&s.conv, nullptr, channels, s.conv_capacity, s.enc->sample_fmt, 0),
           "sample buffer");
  s.fifo = av_audio_fifo_alloc(s.enc->sample_fmt, channels, s.frame_size * 4);
  if (!s.fifo) throw FfmpegError("av_audio_fifo_alloc: out of memory");
  s.frame = ffmpeg::make_frame();
  s.frame->format = s.enc->sample_fmt;
  s.frame->sample_rate = rate;
  s.frame->nb_samples = s.frame_size;
  av_check(av_channel_layout_copy(&s.frame->ch_layout, &s.enc->ch_layout), "frame layout");
  av_check(av_frame_get_buffer(s.frame.get(), 0), "frame buffer");
  s.pkt = ffmpeg::make_packet();
  s.zeros.assign(static_cast<std::size_t>(kChunk) * static_cast<std::size_t>(s.input.channels), 0.0f);

  // The file itself, through our descriptor.
  s.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (s.fd < 0) throw std::system_error(errno, std::generic_category(), "create " + path.string());
  auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBuffer));
  if (!buffer) throw FfmpegError("av_malloc: out of memory");
  s.pb = avio_alloc_context(buffer, kIoBuffer, 1, &s, nullptr, &State::write_cb, &State::seek_cb);
  if (!s.pb) {
    av_free(buffer);
    throw FfmpegError("avio_alloc_context: out of memory");
  }
  s.pb->seekable = AVIO_SEEKABLE_NORMAL;  // MP3: the Xing/LAME header is completed at the end
  s.oc->pb = s.pb;
  s.oc->flags |= AVFMT_FLAG_CUSTOM_IO;
  AVDictionary* mux_options = nullptr;
  // Ogg holds packets until a page is full (1 s by default): shorter pages bound what a
  // crash can lose to a quarter second, for ~1 kbit/s of page headers.
  if (params.format == AirCheckFormat::opus) av_dict_set(&mux_options, "page_duration", "250000", 0);
  const int hdr = avformat_write_header(s.oc, &mux_options);
  av_dict_free(&mux_options);
  if (hdr < 0) {
    s.check_io("write header");
    av_check(hdr, "write header " + path.string());
  }
  flush();
}

EncodedFile::~EncodedFile() = default;

void EncodedFile::write(const float* interleaved, FrameCount frames) {
  State& s = *s_;
  while (frames > 0) {
    const int n = static_cast<int>(std::min<FrameCount>(frames, kChunk));
    const float* src = interleaved ? interleaved : s.zeros.data();
    const std::uint8_t* in[1] = {reinterpret_cast<const std::uint8_t*>(src)};
    s.convert(in, n);
    s.encode_from_fifo(false);
    s.frames_in += n;
    frames -= n;
    if (interleaved) interleaved += static_cast<std::size_t>(n) * static_cast<std::size_t>(s.input.channels);
  }
}

void EncodedFile::flush() {
  avio_flush(s_->pb);
  s_->check_io("write");
}

void EncodedFile::sync() {
  flush();
  if (::fdatasync(s_->fd) != 0) {
    s_->io_errno = errno;
    s_->io_fail("sync");
  }
}

void EncodedFile::finish() {
  State& s = *s_;
  if (s.fd < 0) return;
  s.convert(nullptr, 0);  // the resampler's tail
  s.encode_from_fifo(true);
  s.send(nullptr);  // drain the encoder
  const int ret = av_write_trailer(s.oc);
  if (ret < 0) {
    s.check_io("write trailer");
    av_check(ret, "write trailer " + s.path.string());
  }
  sync();
  const int fd = std::exchange(s.fd, -1);
  if (::close(fd) != 0) throw std::system_error(errno, std::generic_category(), "close " + s.path.string());
}

const std::filesystem::path& EncodedFile::path() const noexcept { return s_->path; }
FrameCount EncodedFile::frames_written() const noexcept { return s_->frames_in; }
int EncodedFile::encoder_sample_rate() const noexcept { return s_->enc->sample_rate; }
int EncodedFile::encoder_channels() const noexcept { return s_->enc->ch_layout.nb_channels; }

}  // namespace onair::aircheck
