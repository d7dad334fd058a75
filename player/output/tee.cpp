#include "player/output/tee.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <utility>

namespace onair {

TeeOutput::TeeOutput(std::unique_ptr<Output> inner, const FrameClock& clock, TeeOptions options)
    : TeeOutput(std::move(inner), std::move(options)) {
  clock_ = &clock;
}

TeeOutput::TeeOutput(std::unique_ptr<Output> inner, TeeOptions options)
    : inner_(std::move(inner)), options_(std::move(options)) {
  if (!inner_) throw std::invalid_argument("TeeOutput needs an output to wrap");
}

TeeOutput::~TeeOutput() {
  try {
    close();
  } catch (...) {
  }
}

AudioFormat TeeOutput::open(const AudioFormat& requested) {
  format_ = inner_->open(requested);
  frames_ = 0;
  // Room for all the sink can take back plus the largest write (ProcessedOutput's pieces).
  const FrameCount retractable = inner_->retract_capacity();
  held_.reset(retractable > 0 ? retractable + 8192 : 0, format_.channels);
  std::shared_ptr<AirCheckRecorder> recorder;
  std::shared_ptr<SilenceDetector> detector;
  if (options_.aircheck) {
    try {
      AirCheckOptions o = *options_.aircheck;
      // Rendering faster than real time: nothing is on air, so wait for the encoder
      // rather than lose audio.
      if (!inner_->realtime()) o.wait_when_full = true;
      recorder = std::make_shared<AirCheckRecorder>(std::move(o), format_);
    } catch (const std::exception& e) {
      output_log()->error("air-check disabled: {}", e.what());
    }
  }
  if (options_.silence) {
    try {
      detector = std::make_shared<SilenceDetector>(*options_.silence, format_.sample_rate);
    } catch (const std::exception& e) {
      output_log()->error("silence detection disabled: {}", e.what());
    }
  }
  std::shared_ptr<LoudnessMeter> meter;
  if (options_.loudness) {
    try {
      LoudnessMeterOptions o = *options_.loudness;
      if (!inner_->realtime()) o.wait_when_full = true;  // a render measures every frame
      meter = std::make_shared<LoudnessMeter>(format_, o);
    } catch (const std::exception& e) {
      output_log()->error("loudness meter disabled: {}", e.what());
    }
  }
  std::shared_ptr<AirCheckRecorder> old;
  std::shared_ptr<LoudnessMeter> old_meter;
  {
    std::lock_guard lock(mutex_);
    old = std::exchange(recorder_, std::move(recorder));
    detector_ = std::move(detector);
    old_meter = std::exchange(meter_, std::move(meter));
  }
  if (old) old->close();
  if (old_meter) old_meter->close();  // a previous session's file, if close() was skipped
  return format_;
}

void TeeOutput::write(const float* interleaved, FrameCount frames) {
  inner_->write(interleaved, frames);
  if (frames <= 0) return;
  held_.push(interleaved, frames, inner_->retractable(),
             [this](const float* data, FrameCount n) { feed_taps(data, n); });
}

void TeeOutput::feed_taps(const float* interleaved, FrameCount frames) {
  if (recorder_ && clock_) recorder_->write(interleaved, frames, clock_->time_of(frames_));
  if (detector_) detector_->feed(interleaved, frames, format_.channels);
  if (meter_) meter_->write(interleaved, frames);
  frames_ += frames;
}

FrameCount TeeOutput::retract(FrameCount most, FrameCount keep) {
  const FrameCount took = inner_->retract(most, keep);
  held_.drop_newest(took);
  return took;
}

void TeeOutput::drain() {
  held_.release_all([this](const float* data, FrameCount n) { feed_taps(data, n); });
  inner_->drain();
}

void TeeOutput::close() {
  held_.release_all([this](const float* data, FrameCount n) { feed_taps(data, n); });
  try {
    inner_->close();
  } catch (...) {
    if (recorder_) recorder_->close();
    if (meter_) meter_->close();
    throw;
  }
  if (recorder_) recorder_->close();
  if (meter_) meter_->close();  // after the engine's last records: items still open end here
}

std::shared_ptr<AirCheckRecorder> TeeOutput::aircheck() const {
  std::lock_guard lock(mutex_);
  return recorder_;
}

std::shared_ptr<LoudnessMeter> TeeOutput::loudness() const {
  std::lock_guard lock(mutex_);
  return meter_;
}

std::shared_ptr<SilenceDetector> TeeOutput::silence() const {
  std::lock_guard lock(mutex_);
  return detector_;
}

}  // namespace onair
