#pragma once
// A segment's audio, produced by a worker thread ahead of air time (pre-roll) into a
// lock-free ring, so opening, seeking, decoding and network I/O never happen on the
// engine's render thread. The engine only reads what is ready.
#include <chrono>
#include <memory>
#include <string>

#include "player/pcm/audio_format.hpp"

namespace onair {

class Source {
 public:
  enum class State {
    opening,  // the worker is opening / seeking to the cue-in
    playing,  // frames are coming
    ended,    // no more frames will come (the ring may still hold some)
    failed,   // could not open, or failed mid-play (see error())
  };
  virtual ~Source() = default;

  virtual State state() const = 0;
  // Reads up to `max` ready frames of interleaved float; never blocks.
  virtual FrameCount read(float* dst, FrameCount max) = 0;
  // Frames ready now.
  virtual FrameCount readable() = 0;
  // Waits until `frames` are ready, the source is finished, or `timeout` passes;
  // returns true if `frames` are ready.
  virtual bool wait(FrameCount frames, std::chrono::milliseconds timeout) = 0;
  // The failure reason (state failed), or what went wrong but was ridden out.
  virtual std::string error() const = 0;
  // Notes for the as-run record (e.g. corrupt data skipped, relay switches); may be empty.
  virtual std::string detail() const { return {}; }
  // True when what aired was only a stand-in (a relay whose stream never came: fallback or
  // silence for the whole slot); the as-run then says `failed`.
  virtual bool stand_in_only() const { return false; }

  // True once the source has delivered everything it will ever deliver.
  bool exhausted() {
    const State s = state();
    return (s == State::ended || s == State::failed) && readable() == 0;
  }
};

struct FileSourceOptions {
  FrameCount cue_in = 0;                           // first source frame (output rate)
  FrameCount ring_frames = 48000 * 2;              // read-ahead
  std::chrono::milliseconds io_timeout{10'000};
};

// Decodes a file (or any URL FFmpeg opens) on its own thread.
std::unique_ptr<Source> make_file_source(const std::string& path, const AudioFormat& format,
                                         const FileSourceOptions& options);

}  // namespace onair
