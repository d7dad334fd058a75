#pragma once
// One air-check file being written: interleaved float in, MP3 (libmp3lame) or Ogg Opus
// (libopus) out, through FFmpeg. The file is written through our own file descriptor so
// it can be fdatasync'ed, is created exclusively (never overwrites) and every write error
// (ENOSPC, EIO) surfaces as an exception on the call that met it.
//
// Used by the recorder's worker thread only; not thread-safe.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "player/monitor/aircheck.hpp"

namespace onair::aircheck {

struct EncoderParams {
  AirCheckFormat format = AirCheckFormat::mp3;
  int bitrate = 96'000;     // bits per second
  AudioFormat input;        // what write() takes
  std::map<std::string, std::string> metadata;  // title, date, artist, comment, ...
};

class EncodedFile {
 public:
  // Creates `path` (O_EXCL) and writes the header. Throws FfmpegError or
  // std::system_error; nothing is left open then (a created file stays, possibly empty).
  EncodedFile(const std::filesystem::path& path, const EncoderParams& params);
  // Without finish(): closes the descriptor as is (what was written stays decodable).
  ~EncodedFile();
  EncodedFile(const EncodedFile&) = delete;
  EncodedFile& operator=(const EncodedFile&) = delete;

  // Encodes `frames` frames; nullptr means that many frames of silence. Throws on errors.
  void write(const float* interleaved, FrameCount frames);
  // Hands everything muxed so far to the kernel. Throws on errors.
  void flush();
  // flush() and fdatasync.
  void sync();
  // Drains the encoder, writes the trailer (MP3: Xing/LAME header with the exact length;
  // Ogg: last page), syncs and closes. Throws on errors (the file is closed either way).
  void finish();

  const std::filesystem::path& path() const noexcept;
  FrameCount frames_written() const noexcept;  // input frames taken so far
  int encoder_sample_rate() const noexcept;
  int encoder_channels() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// True if this FFmpeg build has the encoder the format needs.
bool encoder_available(AirCheckFormat format) noexcept;

}  // namespace onair::aircheck
