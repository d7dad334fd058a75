#pragma once
// A live stream being encoded: interleaved float in, MP3 (libmp3lame, raw frames), Ogg
// Opus (libopus in Ogg pages of 100 ms) or AAC (FFmpeg's encoder, ADTS frames) out, through FFmpeg, to a byte sink (a stream
// server connection). One per connection: a new listener or server needs the stream's
// headers, so a reconnect starts a new encoder.
//
// Used by one thread only. Throws FfmpegError on encoder errors and when the sink fails.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "player/output/stream/stream_codec.hpp"
#include "player/pcm/audio_format.hpp"

namespace onair {

struct StreamEncoderParams {
  StreamCodec codec = StreamCodec::mp3;
  int bitrate = 128'000;  // bits per second
  int channels = 2;       // 1: a mono downmix
  AudioFormat input;      // what write() takes
  // Takes the encoded bytes; false when they could not be sent (the encoder then throws).
  std::function<bool(const std::uint8_t* data, std::size_t size)> sink;
  // RTP instead of a byte stream: the rtp muxer, each sink call one packet of at most
  // `rtp_packet_size` bytes; `rtp_url` ("rtp://GROUP:PORT?ttl=N") is what the SDP names.
  std::size_t rtp_packet_size = 0;
  std::string rtp_url;
};

class StreamEncoder {
 public:
  explicit StreamEncoder(StreamEncoderParams params);  // writes the stream's header
  ~StreamEncoder();
  StreamEncoder(const StreamEncoder&) = delete;
  StreamEncoder& operator=(const StreamEncoder&) = delete;

  void write(const float* interleaved, FrameCount frames);
  // Hands what the muxer holds to the sink.
  void flush();

  int sample_rate() const noexcept;  // what the encoder runs at (Opus: 48 kHz)
  // RTP: the session description a receiver opens (ffmpeg -i x.sdp, VLC); "" otherwise.
  std::string sdp() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// True if this FFmpeg build has the encoder the codec needs.
bool stream_encoder_available(StreamCodec codec) noexcept;

}  // namespace onair
