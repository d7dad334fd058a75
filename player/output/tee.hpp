#pragma once
// An Output that wraps the real sink and forwards every call to it unchanged, while
// feeding what was written to taps: the air-check recorder (what went out, with the wall
// time of each block's first frame), the silence detector (dead air on the output) and the
// loudness meter (what each item measured on air).
//
// The taps are built by open() for the format the inner sink actually opened (a device
// may open at another rate than requested), so the options are given here rather than
// ready-made taps. A tap that cannot be built (bad air-check options) is logged and left
// out: the broadcast never depends on its recording.
//
// For a sink that is not realtime() (render), the recorder is set to wait for its encoder
// rather than drop audio (AirCheckOptions::wait_when_full).
//
// Frames are counted from 0 at each open(), like the engine's output frame index, and
// mapped to wall time through the FrameClock given here or later with set_clock() (the
// RealClock of `play` is built after the sink is open and reads its stamps).
//
// Threading: as for every Output, open/write/drain/close from the engine thread.
// aircheck()/silence() may be called from any thread: the taps are shared, stay valid
// while held, and are replaced only by open().
#include <memory>
#include <mutex>
#include <optional>

#include "player/monitor/aircheck.hpp"
#include "player/monitor/loudness_meter.hpp"
#include "player/output/held_audio.hpp"
#include "player/output/output.hpp"
#include "player/monitor/silence_detector.hpp"

namespace onair {

struct TeeOptions {
  std::optional<AirCheckOptions> aircheck;  // record the output (docs/aircheck.md)
  std::optional<SilenceOptions> silence;    // watch it for dead air
  std::optional<LoudnessMeterOptions> loudness;  // measure it (the as-run's "lufs", the status meter)
};

class TeeOutput final : public Output {
 public:
  // `clock` must outlive the tee (or be replaced with set_clock()).
  TeeOutput(std::unique_ptr<Output> inner, const FrameClock& clock, TeeOptions options = {});
  // Without a clock yet: call set_clock() before the first write; blocks written while
  // there is no clock are not recorded (the silence detector still sees them).
  explicit TeeOutput(std::unique_ptr<Output> inner, TeeOptions options = {});
  ~TeeOutput() override;

  void set_clock(const FrameClock& clock) noexcept { clock_ = &clock; }

  // Opens the inner sink, then builds the taps for the format it opened.
  AudioFormat open(const AudioFormat& requested) override;
  // Forwards to the inner sink, then feeds the taps (only audio the sink accepted and can no
  // longer take back: HeldAudio).
  void write(const float* interleaved, FrameCount frames) override;
  void drain() override;
  FrameCount retract(FrameCount most, FrameCount keep) override;
  FrameCount retractable() const override { return inner_->retractable(); }
  FrameCount retract_capacity() const override { return inner_->retract_capacity(); }
  // Closes the inner sink, then finalizes the air-check file. The taps stay readable.
  void close() override;
  std::optional<OutputStamp> stamp() const override { return inner_->stamp(); }
  OutputStats stats() const override { return inner_->stats(); }
  bool realtime() const override { return inner_->realtime(); }
  std::string describe() const override { return inner_->describe(); }
  void post_title(FrameCount at, const std::string& title) override { inner_->post_title(at, title); }
  void watch(OutputEvents* events) override { inner_->watch(events); }
  void collect_status(std::vector<OutputStatus>& into) const override { inner_->collect_status(into); }

  // The taps of the current (or last) session; nullptr when not configured or not open yet.
  std::shared_ptr<AirCheckRecorder> aircheck() const;
  std::shared_ptr<SilenceDetector> silence() const;
  std::shared_ptr<LoudnessMeter> loudness() const;

  Output& inner() noexcept { return *inner_; }
  const TeeOptions& options() const noexcept { return options_; }
  FrameCount frames_written() const noexcept { return frames_; }

 private:
  std::unique_ptr<Output> inner_;
  const FrameClock* clock_ = nullptr;
  TeeOptions options_;
  AudioFormat format_;
  FrameCount frames_ = 0;  // engine thread: frames given to the taps
  HeldAudio held_;         // what the sink could still take back
  void feed_taps(const float* interleaved, FrameCount frames);

  // Written by open() on the engine thread under mutex_; read without it by the engine
  // thread, with it by others.
  mutable std::mutex mutex_;
  std::shared_ptr<AirCheckRecorder> recorder_;
  std::shared_ptr<SilenceDetector> detector_;
  std::shared_ptr<LoudnessMeter> meter_;
};

}  // namespace onair
