#pragma once
// The sound-card sink. One PortAudio callback stream stays open for the whole session.
// write() renders ahead into a preallocated SPSC ring; the callback only copies from the
// ring, counts frames and underruns (filling silence), and stamps
// (frame, monotonic time + DAC latency) into a lock-free slot.
//
// Device loss (card unplugged, JACK server gone) is detected from write() within about
// heartbeat_timeout: the stream reports inactive/error or its callback stops advancing.
// The sink then drops audio at real-time pace (so the engine's timeline keeps moving and
// write() never hangs) while a worker thread tears the old stream down and reopens the
// same device by name with exponential backoff, re-enumerating devices each time.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "player/output/output.hpp"
#include "player/output/pacer.hpp"

namespace onair {

class PaStreamHandle;
class PaWorker;
struct StreamShared;
struct StreamRequest;

struct PortAudioOutputOptions {
  std::string device;                      // exact name or unique substring; empty = default
  std::chrono::milliseconds buffer{500};   // render-ahead ring
  std::chrono::milliseconds latency{0};    // suggested latency; 0 = device's default high latency
  unsigned long frames_per_buffer = 0;     // 0 = the host's choice (JACK: its period)
  // Added to every DAC time: calibration for cards whose drivers misreport latency.
  std::chrono::microseconds extra_latency{0};
  std::chrono::milliseconds heartbeat_timeout{1000};  // no callback for this long = device lost
  std::chrono::milliseconds reopen_min{500};           // first retry after a loss...
  std::chrono::milliseconds reopen_max{8000};          // ...doubling up to this
  std::chrono::milliseconds close_timeout{3000};       // longest close() waits for the driver
  Sleeper* sleeper = nullptr;              // engine-side waits and pacing; nullptr = system
};

class PortAudioOutput final : public Output {
 public:
  explicit PortAudioOutput(PortAudioOutputOptions options);
  ~PortAudioOutput() override;

  AudioFormat open(const AudioFormat& requested) override;
  void write(const float* interleaved, FrameCount frames) override;
  void drain() override;
  void close() override;
  // Takes back from the ring what the callback has not read (it carries the request out at
  // its next buffer; waits at most ~200 ms for it).
  FrameCount retract(FrameCount most, FrameCount keep) override;
  FrameCount retractable() const override;
  FrameCount retract_capacity() const override { return ring_frames_; }
  std::optional<OutputStamp> stamp() const override;
  OutputStats stats() const override;
  bool realtime() const override { return true; }
  std::string describe() const override;

  bool device_ok() const { return device_ok_.load(); }  // false while the device is gone
  // Engine thread only: the resolved device name and the latency reported at (re)open.
  const std::string& device_name() const { return device_name_; }
  double output_latency() const { return latency_; }  // seconds

 private:
  StreamRequest request(const AudioFormat& format, bool exact) const;
  void install(std::unique_ptr<PaStreamHandle> stream);
  bool try_install();
  bool check_alive();
  void lose_device(const std::string& why);
  void write_dropped(FrameCount frames);
  Sleeper& sleeper() const;

  PortAudioOutputOptions options_;
  AudioFormat format_;
  bool opened_ = false;
  std::string device_name_;
  double latency_ = 0;
  const std::shared_ptr<StreamShared> shared_;  // counters the callbacks update
  std::unique_ptr<PaStreamHandle> stream_;      // null while the device is gone
  std::shared_ptr<PaWorker> worker_;            // teardown and reopening
  std::unique_ptr<Pacer> pacer_;                // paces dropped audio while the device is gone

  FrameCount ring_frames_ = 0;
  std::atomic<FrameCount> written_{0};
  std::atomic<FrameCount> dropped_{0};
  std::atomic<std::int64_t> reopens_{0};
  std::atomic<bool> device_ok_{false};

  // Liveness bookkeeping (engine thread only).
  std::uint64_t last_heartbeat_ = 0;
  MonoTime last_progress_{};
};

}  // namespace onair
