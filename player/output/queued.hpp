#pragma once
// An Output that runs another one on a thread of its own behind a bounded ring, so that a
// slow or dead sink (a stream server that stalls, a network that drops) never delays the
// engine or the other outputs: write() only copies into the ring; when it is full the
// audio is dropped for this output alone, and counted (OutputStats::dropped_frames).
// Rendering (wait_when_full), write() waits for the worker instead, bounded, so a render
// hands every frame to every output.
//
// `delay` puts that much silence ahead of the audio, once, at open(): an output whose
// listeners are within earshot of another (IP horns beside FM or a wired line) can be
// set back so they do not echo.
//
// Titles (post_title) travel with the audio: the sink gets each one just before the frame
// it belongs to, whenever it was posted.
//
// Threading: as for every Output, open/write/drain/close from one thread; the inner sink
// is used from the worker only (after its open(), which runs on the caller's thread).
#include <chrono>
#include <memory>
#include <mutex>

#include "player/output/output.hpp"

namespace onair {

struct QueuedOutputOptions {
  std::chrono::milliseconds queue{3000};  // audio the ring holds before this output drops
  bool wait_when_full = false;            // render: wait for the worker (bounded), never drop
  std::chrono::milliseconds delay{0};     // silence ahead of the audio
};

class QueuedOutput final : public Output {
 public:
  QueuedOutput(std::unique_ptr<Output> inner, QueuedOutputOptions options = {});
  ~QueuedOutput() override;  // close()

  // Opens the inner sink (on this thread) and starts the worker.
  AudioFormat open(const AudioFormat& requested) override;
  void write(const float* interleaved, FrameCount frames) override;
  // Waits (bounded, 10 s) until the worker has handed everything to the sink.
  void drain() override;
  // Stops the worker after the write in progress (rendering: once everything queued has
  // been written, bounded), then closes the sink.
  void close() override;
  std::optional<OutputStamp> stamp() const override { return std::nullopt; }
  // written: frames given to write(); dropped_frames: those the full ring lost; played:
  // frames the sink has taken (the delay's silence too).
  OutputStats stats() const override;
  bool realtime() const override { return false; }
  std::string describe() const override;
  // Kept (at most 64) until the worker reaches frame `at`, then given to the sink right
  // before that frame.
  void post_title(FrameCount at, const std::string& title) override;
  // The sink's, with this queue's drops added.
  void collect_status(std::vector<OutputStatus>& into) const override;
  void watch(OutputEvents* events) override { inner_->watch(events); }

  Output& inner() noexcept;

 private:
  struct Worker;
  std::unique_ptr<Output> inner_;
  QueuedOutputOptions options_;
  std::unique_ptr<Worker> worker_;
  std::mutex titles_gate_;  // post_title() (another thread) against open()/close() replacing worker_
  OutputStats last_;  // after close()
};

}  // namespace onair
