#pragma once
// Opens the Source for a segment. The engine asks through this interface so tests can
// substitute sources (failing, short, stalling) without media.
#include <memory>

#include "player/source/source.hpp"
#include "scheduler/edl.hpp"

namespace onair {

class SourceFactory {
 public:
  virtual ~SourceFactory() = default;
  // A source for `segment` whose first frame is the one airing at output frame `first`.
  virtual std::unique_ptr<Source> open(const Segment& segment, FrameCount first, const AudioFormat& format) = 0;
};

struct RelayOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds stall_limit{3'000};    // no data this long: switch to the fallback
  std::chrono::milliseconds retry_interval{5'000}; // how often the stream is retried meanwhile
  FrameCount ring_frames = 48000 * 4;              // a few seconds of buffer
};

// Files and fill decode from disk; relays go through the relay source with its fallback;
// the time signal is generated; spoken time is said by `speech` (none: it fails).
class MediaSourceFactory final : public SourceFactory {
 public:
  explicit MediaSourceFactory(RelayOptions relay = {}, SpeechRenderer* speech = nullptr)
      : relay_(relay), speech_(speech) {}
  std::unique_ptr<Source> open(const Segment& segment, FrameCount first, const AudioFormat& format) override;
  // Before the engine runs (the station makes its renderer after the factory).
  void use_speech(SpeechRenderer* speech) { speech_ = speech; }

 private:
  RelayOptions relay_;
  SpeechRenderer* speech_;
};

// The relay source: the network stream with connect/read timeouts, a few seconds buffered;
// if it cannot be opened or stalls beyond the limit, the fallback file (looped) airs
// instead while the stream is retried. Never runs dry while the slot lasts.
std::unique_ptr<Source> make_relay_source(const std::string& url, const std::string& fallback,
                                          const AudioFormat& format, const RelayOptions& options);

}  // namespace onair
