#include "player/output/stream/encoder.hpp"

#include <algorithm>
#include <vector>

#include "player/ffmpeg/audio_encoder.hpp"

namespace onair {

namespace {

constexpr int kIoBuffer = 16 * 1024;


}  // namespace

bool stream_encoder_available(StreamCodec codec) noexcept { return ffmpeg::AudioEncoder::available(encoder_name(codec).data()); }

struct StreamEncoder::State {
  StreamEncoderParams params;
  AVIOContext* pb = nullptr;
  AVFormatContext* oc = nullptr;
  std::unique_ptr<ffmpeg::AudioEncoder> enc;
  AVStream* st = nullptr;
  ffmpeg::AudioEncoder::PacketSink mux;
  bool sink_failed = false;

  ~State() {
    enc.reset();
    if (oc) avformat_free_context(oc);  // custom I/O: does not touch pb
    if (pb) {
      av_freep(&pb->buffer);
      avio_context_free(&pb);
    }
  }

  static int write_cb(void* opaque, std::uint8_t* buf, int size) {
    auto* s = static_cast<State*>(opaque);
    if (s->sink_failed || !s->params.sink(buf, static_cast<std::size_t>(size))) {
      s->sink_failed = true;
      return AVERROR(EPIPE);
    }
    return size;
  }

  void check_sink() const {
    if (sink_failed || (pb && pb->error < 0)) throw FfmpegError("stream: the connection failed", AVERROR(EPIPE));
  }
};

StreamEncoder::StreamEncoder(StreamEncoderParams params) : s_(std::make_unique<State>()) {
  State& s = *s_;
  s.params = std::move(params);
  if (!s.params.sink) throw FfmpegError("stream encoder: no sink");
  const bool rtp = s.params.rtp_packet_size > 0;
  av_check(avformat_alloc_output_context2(&s.oc, nullptr, rtp ? "rtp" : muxer_name(s.params.codec).data(), nullptr),
           "output format");
  if (rtp) {
    s.oc->url = av_strdup(s.params.rtp_url.c_str());
    s.oc->packet_size = static_cast<unsigned>(s.params.rtp_packet_size);
    av_dict_set(&s.oc->metadata, "title", "onair", 0);  // the SDP's session name
  }
  s.enc = std::make_unique<ffmpeg::AudioEncoder>(encoder_name(s.params.codec).data(), s.params.input, s.params.channels,
                                                 s.params.bitrate, (s.oc->oformat->flags & AVFMT_GLOBALHEADER) != 0);
  AVCodecContext* enc = s.enc->context();
  s.st = avformat_new_stream(s.oc, nullptr);
  if (!s.st) throw FfmpegError("avformat_new_stream: out of memory");
  av_check(avcodec_parameters_from_context(s.st->codecpar, enc), "stream parameters");
  s.st->time_base = enc->time_base;

  const int io = rtp ? static_cast<int>(s.params.rtp_packet_size) : kIoBuffer;
  auto* buffer = static_cast<unsigned char*>(av_malloc(static_cast<std::size_t>(io)));
  if (!buffer) throw FfmpegError("av_malloc: out of memory");
  s.pb = avio_alloc_context(buffer, io, 1, &s, nullptr, &State::write_cb, nullptr);
  if (!s.pb) {
    av_free(buffer);
    throw FfmpegError("avio_alloc_context: out of memory");
  }
  s.pb->seekable = 0;
  if (rtp) s.pb->max_packet_size = io;  // the rtp muxer sizes its packets from this
  s.oc->pb = s.pb;
  s.oc->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_FLUSH_PACKETS;
  AVDictionary* mux = nullptr;
  if (rtp) {
    // nothing: the rtp muxer's defaults (a random SSRC and sequence start, as RFC 3550 asks)
  } else if (s.params.codec == StreamCodec::mp3) {
    // A stream is joined anywhere: no ID3 tag or Xing header, just MP3 frames.
    av_dict_set(&mux, "id3v2_version", "0", 0);
    av_dict_set(&mux, "write_xing", "0", 0);
  } else if (s.params.codec == StreamCodec::opus) {
    av_dict_set(&mux, "page_duration", "100000", 0);  // Ogg pages of 100 ms: little latency
  }
  const int hdr = avformat_write_header(s.oc, &mux);
  av_dict_free(&mux);
  s.check_sink();
  av_check(hdr, "write stream header");
  State* self = &s;
  s.mux = [self](AVPacket* pkt) {
    av_packet_rescale_ts(pkt, self->enc->context()->time_base, self->st->time_base);
    pkt->stream_index = self->st->index;
    const int wr = av_write_frame(self->oc, pkt);
    self->check_sink();
    av_check(wr, "mux");
  };
  flush();
}

StreamEncoder::~StreamEncoder() = default;

void StreamEncoder::write(const float* interleaved, FrameCount frames) { s_->enc->write(interleaved, frames, s_->mux); }

void StreamEncoder::flush() {
  avio_flush(s_->pb);
  s_->check_sink();
}

int StreamEncoder::sample_rate() const noexcept { return s_->enc->context()->sample_rate; }

std::string StreamEncoder::sdp() const {
  if (s_->params.rtp_packet_size == 0) return "";
  char text[4096] = {};
  AVFormatContext* one[] = {s_->oc};
  if (av_sdp_create(one, 1, text, sizeof text) < 0) return "";
  return text;
}

}  // namespace onair
