#pragma once
// An Output that runs the master processor (player/loudness/processor.hpp: AGC and true-peak
// limiter) on everything written, on the caller's thread, and writes the result to the sink
// it wraps — in front of the tee, so every output hears the same processed bus.
//
// Frame indices do not move: the processor delays its output by latency() frames, so the
// first latency() frames it produces (the delay line's initial silence) are dropped, and
// drain() and close() flush the last latency() frames by processing as many frames of
// silence as the look-ahead. Output frame k is always mix frame k: a render's WAV keeps its
// length and its sample 0, stamps and the clock are unaffected. (While playing, the inner
// sink is latency() frames behind what was written; after a flush it has everything.)
// Writing again after a drain goes on from there, still aligned (the flushed look-ahead saw
// silence there).
//
// Threading: open/write/drain/close and set_control() from the engine thread (as for every
// Output): set_control() is a plain assignment, read by the next write(). agc_gain_db() and
// limiter_reduction_db() may be read from any thread (the processor's relaxed atomics,
// copied here after each write).
//
// write() never allocates, locks, logs or does I/O of its own: open() builds the processor
// for the format the inner sink opened and a scratch buffer, and write() works through the
// caller's block in pieces of that size.
#include <atomic>
#include <memory>
#include <vector>

#include "player/loudness/processor.hpp"
#include "player/output/output.hpp"

namespace onair {

class ProcessedOutput final : public Output {
 public:
  explicit ProcessedOutput(std::unique_ptr<Output> inner, MasterOptions options = {});
  ~ProcessedOutput() override;

  // Engine thread, before each write (no synchronisation: same thread).
  void set_control(const BusControl& control) noexcept { control_ = control; }
  const BusControl& control() const noexcept { return control_; }

  // Opens the inner sink, then builds the processor for the format it opened.
  AudioFormat open(const AudioFormat& requested) override;
  void write(const float* interleaved, FrameCount frames) override;
  // Flushes the look-ahead to the inner sink, then drains it.
  void drain() override;
  // Flushes (if there is anything to flush) and closes the inner sink; idempotent.
  void close() override;
  // The inner sink's frames back, and the look-ahead's (which would reach it next): the
  // delay line's contents then come out as its start did, dropped, so frames stay aligned.
  FrameCount retract(FrameCount most, FrameCount keep) override;
  FrameCount retractable() const override { return inner_->retractable(); }
  FrameCount retract_capacity() const override { return inner_->retract_capacity(); }
  std::optional<OutputStamp> stamp() const override { return inner_->stamp(); }
  OutputStats stats() const override { return inner_->stats(); }
  bool realtime() const override { return inner_->realtime(); }
  std::string describe() const override { return inner_->describe(); }
  void post_title(FrameCount at, const std::string& title) override { inner_->post_title(at, title); }
  void watch(OutputEvents* events) override { inner_->watch(events); }
  void collect_status(std::vector<OutputStatus>& into) const override { inner_->collect_status(into); }

  // The processor's frames of delay (0 before open()).
  FrameCount latency() const noexcept { return processor_ ? processor_->latency() : 0; }
  // Any thread: as of the last write.
  float agc_gain_db() const noexcept { return agc_gain_db_.load(std::memory_order_relaxed); }
  float limiter_reduction_db() const noexcept { return reduction_db_.load(std::memory_order_relaxed); }

  Output& inner() noexcept { return *inner_; }

 private:
  void run(const float* interleaved, FrameCount frames);  // process and pass on
  void flush();

  std::unique_ptr<Output> inner_;
  MasterOptions options_;
  BusControl control_;
  AudioFormat format_;
  std::unique_ptr<MasterProcessor> processor_;
  std::vector<float> scratch_;
  FrameCount to_drop_ = 0;   // frames of the delay line's start still to drop
  bool pending_ = false;     // written since the last flush
  bool open_ = false;
  std::atomic<float> agc_gain_db_{0.0f};
  std::atomic<float> reduction_db_{0.0f};
};

}  // namespace onair
