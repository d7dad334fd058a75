#include "player/decode/decoder.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <span>

#include "player/decode/seek.hpp"
#include "player/ffmpeg/codec.hpp"
#include "player/ffmpeg/input.hpp"
#include "player/ffmpeg/log_bridge.hpp"
#include "player/ffmpeg/resampler.hpp"

namespace onair {
namespace {

constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();

// Codecs whose decoder state after a short pre-roll depends only on recent packets, so
// decoding after a seek converges bit-exactly on a from-the-start decode. Others (e.g.
// Opus, whose post-filter is recursive) reach a late cue-in by decoding through.
bool seeks_exactly(AVCodecID id) {
  switch (id) {
    case AV_CODEC_ID_MP1:
    case AV_CODEC_ID_MP2:
    case AV_CODEC_ID_MP3:
    case AV_CODEC_ID_AAC:
    case AV_CODEC_ID_FLAC:
    case AV_CODEC_ID_VORBIS:
    case AV_CODEC_ID_ALAC:
      return true;
    default:
      // All PCM variants live in one id block; each sample decodes on its own.
      return id >= AV_CODEC_ID_FIRST_AUDIO && id < AV_CODEC_ID_ADPCM_IMA_QT;
  }
}

std::int64_t frame_pts(const AVFrame& f) {
  return f.pts != AV_NOPTS_VALUE ? f.pts : f.best_effort_timestamp;
}

}  // namespace

const char* to_string(DecodeEnd end) noexcept {
  switch (end) {
    case DecodeEnd::none: return "playing";
    case DecodeEnd::end_of_data: return "end of data";
    case DecodeEnd::cue_out: return "cue-out";
    case DecodeEnd::error: return "error";
  }
  return "?";
}

struct Decoder::Impl {
  std::string source;
  AudioFormat out;
  DecoderOptions options;
  std::shared_ptr<spdlog::logger> log = decode_log();

  std::optional<ffmpeg::Input> input;
  ffmpeg::CodecContext codec;
  ffmpeg::Packet packet = ffmpeg::make_packet();
  ffmpeg::Frame frame = ffmpeg::make_frame();
  std::unique_ptr<ffmpeg::Resampler> resampler;
  std::unique_ptr<ffmpeg::Resampler> retired;  // keeps a drained tail alive while it's read

  // Input positions count samples at the decoder's rate from the first sample a decode
  // from the very start yields; output positions count output frames the same way.
  FrameCount cue_in = 0, cue_out = kNoLimit;
  int in_rate = 0;
  std::int64_t origin_pts = AV_NOPTS_VALUE;  // pts of input sample 0
  std::int64_t in_next = 0;                  // position of the next decoded frame
  std::int64_t feed_from = 0;                // first input sample given to the resampler
  std::int64_t in_end = kNoLimit;            // container-stated end (MP4 padding)
  std::span<const float> pending;            // resampled, not yet returned
  FrameCount out_pos = 0;                    // output position of pending[0]

  bool have_frame = false, input_done = false, decoder_drained = false, flushed = false;
  int consecutive_errors = 0, last_frame_samples = 0;
  std::string last_error;

  DecodeEnd end = DecodeEnd::none;
  std::string error;
  FrameCount frames_read = 0;
  DecodeStats stats;
  SourceFormat source_format;

  Impl(const std::string& src, AudioFormat fmt, DecoderOptions opts)
      : source(src), out(fmt), options(std::move(opts)) {
    if (out.sample_rate <= 0 || out.channels <= 0) throw FfmpegError("invalid output format");
    cue_in = std::max<FrameCount>(0, options.cue_in.to_frames(out));
    if (options.cue_out) cue_out = options.cue_out->to_frames(out);
    open_from_start();
    seek_to_cue_in();
    log->debug("opened {}: {} {} Hz {} ch, cue-in {} cue-out {}{}", source, source_format.codec,
               source_format.sample_rate, source_format.channels, cue_in,
               cue_out == kNoLimit ? -1 : cue_out, stats.seeked ? " (seeked)" : "");
  }

  const AVStream& stream() const { return *input->audio_stream(); }
  int rate() const { return in_rate > 0 ? in_rate : std::max(1, stream().codecpar->sample_rate); }
  std::int64_t to_samples(std::int64_t ts) const {
    return av_rescale_q(ts, stream().time_base, AVRational{1, rate()});
  }
  std::int64_t to_ts(std::int64_t samples) const {
    return av_rescale_q(samples, AVRational{1, rate()}, stream().time_base);
  }

  // (Re)opens the source and decodes its first frame: that proves it decodes and fixes
  // the timestamp of input sample 0.
  void open_from_start() {
    resampler.reset();
    retired.reset();
    codec.reset();
    input.reset();
    input.emplace(source, ffmpeg::InputOptions{options.io_timeout, options.stop});
    codec = ffmpeg::open_decoder(stream());
    in_rate = 0;
    in_next = feed_from = out_pos = 0;
    pending = {};
    have_frame = input_done = decoder_drained = flushed = false;
    consecutive_errors = 0;
    if (!decode_next_frame()) {
      throw FfmpegError("no decodable audio" + (last_error.empty() ? "" : ": " + last_error));
    }
    have_frame = true;
    in_rate = frame->sample_rate;
    ffmpeg::require_plausible_rate(in_rate);
    origin_pts = frame_pts(*frame);
    source_format = {ffmpeg::codec_name(stream()), in_rate, frame->ch_layout.nb_channels};
    in_end = kNoLimit;
    const AVStream& st = stream();
    if (ffmpeg::container_states_exact_end(*input->context()) && st.duration > 0 &&
        origin_pts != AV_NOPTS_VALUE) {
      const std::int64_t start = st.start_time != AV_NOPTS_VALUE ? st.start_time : 0;
      in_end = to_samples(start + st.duration - origin_pts);
    }
  }

  // A late cue-in: seek back far enough for pre-roll, then decode and discard up to
  // the plan's feed point (see decode_seek.hpp). Falls back to decoding from the start
  // whenever the seek cannot be trusted, so the result is always exact.
  void seek_to_cue_in() {
    if (cue_in <= 0 || input->is_network() || origin_pts == AV_NOPTS_VALUE) return;
    if (out.duration(cue_in) < options.seek_threshold) return;
    if (!seeks_exactly(stream().codecpar->codec_id)) return;
    const std::int64_t preroll = stream().codecpar->seek_preroll + in_rate / 5;
    const CueInPlan plan = plan_cue_in(cue_in, in_rate, out.sample_rate, preroll);
    if (!plan.seek) return;

    std::int64_t target = plan.decode_from_in;
    for (int attempt = 0; attempt < 4 && target > 0; ++attempt) {
      if (!input->seek_before(origin_pts + to_ts(target))) break;
      avcodec_flush_buffers(codec.get());
      have_frame = input_done = decoder_drained = flushed = false;
      const std::optional<std::int64_t> landed = decode_until_timestamped();
      if (!landed) break;
      if (*landed <= target) {
        in_next = *landed;
        feed_from = plan.feed_from_in;
        out_pos = plan.feed_from_out;
        resampler.reset();  // a fresh filter, started at the aligned feed point
        pending = {};
        have_frame = true;
        stats.seeked = true;
        return;
      }
      // Landed after the target (an imprecise index): aim further back.
      ++stats.seek_retries;
      target -= (*landed - target) + preroll;
    }
    log->debug("{}: seek to cue-in not exact, decoding from the start", source);
    stats.seeked = false;
    open_from_start();
  }

  // After a seek: decodes until a frame carries a timestamp and returns its position.
  std::optional<std::int64_t> decode_until_timestamped() {
    for (int frames = 0; frames < 64; ++frames) {
      if (!decode_next_frame()) return std::nullopt;
      const std::int64_t pts = frame_pts(*frame);
      if (pts != AV_NOPTS_VALUE) return to_samples(pts - origin_pts);
    }
    return std::nullopt;
  }

  // Next decoded frame into `frame`; false when the decoder is drained.
  bool decode_next_frame() {
    for (;;) {
      int ret = avcodec_receive_frame(codec.get(), frame.get());
      if (ret >= 0) {
        if (frame->nb_samples <= 0) continue;
        consecutive_errors = 0;
        last_frame_samples = frame->nb_samples;
        return true;
      }
      if (ret == AVERROR_EOF || (ret == AVERROR(EAGAIN) && input_done)) return false;
      if (ret != AVERROR(EAGAIN)) {
        decode_error(ret, 0);
        continue;
      }
      if (!input->read(packet.get())) {
        input_done = true;
        avcodec_send_packet(codec.get(), nullptr);  // drain what the decoder holds
        continue;
      }
      ret = avcodec_send_packet(codec.get(), packet.get());
      if (ret < 0 && ret != AVERROR(EAGAIN)) decode_error(ret, packet->duration);
    }
  }

  // A packet that would not decode: skip it and account for the audio it held.
  void decode_error(int ret, std::int64_t packet_duration) {
    const std::string text = av_error_text(ret);
    if (ret == AVERROR(ENOMEM) || ret == AVERROR(EINVAL)) throw FfmpegError("decode: " + text, ret);
    const std::int64_t samples = packet_duration > 0 ? to_samples(packet_duration)
                                 : last_frame_samples > 0 ? last_frame_samples
                                                          : codec->frame_size;
    ++stats.skipped_packets;
    stats.lost += std::chrono::nanoseconds(samples * 1'000'000'000 / rate());
    last_error = text;
    if (stats.skipped_packets <= 3 || stats.skipped_packets % 100 == 0) {
      log->warn("{}: skipped undecodable data ({}); {} packets, {} ms lost so far", source, text,
                stats.skipped_packets,
                std::chrono::duration_cast<std::chrono::milliseconds>(stats.lost).count());
    }
    if (++consecutive_errors > options.max_consecutive_errors) {
      throw FfmpegError("undecodable data: " + text + " (" + std::to_string(consecutive_errors) +
                            " packets in a row)",
                        ret);
    }
  }

  // Resamples the held frame's useful part into `pending`; false if it yielded nothing.
  bool consume() {
    const AVFrame& f = *frame;
    if (resampler && !resampler->accepts(f)) {
      // The stream changed shape (relays do): drain the old filter, then come back to
      // this frame with a new one. Positions keep counting; only cue-in needs them exact.
      retired = std::move(resampler);
      pending = retired->flush();
      have_frame = true;
      return !pending.empty();
    }
    if (!resampler) resampler = std::make_unique<ffmpeg::Resampler>(f, out);
    const std::int64_t pos = in_next;
    in_next += f.nb_samples;
    if (pos >= in_end) {
      decoder_drained = true;  // past the container's stated end: only padding follows
      return false;
    }
    const std::int64_t begin = std::max(pos, feed_from);
    const std::int64_t end_pos = std::min(in_next, in_end);
    if (end_pos <= begin) return false;
    pending = resampler->convert(f, static_cast<int>(begin - pos), static_cast<int>(end_pos - begin));
    return !pending.empty();
  }

  // Makes `pending` non-empty; false once the source is exhausted.
  bool fill() {
    for (;;) {
      if (have_frame) {
        have_frame = false;
        if (consume()) return true;
        continue;
      }
      if (decoder_drained) {
        if (!flushed && resampler) {
          flushed = true;
          pending = resampler->flush();
          if (!pending.empty()) return true;
        }
        finish(DecodeEnd::end_of_data);
        return false;
      }
      if (decode_next_frame()) have_frame = true;
      else decoder_drained = true;
    }
  }

  FrameCount read(float* dst, FrameCount max) {
    if (end != DecodeEnd::none || max <= 0) return 0;
    const auto ch = static_cast<std::size_t>(out.channels);
    FrameCount done = 0;
    try {
      while (done < max) {
        if (out_pos >= cue_out) {
          finish(DecodeEnd::cue_out);
          break;
        }
        if (pending.empty()) {
          if (!fill()) break;
          continue;
        }
        const auto avail = static_cast<FrameCount>(pending.size() / ch);
        if (out_pos < cue_in) {  // before the cue: decoded only to reach it exactly
          const FrameCount k = std::min(avail, cue_in - out_pos);
          pending = pending.subspan(static_cast<std::size_t>(k) * ch);
          out_pos += k;
          continue;
        }
        const FrameCount k = std::min({avail, max - done, cue_out - out_pos});
        std::memcpy(dst + done * out.channels, pending.data(), static_cast<std::size_t>(k) * ch * sizeof(float));
        pending = pending.subspan(static_cast<std::size_t>(k) * ch);
        out_pos += k;
        done += k;
      }
    } catch (const std::exception& e) {
      fail(e.what());
    }
    frames_read += done;
    return done;
  }

  void finish(DecodeEnd why) {
    end = why;
    log->debug("{}: ended ({}) after {} frames", source, to_string(why), frames_read);
    release();
  }

  void fail(const std::string& reason) {
    end = DecodeEnd::error;
    error = reason;
    // Stopped on purpose (a cut, a skip, the end of a run): not a fault of the media.
    log->log(options.stop.stop_requested() ? spdlog::level::debug : spdlog::level::err, "{}: {}", source, reason);
    release();
  }

  // An ended item holds no file handle, codec or buffers.
  void release() {
    pending = {};
    resampler.reset();
    retired.reset();
    codec.reset();
    input.reset();
  }
};

Decoder::Decoder(const std::string& source, AudioFormat out, DecoderOptions options)
    : impl_(std::make_unique<Impl>(source, out, std::move(options))) {}
Decoder::~Decoder() = default;
Decoder::Decoder(Decoder&&) noexcept = default;
Decoder& Decoder::operator=(Decoder&&) noexcept = default;

FrameCount Decoder::read(float* dst, FrameCount max) { return impl_->read(dst, max); }
DecodeEnd Decoder::end() const noexcept { return impl_->end; }
const std::string& Decoder::error() const noexcept { return impl_->error; }
FrameCount Decoder::position() const noexcept { return impl_->cue_in + impl_->frames_read; }
const DecodeStats& Decoder::stats() const noexcept { return impl_->stats; }
const SourceFormat& Decoder::source_format() const noexcept { return impl_->source_format; }
const AudioFormat& Decoder::format() const noexcept { return impl_->out; }

}  // namespace onair
