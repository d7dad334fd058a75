#include "player/ffmpeg/input.hpp"

#include <filesystem>
#include <limits>
#include <system_error>

#include "player/ffmpeg/log_bridge.hpp"

namespace onair::ffmpeg {

using Clock = std::chrono::steady_clock;

struct Input::Interrupt {
  enum class Why { none, timeout, budget, stopped };

  std::chrono::milliseconds timeout;
  std::stop_token stop;
  Clock::time_point op_deadline = Clock::time_point::max();
  Clock::time_point overall_deadline = Clock::time_point::max();
  Why why = Why::none;

  // Called by FFmpeg on the thread that made the blocking call; non-zero aborts it.
  static int callback(void* opaque) noexcept {
    auto* self = static_cast<Interrupt*>(opaque);
    if (self->stop.stop_requested()) {
      self->why = Why::stopped;
      return 1;
    }
    const auto now = Clock::now();
    if (now >= self->op_deadline) {
      self->why = Why::timeout;
      return 1;
    }
    if (now >= self->overall_deadline) {
      self->why = Why::budget;
      return 1;
    }
    return 0;
  }
};

bool is_network_url(std::string_view url) noexcept {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  return url.substr(0, colon) != "file";
}

bool container_states_exact_end(const AVFormatContext& ctx) noexcept {
  const std::string_view name = ctx.iformat->name;
  return name.find("mov") != std::string_view::npos || name.find("mp4") != std::string_view::npos;
}

Input::Input(const std::string& url, InputOptions options)
    : interrupt_(std::make_unique<Interrupt>()), network_(is_network_url(url)) {
  install_log_bridge();
  if (!network_) {
    // open(2) on a FIFO or device can block forever, out of the interrupt callback's reach.
    std::error_code ec;
    const auto status = std::filesystem::status(url, ec);
    if (std::filesystem::is_directory(status)) throw FfmpegError("open: is a directory");
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
      throw FfmpegError("open: not a regular file");
  }
  interrupt_->timeout = options.io_timeout;
  interrupt_->stop = std::move(options.stop);

  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw FfmpegError("avformat_alloc_context: out of memory");
  raw->interrupt_callback = {&Interrupt::callback, interrupt_.get()};

  AVDictionary* opts = nullptr;
  if (network_) {
    // Socket-level timeout too, so a stalled TCP read returns even between polls.
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(options.io_timeout);
    av_dict_set(&opts, "rw_timeout", std::to_string(us.count()).c_str(), 0);
  }
  arm();
  const int ret = avformat_open_input(&raw, url.c_str(), nullptr, &opts);  // frees raw on error
  av_dict_free(&opts);
  if (ret < 0) fail(ret, "open");
  ctx_.reset(raw);

  arm();
  if (const int r = avformat_find_stream_info(raw, nullptr); r < 0) fail(r, "read stream info");

  audio_ = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (audio_ < 0) {
    // Name what FFmpeg took the bytes for: random data can pass its format probe.
    bool unusable_audio = false;
    for (unsigned i = 0; i < raw->nb_streams; ++i)
      unusable_audio |= raw->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
    const std::string as = std::string("read as ") + raw->iformat->name;
    throw FfmpegError(unusable_audio ? "no playable audio stream (" + as +
                                           ", but no sample rate or channel count found)"
                                     : "no audio stream (" + as + ")",
                      audio_);
  }
  for (unsigned i = 0; i < raw->nb_streams; ++i) {
    if (static_cast<int>(i) != audio_) raw->streams[i]->discard = AVDISCARD_ALL;
  }
}

Input::Input(Input&&) noexcept = default;
Input& Input::operator=(Input&&) noexcept = default;
// The format context goes first: closing it may still poll the interrupt callback.
Input::~Input() { ctx_.reset(); }

void Input::arm() noexcept {
  interrupt_->why = Interrupt::Why::none;
  interrupt_->op_deadline = Clock::now() + interrupt_->timeout;
}

void Input::set_overall_deadline(Clock::time_point deadline) noexcept {
  interrupt_->overall_deadline = deadline;
}

void Input::fail(int ret, std::string_view what) const {
  // FFmpeg reports our interrupt as AVERROR_EXIT ("Immediate exit requested"), or as a
  // protocol timeout; say which of our reasons it was instead.
  std::string text(what);
  if (interrupt_->why == Interrupt::Why::stopped) {
    text += ": stopped";
  } else if (interrupt_->why == Interrupt::Why::budget) {
    text += ": time budget exceeded";
  } else if (interrupt_->why == Interrupt::Why::timeout || ret == AVERROR(ETIMEDOUT)) {
    text += ": timed out after " + std::to_string(interrupt_->timeout.count()) + " ms";
  } else if (what == "open" && (ret == AVERROR_INVALIDDATA || ret == AVERROR(EINVAL))) {
    // What FFmpeg says when no demuxer recognises the bytes (or one gives up on them).
    text += ": not a readable media file (" + av_error_text(ret) + ")";
  } else {
    text += ": " + av_error_text(ret);
  }
  throw FfmpegError(text, ret);
}

bool Input::read(AVPacket* pkt) {
  for (;;) {
    av_packet_unref(pkt);
    arm();
    const int ret = av_read_frame(ctx_.get(), pkt);
    if (ret == AVERROR_EOF) return false;
    if (ret < 0) {
      // Demuxers report garbage at the very end of a local file as an error; that is
      // the end of the audio, not a failure of it.
      const bool at_eof = ctx_->pb && avio_feof(ctx_->pb) && interrupt_->why == Interrupt::Why::none;
      const int io_error = ctx_->pb ? ctx_->pb->error : 0;
      // A demuxer complaining about a cut-off last packet: the audio simply ends there.
      if (at_eof && (io_error == 0 || io_error == AVERROR_EOF)) return false;
      // FFmpeg's HTTP client reports a server closing a stream of unknown length as EIO
      // ("Stream ends prematurely"): for a relay that is the stream's end, not a fault.
      if (at_eof && network_ && io_error == AVERROR(EIO)) {
        decode_log()->info("{}: the server closed the stream", ctx_->url ? ctx_->url : "stream");
        return false;
      }
      fail(ret, "read");
    }
    if (pkt->stream_index == audio_) return true;
  }
}

bool Input::seek_before(std::int64_t ts) {
  arm();
  const int ret = avformat_seek_file(ctx_.get(), audio_, std::numeric_limits<std::int64_t>::min(),
                                     ts, ts, 0);
  if (ret < 0 && interrupt_->why != Interrupt::Why::none) fail(ret, "seek");
  return ret >= 0;
}

}  // namespace onair::ffmpeg
