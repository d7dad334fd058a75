#include "player/ffmpeg/input.hpp"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <vector>
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
  const auto scheme = url.substr(0, colon);
  // "/media/a://b" is a file whose name holds "://", not a URL.
  for (const char c : scheme)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  return scheme != "file";
}

namespace {

// What FFmpeg may open. A media file is read through the file protocol alone; a relay
// through HTTP(S) and what HLS over HTTP(S) needs (segments, AES-128 keys). Without a
// whitelist a playlist could name any protocol FFmpeg knows (file, pipe, fd, udp...).
constexpr const char* kFileProtocols = "file";
constexpr const char* kNetworkProtocols = "http,https,tls,tcp,crypto,httpproxy";

// Demuxers that read other files or URLs named inside the file: a local playlist would
// reach past the media root. Refused for media files (a relay may still be HLS).
constexpr std::string_view kIndirectDemuxers[] = {"hls", "concat", "dash", "imf", "sdp", "rtsp", "rtp",
                                                  "tee", "lavfi", "avisynth", "vapoursynth", "image2"};

bool is_indirect(std::string_view names) {
  // A demuxer's name may list aliases: "mov,mp4,m4a,3gp,3g2,mj2".
  std::size_t start = 0;
  while (start <= names.size()) {
    auto end = names.find(',', start);
    if (end == std::string_view::npos) end = names.size();
    const auto name = names.substr(start, end - start);
    for (const auto bad : kIndirectDemuxers)
      if (name == bad) return true;
    start = end + 1;
  }
  return false;
}

// Every demuxer but the indirect ones, as FFmpeg's format_whitelist wants it; nested
// inputs (concat's) inherit it.
const std::string& self_contained_demuxers() {
  static const std::string list = [] {
    std::string out;
    void* it = nullptr;
    while (const AVInputFormat* f = av_demuxer_iterate(&it)) {
      if (is_indirect(f->name)) continue;
      if (!out.empty()) out += ',';
      out += f->name;
    }
    return out;
  }();
  return list;
}

// The first bytes of a local file, probed as avformat_open_input would, so that a
// playlist is refused by name before any demuxer runs.
const AVInputFormat* probe_local(const std::string& path) {
  std::vector<unsigned char> buf(4096 + AVPROBE_PADDING_SIZE, 0);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return nullptr;
  const std::size_t n = std::fread(buf.data(), 1, 4096, f);
  std::fclose(f);
  AVProbeData pd{};
  pd.filename = path.c_str();
  pd.buf = buf.data();
  pd.buf_size = static_cast<int>(n);
  return av_probe_input_format(&pd, 1);
}

}  // namespace

// Any URL a demuxer opens besides the input itself (playlist entries, references, other
// files) is refused: onair plays self-contained media files only.
struct Input::Nested {
  std::string url;
  int (*open_default)(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) = nullptr;
  std::string refused;  // the first URL refused

  static int open(AVFormatContext* s, AVIOContext** pb, const char* url, int flags, AVDictionary** options) {
    auto* self = static_cast<Nested*>(s->opaque);
    if (url && self->url == url) return self->open_default(s, pb, url, flags, options);
    if (self->refused.empty()) self->refused = url ? url : "?";
    return AVERROR(EPERM);
  }
};

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
    if (std::filesystem::is_fifo(status)) throw FfmpegError("open: a FIFO (named pipe), not a regular file");
    if (std::filesystem::is_character_file(status) || std::filesystem::is_block_file(status))
      throw FfmpegError("open: a device, not a regular file");
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
      throw FfmpegError("open: not a regular file");
    if (const AVInputFormat* f = probe_local(url); f && is_indirect(f->name))
      throw FfmpegError(std::string("open: refused: a ") + f->name +
                        " playlist/reference file names other files or URLs; onair plays only "
                        "self-contained media files (a playlist could reach past the media root)");
  }
  interrupt_->timeout = options.io_timeout;
  interrupt_->stop = std::move(options.stop);

  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw FfmpegError("avformat_alloc_context: out of memory");
  raw->interrupt_callback = {&Interrupt::callback, interrupt_.get()};

  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "protocol_whitelist", network_ ? kNetworkProtocols : kFileProtocols, 0);
  if (!network_) {
    av_dict_set(&opts, "format_whitelist", self_contained_demuxers().c_str(), 0);
    nested_ = std::make_unique<Nested>();
    nested_->url = url;
    nested_->open_default = raw->io_open;
    raw->opaque = nested_.get();
    raw->io_open = &Nested::open;
  }
  if (network_) {
    // Socket-level timeout too, so a stalled TCP read returns even between polls.
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(options.io_timeout);
    av_dict_set(&opts, "rw_timeout", std::to_string(us.count()).c_str(), 0);
  }
  arm();
  const int ret = avformat_open_input(&raw, url.c_str(), nullptr, &opts);  // frees raw on error
  av_dict_free(&opts);
  if (ret < 0 && nested_ && !nested_->refused.empty())
    throw FfmpegError("open: refused: the file names another file or URL (" + nested_->refused +
                          "); onair plays only self-contained media files",
                      ret);
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
