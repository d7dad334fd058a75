#include "player/monitor/aircheck_encoder.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "player/ffmpeg/audio_encoder.hpp"


namespace onair::aircheck {
namespace {

constexpr int kIoBuffer = 64 * 1024;

const char* encoder_name(AirCheckFormat f) { return f == AirCheckFormat::mp3 ? "libmp3lame" : "libopus"; }
const char* muxer_name(AirCheckFormat f) { return f == AirCheckFormat::mp3 ? "mp3" : "ogg"; }

}  // namespace

bool encoder_available(AirCheckFormat format) noexcept { return ffmpeg::AudioEncoder::available(encoder_name(format)); }

struct EncodedFile::State {
  std::filesystem::path path;
  int fd = -1;
  int io_errno = 0;  // errno of the last failed write/seek
  AVIOContext* pb = nullptr;
  AVFormatContext* oc = nullptr;
  std::unique_ptr<ffmpeg::AudioEncoder> enc;
  AVStream* st = nullptr;
  ffmpeg::AudioEncoder::PacketSink mux;  // into the file
  AudioFormat input;
  FrameCount frames_in = 0;

  ~State() {
    enc.reset();
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

  void write_packet(AVPacket* pkt) {
    av_packet_rescale_ts(pkt, enc->context()->time_base, st->time_base);
    pkt->stream_index = st->index;
    const int wr = av_write_frame(oc, pkt);
    if (wr < 0) {
      if (pb->error < 0) io_fail("write");
      av_check(wr, "mux " + path.string());
    }
    check_io("write");
  }
};

EncodedFile::EncodedFile(const std::filesystem::path& path, const EncoderParams& params)
    : s_(std::make_unique<State>()) {
  State& s = *s_;
  s.path = path;
  s.input = params.input;
  if (s.input.channels <= 0 || s.input.sample_rate <= 0) throw FfmpegError("air-check: bad input format");

  av_check(avformat_alloc_output_context2(&s.oc, nullptr, muxer_name(params.format), path.c_str()),
           "output format");
  s.enc = std::make_unique<ffmpeg::AudioEncoder>(encoder_name(params.format), s.input, std::min(s.input.channels, 2),
                                                 params.bitrate, (s.oc->oformat->flags & AVFMT_GLOBALHEADER) != 0);
  s.st = avformat_new_stream(s.oc, nullptr);
  if (!s.st) throw FfmpegError("avformat_new_stream: out of memory");
  av_check(avcodec_parameters_from_context(s.st->codecpar, s.enc->context()), "stream parameters");
  s.st->time_base = s.enc->context()->time_base;
  for (const auto& [key, value] : params.metadata) {
    av_dict_set(&s.oc->metadata, key.c_str(), value.c_str(), 0);
    av_dict_set(&s.st->metadata, key.c_str(), value.c_str(), 0);  // Ogg writes stream comments
  }
  State* self = &s;
  s.mux = [self](AVPacket* pkt) { self->write_packet(pkt); };

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
  s_->enc->write(interleaved, frames, s_->mux);
  s_->frames_in += frames;
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
  s.enc->finish(s.mux);
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
int EncodedFile::encoder_sample_rate() const noexcept { return s_->enc->context()->sample_rate; }
int EncodedFile::encoder_channels() const noexcept { return s_->enc->context()->ch_layout.nb_channels; }

}  // namespace onair::aircheck
