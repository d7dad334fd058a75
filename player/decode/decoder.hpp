#pragma once
// Streaming decoder for one item: a file or URL in, interleaved float at the engine's
// AudioFormat out, between an exact cue-in and cue-out. Memory stays bounded (one
// packet, one frame, one resampled chunk) whatever the source length.
//
// Not thread-safe: one worker thread owns a Decoder. Blocking I/O is bounded by
// io_timeout and can be abandoned from another thread through `stop`.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "player/pcm/audio_format.hpp"

namespace onair {

// A position in a source: a time, or an exact output frame index.
class CuePoint {
 public:
  constexpr CuePoint() = default;
  // Implicit so options read naturally: `opts.cue_in = 1500ms;`.
  template <class Rep, class Period>
  constexpr CuePoint(std::chrono::duration<Rep, Period> time)  // NOLINT(google-explicit-constructor)
      : time_(std::chrono::duration_cast<std::chrono::nanoseconds>(time)) {}
  static constexpr CuePoint frames(FrameCount f) {
    CuePoint c;
    c.frames_ = f;
    return c;
  }
  // The output frame this cue falls on (times round to the nearest frame).
  FrameCount to_frames(const AudioFormat& format) const {
    return frames_ ? *frames_ : format.frames(time_);
  }

 private:
  std::chrono::nanoseconds time_{0};
  std::optional<FrameCount> frames_;
};

struct DecoderOptions {
  CuePoint cue_in;                 // first frame of the source that is played
  std::optional<CuePoint> cue_out; // frame at which playing stops (exclusive); none: the end
  std::chrono::milliseconds io_timeout{10'000};  // per blocking open/read/seek
  std::stop_token stop;            // abandons blocking I/O (the item then ends with an error)
  // Cue-ins earlier than this are reached by decoding from the start and discarding
  // (cheap, trivially exact); later ones seek back with pre-roll.
  std::chrono::milliseconds seek_threshold{20'000};
  // Consecutive undecodable packets tolerated before the item is declared broken.
  int max_consecutive_errors = 100;
};

enum class DecodeEnd {
  none,         // still playing
  end_of_data,  // the source ended
  cue_out,      // reached options.cue_out
  error,        // a fatal error; see Decoder::error()
};
const char* to_string(DecodeEnd end) noexcept;

struct DecodeStats {
  std::int64_t skipped_packets = 0;  // corrupt packets dropped
  std::chrono::nanoseconds lost{0};  // audio those packets held (the item plays shorter)
  bool seeked = false;               // cue-in reached by seeking rather than decoding through
  int seek_retries = 0;              // seeks that landed too late and were redone
};

struct SourceFormat {
  std::string codec;  // "mp3", "aac", ...
  int sample_rate = 0;
  int channels = 0;
};

class Decoder {
 public:
  // Opens source (a path or URL), checks that it decodes and positions it at the
  // cue-in. Throws FfmpegError with a clear reason when it cannot be played at all.
  Decoder(const std::string& source, AudioFormat out, DecoderOptions options = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;
  Decoder(Decoder&&) noexcept;
  Decoder& operator=(Decoder&&) noexcept;

  // Writes up to max frames of interleaved float to dst and returns how many. Fewer
  // than max means the item ended; from then on it returns 0. Never throws: failures
  // end the item with DecodeEnd::error.
  FrameCount read(float* dst, FrameCount max);

  DecodeEnd end() const noexcept;
  bool ended() const noexcept { return end() != DecodeEnd::none; }
  const std::string& error() const noexcept;  // the reason when end() == error
  // Source frame index (output rate) of the next frame read() returns.
  FrameCount position() const noexcept;
  const DecodeStats& stats() const noexcept;
  const SourceFormat& source_format() const noexcept;
  const AudioFormat& format() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onair
