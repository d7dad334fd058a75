#include "player/decode/prober.hpp"

#include <cstdlib>
#include <optional>
#include <string_view>
#include <system_error>

#include "player/ffmpeg/codec.hpp"
#include "player/ffmpeg/input.hpp"
#include "player/ffmpeg/log_bridge.hpp"
#include "player/ffmpeg/resampler.hpp"
#include "player/loudness/scan.hpp"

extern "C" {
#include <libavutil/intreadwrite.h>
}

namespace onair {
namespace {

namespace fs = std::filesystem;
using std::chrono::microseconds;

// A header that differs from the measured length by more than this was wrong (less is
// encoder delay/padding, which the measurement excludes and headers often include).
constexpr microseconds kHeaderTolerance{250'000};

struct Scan {
  bool decoded = false;         // a frame came out of the decoder
  std::string decode_error;     // why none did
  int rate = 0, channels = 0;   // of the decoded frames (HE-AAC can differ from the header)
  bool complete = false;        // every packet seen and every duration known
  std::int64_t samples = 0;     // sum of packet durations minus delay/padding (samples)
  std::int64_t end_ts = AV_NOPTS_VALUE;  // latest packet end (stream time base)

  // Ogg packet durations already exclude the end trim its side data repeats, and the
  // first Vorbis packet only primes the decoder; Ogg's granule timestamps are exact,
  // so there the length is where the last packet ends.
  std::int64_t playable(const AVStream& st, AVRational sample_tb, bool ogg) const {
    if (!ogg) return samples;
    const std::int64_t start = st.start_time != AV_NOPTS_VALUE ? st.start_time : 0;
    return end_ts == AV_NOPTS_VALUE ? 0 : av_rescale_q(end_ts - start, st.time_base, sample_tb);
  }
};

std::optional<microseconds> header_duration(const AVFormatContext& fmt, const AVStream& st) {
  if (st.duration > 0) return microseconds(av_rescale_q(st.duration, st.time_base, AV_TIME_BASE_Q));
  if (fmt.duration > 0) return microseconds(fmt.duration);
  return std::nullopt;
}

// Encoder delay (start) and padding (end) FFmpeg attached to this packet, in samples.
std::int64_t trimmed_samples(const AVPacket& pkt) {
  std::size_t size = 0;
  const std::uint8_t* data = av_packet_get_side_data(&pkt, AV_PKT_DATA_SKIP_SAMPLES, &size);
  if (!data || size < 8) return 0;
  return static_cast<std::int64_t>(AV_RL32(data)) + static_cast<std::int64_t>(AV_RL32(data + 4));
}

// Feeds one packet (nullptr: drain) and notes whether audio came out.
void try_decode(AVCodecContext* codec, const AVPacket* pkt, AVFrame* frame, Scan& scan) {
  int ret = avcodec_send_packet(codec, pkt);
  if (ret < 0 && ret != AVERROR_EOF) {
    scan.decode_error = av_error_text(ret);
    return;
  }
  while ((ret = avcodec_receive_frame(codec, frame)) >= 0) {
    if (frame->nb_samples > 0 && !scan.decoded) {
      scan.decoded = true;
      scan.rate = frame->sample_rate;
      scan.channels = frame->ch_layout.nb_channels;
    }
  }
  if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) scan.decode_error = av_error_text(ret);
}

}  // namespace

FfmpegProber::FfmpegProber(ProberOptions options) : options_(options) {}

MediaInfo FfmpegProber::probe(const fs::path& file) {
  MediaInfo info;
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (ec || !fs::exists(status)) {
    info.error = "file not found";
    return info;
  }
  // FIFOs and devices could block in open(2), where no interrupt callback reaches.
  if (!fs::is_regular_file(status)) {
    info.error = "not a regular file";
    return info;
  }
  if (fs::file_size(file, ec) == 0) {
    info.error = "empty file (0 bytes)";
    return info;
  }

  try {
    ffmpeg::Input input(file.string(), ffmpeg::InputOptions{options_.io_timeout, {}});
    const AVFormatContext& fmt = *input.context();
    const AVStream& st = *input.audio_stream();
    info.codec = ffmpeg::codec_name(st);
    info.sample_rate = st.codecpar->sample_rate;
    info.channels = st.codecpar->ch_layout.nb_channels;
    const std::optional<microseconds> header = header_duration(fmt, st);
    const bool from_bitrate = fmt.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE;
    const bool measure = options_.measure_all || from_bitrate || !header;

    ffmpeg::CodecContext codec = ffmpeg::open_decoder(st);
    auto pkt = ffmpeg::make_packet();
    auto frame = ffmpeg::make_frame();
    const AVRational sample_tb{1, std::max(1, st.codecpar->sample_rate)};
    Scan scan;
    bool durations_known = true;
    int tried = 0;
    try {
      for (;;) {
        if (!input.read(pkt.get())) {
          if (!scan.decoded) try_decode(codec.get(), nullptr, frame.get(), scan);
          scan.complete = durations_known;
          break;
        }
        if (!scan.decoded) {
          if (tried++ >= options_.decode_check_packets) break;
          try_decode(codec.get(), pkt.get(), frame.get(), scan);
          // The budget is for measuring; deciding whether it plays is bounded by packets.
          if (scan.decoded)
            input.set_overall_deadline(std::chrono::steady_clock::now() + options_.scan_budget);
        }
        if (!measure) {
          if (scan.decoded) break;
          continue;
        }
        if (pkt->duration <= 0) durations_known = false;
        scan.samples += av_rescale_q(pkt->duration, st.time_base, sample_tb) - trimmed_samples(*pkt);
        if (pkt->pts != AV_NOPTS_VALUE)
          scan.end_ts = std::max(scan.end_ts == AV_NOPTS_VALUE ? pkt->pts : scan.end_ts, pkt->pts + pkt->duration);
      }
    } catch (const FfmpegError& e) {
      if (!scan.decoded) throw;
      // Out of time or a read error part-way: the file plays, its length is a guess.
      decode_log()->warn("{}: could not measure the duration ({}); using the header's", file.string(),
                         e.what());
      scan.complete = false;
    }
    if (!scan.decoded) {
      throw FfmpegError("cannot decode audio: " +
                        (scan.decode_error.empty() ? std::string("no audio frames")
                                                   : scan.decode_error));
    }
    if (scan.rate > 0) info.sample_rate = scan.rate;
    if (scan.channels > 0) info.channels = scan.channels;
    ffmpeg::require_plausible_rate(info.sample_rate);

    if (measure && scan.complete) {
      const bool ogg = std::string_view(fmt.iformat->name) == "ogg";
      auto measured = microseconds(av_rescale_q(scan.playable(st, sample_tb, ogg), sample_tb, AV_TIME_BASE_Q));
      // MP4 edit lists are exact and FFmpeg does not trim the end padding they exclude.
      if (header && ffmpeg::container_states_exact_end(fmt)) measured = std::min(measured, *header);
      info.duration = measured;
      if (header && std::abs((*header - measured).count()) > kHeaderTolerance.count()) {
        info.header_duration = header;
        decode_log()->info("{}: header says {:.3f} s, measured {:.3f} s", file.string(),
                           header->count() / 1e6, measured.count() / 1e6);
      }
    } else if (header) {
      info.duration = *header;
      info.duration_estimated = measure || from_bitrate;
    } else {
      info.duration_estimated = true;  // no length known at all
    }
    info.ok = true;
  } catch (const std::exception& e) {
    info.ok = false;
    info.error = e.what();
  }
  if (!info.ok) decode_log()->debug("{}: cannot be played: {}", file.string(), info.error);
  return info;
}

std::optional<LoudnessMeasure> FfmpegProber::measure(const fs::path& file, CueRange range) {
  ScanOptions scan;
  scan.io_timeout = options_.io_timeout;
  if (options_.measure_progress)
    scan.progress = [&](microseconds done, microseconds total) { options_.measure_progress(file, done, total); };
  try {
    return scan_loudness(file, range, scan);
  } catch (const std::exception& e) {
    decode_log()->warn("{}: cannot measure its loudness: {}", file.string(), e.what());
    return std::nullopt;
  }
}

}  // namespace onair
