#pragma once
// One opened and started PortAudio output stream fed from its own SPSC ring. Internal to
// PortAudioOutput: opening and destroying it may block (device probing, PortAudio's
// JACK backend waits up to 10 minutes to stop a stream whose server died), so the output
// does both off the engine thread where it matters.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "player/pcm/audio_format.hpp"
#include "player/output/stamp.hpp"
#include "player/output/portaudio/library.hpp"
#include "player/output/spsc_ring.hpp"

struct PaStreamCallbackTimeInfo;  // from portaudio.h, kept out of this header

namespace onair {

// Counters that outlive any single stream. While a stream is attached its callback is
// their only writer; otherwise the engine thread is.
struct StreamShared {
  StampSlot stamps;
  std::atomic<FrameCount> next_frame{0};  // engine index of the next frame to play
  std::atomic<std::uint32_t> epoch{0};
  std::atomic<std::int64_t> underruns{0};
  std::atomic<FrameCount> underrun_frames{0};
};

struct StreamRequest {
  std::string device;                 // select_device() query
  AudioFormat format;                 // wanted format
  bool exact = false;                 // reopening: only this format will do
  std::chrono::milliseconds buffer{500};
  std::chrono::milliseconds latency{0};
  unsigned long frames_per_buffer = 0;
  std::chrono::microseconds extra_latency{0};  // calibration added to every DAC time
};

class PaStreamHandle {
 public:
  // Selects the device, picks a supported rate and opens and starts the stream. The stream
  // starts detached: call attach() once the shared counters are ready for it. Throws
  // OutputError / DeviceError.
  static std::unique_ptr<PaStreamHandle> open(const StreamRequest& request, std::shared_ptr<StreamShared> shared);

  // Stops (graceful) or aborts, then closes. May block: see the file comment.
  ~PaStreamHandle();
  PaStreamHandle(const PaStreamHandle&) = delete;
  PaStreamHandle& operator=(const PaStreamHandle&) = delete;

  const AudioFormat& format() const { return format_; }
  const std::string& device_name() const { return device_name_; }
  double latency() const { return latency_; }  // seconds from callback to DAC, as stamped
  SpscRing<float>& ring() { return ring_; }

  // Counts callbacks: stops moving when the device stops pulling audio.
  std::uint64_t heartbeat() const { return heartbeat_.load(std::memory_order_acquire); }
  // 1 active, 0 stopped, <0 PortAudio error; 1 if PortAudio is busy in another thread.
  int active() const;

  void attach() noexcept { detached_.store(false, std::memory_order_seq_cst); }
  // After this returns the callback no longer touches the shared counters (it plays
  // silence). Waits only for a callback already running, which never blocks.
  void detach() noexcept;
  // The ring runs empty on purpose (draining): not an underrun.
  void set_quiet(bool quiet) noexcept { quiet_.store(quiet, std::memory_order_relaxed); }
  void set_graceful_stop(bool graceful) noexcept { graceful_ = graceful; }

 private:
  PaStreamHandle(std::size_t ring_frames, int channels, std::shared_ptr<StreamShared> shared);
  static int callback(const void*, void* output, unsigned long count, const PaStreamCallbackTimeInfo* time,
                      unsigned long flags, void* user) noexcept;

  PortAudioLibrary lib_;  // PortAudio stays initialized while the stream exists
  void* pa_ = nullptr;    // PaStream*
  SpscRing<float> ring_;
  int channels_;
  std::shared_ptr<StreamShared> shared_;
  AudioFormat format_;
  std::string device_name_;
  double latency_ = 0;           // fixed DAC latency (JACK's own figure, or PortAudio's)
  bool use_time_info_ = false;   // per-callback DAC time from PortAudio instead
  double extra_latency_ = 0;
  bool graceful_ = false;

  // Callback-side state.
  std::atomic<std::uint64_t> heartbeat_{0};
  std::atomic<bool> detached_{true};
  std::atomic<bool> in_callback_{false};
  std::atomic<bool> quiet_{false};
  bool primed_ = false;  // played a real frame: only then is an empty ring an underrun
};

}  // namespace onair
