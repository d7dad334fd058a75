#pragma once
// An FFmpeg audio encoder fed interleaved float: the resampler/rematrixer to the encoder's
// rate, channels and sample format, the FIFO that cuts the input into the encoder's frame
// size, and the encoder itself. What to do with each packet (mux it into a file, a stream)
// is the caller's. Used by the air-check files and the stream outputs.
//
// One thread only. Throws FfmpegError.
#include <cstdint>
#include <functional>
#include <vector>

#include "player/ffmpeg/handle.hpp"
#include "player/pcm/audio_format.hpp"

struct AVAudioFifo;

namespace onair::ffmpeg {

class AudioEncoder {
 public:
  using PacketSink = std::function<void(AVPacket* packet)>;  // time base: context()->time_base

  // `encoder`: "libmp3lame", "libopus" … ; `channels` 1 or 2 (a downmix when fewer than the
  // input's); `global_header`: the muxer wants extradata (AVFMT_GLOBALHEADER).
  AudioEncoder(const char* encoder, AudioFormat input, int channels, int bitrate, bool global_header);
  ~AudioEncoder();
  AudioEncoder(const AudioEncoder&) = delete;
  AudioEncoder& operator=(const AudioEncoder&) = delete;

  // Encodes `frames` frames (nullptr: that many frames of silence).
  void write(const float* interleaved, FrameCount frames, const PacketSink& sink);
  // The resampler's tail, the last partial frame, and the encoder's delayed packets.
  void finish(const PacketSink& sink);

  AVCodecContext* context() const noexcept { return enc_.get(); }

  static bool available(const char* encoder) noexcept;

 private:
  void convert(const std::uint8_t** in, int n);
  void encode_from_fifo(bool final, const PacketSink& sink);
  void send(const AVFrame* f, const PacketSink& sink);

  AudioFormat input_;
  CodecContext enc_;
  SwrHandle swr_;
  AVAudioFifo* fifo_ = nullptr;
  Frame frame_;
  Packet pkt_;
  std::uint8_t** conv_ = nullptr;  // swr output, conv_capacity_ samples per channel
  int conv_capacity_ = 0;
  std::vector<float> zeros_;       // a chunk of input silence
  int frame_size_ = 0;
  std::int64_t next_pts_ = 0;
};

}  // namespace onair::ffmpeg
