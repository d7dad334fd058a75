#pragma once
// An opened media input (file path or network URL) with its audio stream selected.
// Every blocking FFmpeg call runs under a deadline: FFmpeg polls an interrupt callback
// during I/O, and ours says "stop" once the per-operation timeout (or an overall
// deadline, or a stop request from another thread) has passed, so nothing can hang.
#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "player/ffmpeg/handle.hpp"

namespace onair::ffmpeg {

struct InputOptions {
  // Longest any single open/read/seek may block (network stalls, dead NFS mounts).
  std::chrono::milliseconds io_timeout{10'000};
  // Lets another thread abandon a blocking open or read (e.g. the engine shutting down).
  std::stop_token stop;
};

class Input {
 public:
  // Opens url, reads stream info and selects the best audio stream. Other streams
  // (cover art) are discarded. Throws FfmpegError with a reason such as
  // "open: Invalid data found when processing input", "no audio stream" or
  // "open: timed out after 10000 ms".
  Input(const std::string& url, InputOptions options);
  Input(Input&&) noexcept;
  Input& operator=(Input&&) noexcept;
  ~Input();

  AVFormatContext* context() const noexcept { return ctx_.get(); }
  AVStream* audio_stream() const noexcept { return ctx_->streams[audio_]; }
  int audio_index() const noexcept { return audio_; }
  bool is_network() const noexcept { return network_; }

  // Reads the next packet of the audio stream into pkt. Returns false at the end of the
  // input. Throws FfmpegError on I/O errors, timeouts and stop requests.
  bool read(AVPacket* pkt);

  // Repositions so the next packet starts at or before ts (audio stream time base).
  // Returns false when the input cannot seek there (the caller then reopens instead).
  bool seek_before(std::int64_t ts);

  // A deadline for a whole sequence of calls (a duration scan), on top of io_timeout.
  void set_overall_deadline(std::chrono::steady_clock::time_point deadline) noexcept;

 private:
  struct Interrupt;
  struct Nested;
  void arm() noexcept;
  [[noreturn]] void fail(int ret, std::string_view what) const;

  std::unique_ptr<Interrupt> interrupt_;  // heap: FFmpeg keeps its address
  std::unique_ptr<Nested> nested_;        // local files: refuses nested opens (heap, as above)
  FormatHandle ctx_;
  int audio_ = -1;
  bool network_ = false;
};

// MP4/M4A edit lists state the exact playable length. FFmpeg 5.1 applies their start
// (priming) trim but leaves the end padding in, so onair cuts at the stated length.
bool container_states_exact_end(const AVFormatContext& ctx) noexcept;

// True for inputs that are URLs handled by a network protocol (http://, rtmp://, ...).
bool is_network_url(std::string_view url) noexcept;

}  // namespace onair::ffmpeg
