#pragma once
// The one interface the engine writes rendered audio into (pull-style sinks as in MPD's
// and snapcast's output plugins). A session opens one sink and keeps it open; items are
// switched by the engine inside the single stream at exact frame indices.
//
// Threading: open/write/drain/close are called from one engine thread. stamp() and
// stats() may be called from any thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "player/pcm/audio_format.hpp"
#include "player/output/stamp.hpp"

namespace spdlog {
class logger;
}

namespace onair {

class Sleeper;

// The "output" logger (created on first use with the default logger's sinks).
std::shared_ptr<spdlog::logger> output_log();

// A sink failed in a way the engine cannot ride out (bad path, disk full, no such device
// at startup). Device loss during a session is not an error: the sink recovers by itself.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OutputStats {
  FrameCount written = 0;          // frames accepted by write()
  FrameCount played = 0;           // frames consumed by the device (incl. dropped ones)
  std::int64_t underruns = 0;      // times the device found no audio ready
  FrameCount underrun_frames = 0;  // silence inserted because of that
  FrameCount dropped_frames = 0;   // frames thrown away because the device was gone
  std::int64_t reopens = 0;        // successful reopenings after a device loss
};

// One sink of a session as the status page, metrics and alarms see it.
struct OutputStatus {
  std::string name;              // describe(): never a password or token
  bool connected = true;         // a stream: it has its server (icecast), it is listening (listen)
  std::int64_t bytes = 0;        // a stream: sent
  std::int64_t connects = 0;     // icecast: successful connections
  std::int64_t failures = 0;     // icecast: failed attempts and lost connections
  FrameCount dropped_frames = 0; // audio this sink lost (its queue full, no connection)
  int listeners = -1;            // listen: now (-1: not a server)
  int listeners_peak = -1;
  std::int64_t listeners_served = 0, listeners_dropped = 0, refused = 0;
  std::string last_error;
  std::chrono::steady_clock::time_point since{};  // of `connected` as it is (streams)
  FrameCount queue_dropped = 0;  // a follower: audio its full queue lost (the sink fell behind the master)
};

// A stream's connection changing, for the broadcast record (as-run "output_connected" /
// "output_disconnected" lines).
enum class OutputEventKind { connected, disconnected };

struct OutputEvent {
  OutputEventKind kind = OutputEventKind::connected;
  std::string output;  // describe(): never a password or token
  std::string detail;  // why it went (the server's error), how long it took to come back
};

// Where sinks report events. Called on the sink's own thread (a follower's worker), never
// the engine's or a real-time thread; implementations are thread-safe and return quickly.
class OutputEvents {
 public:
  virtual ~OutputEvents() = default;
  virtual void output_event(const OutputEvent& e) = 0;
};

class Output {
 public:
  virtual ~Output() = default;
  Output() = default;
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // Opens the sink and returns the format actually opened. The sample rate (and, for
  // devices with fewer channels, the channel count) may differ from `requested`: the
  // engine must then render in the returned format (the decoder resamples). Throws
  // OutputError.
  virtual AudioFormat open(const AudioFormat& requested) = 0;

  // Takes `frames` interleaved frames in the opened format. Blocks only as long as the
  // sink's pacing requires (a full render-ahead ring, or emulated real time); never
  // forever: a dead device is detected and the audio is dropped at real-time pace.
  virtual void write(const float* interleaved, FrameCount frames) = 0;

  // Waits (bounded) until everything written has been played.
  virtual void drain() {}

  // Closes the sink; idempotent. Destructors close too.
  virtual void close() = 0;

  // Takes back up to `most` of the newest frames written and not yet played, leaving at
  // least `keep` of them to play while their replacement is rendered; returns how many it
  // took (the next write() goes that many frames earlier). An emergency bulletin uses it so
  // the audio rendered ahead does not delay it. Sinks that cannot (files, streams) take 0.
  virtual FrameCount retract(FrameCount most, FrameCount keep) {
    (void)most;
    (void)keep;
    return 0;
  }
  // Frames written that retract() could still take back now, and the most it ever could
  // (0: this sink cannot). A tee or fan-out hands its taps and followers only audio older
  // than that, so a recording or a stream carries what the sink actually played.
  virtual FrameCount retractable() const { return 0; }
  virtual FrameCount retract_capacity() const { return 0; }

  // The latest "frame F reaches the DAC at monotonic time T" stamp. nullopt for sinks
  // running free (rendering as fast as possible: the engine uses a virtual clock) and
  // before the first stamp.
  virtual std::optional<OutputStamp> stamp() const = 0;

  virtual OutputStats stats() const = 0;

  // True if write() is paced by real (or injected) time rather than running free.
  virtual bool realtime() const = 0;

  // For logs: "wav:/path/file.wav", "null", "pa:system".
  virtual std::string describe() const = 0;

  // The title of the audio from frame `at` (of the frames written to this sink) on, for
  // streams that show it (ICY metadata). Any thread; never called from real-time code.
  // Wrappers pass it on; a sink that shows titles takes it when its audio reaches `at`.
  virtual void post_title(FrameCount at, const std::string& title) {
    (void)at;
    (void)title;
  }

  // Appends this sink's status (a fan-out: every sink's). Any thread.
  virtual void collect_status(std::vector<OutputStatus>& into) const;

  // Where this sink (a wrapper: every sink inside) reports its events from now on; null
  // stops them. Any thread; `events` must outlive the sink's open session (close first).
  virtual void watch(OutputEvents* events) { (void)events; }
};

}  // namespace onair
