#include "player/output/processed.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace onair {

namespace {
constexpr FrameCount kScratchFrames = 4096;  // a piece of a write(); any size works
}

ProcessedOutput::ProcessedOutput(std::unique_ptr<Output> inner, MasterOptions options)
    : inner_(std::move(inner)), options_(options) {
  if (!inner_) throw std::invalid_argument("ProcessedOutput needs an output to wrap");
}

ProcessedOutput::~ProcessedOutput() {
  try {
    close();
  } catch (...) {
  }
}

AudioFormat ProcessedOutput::open(const AudioFormat& requested) {
  format_ = inner_->open(requested);
  try {
    processor_ = std::make_unique<MasterProcessor>(format_, options_);
  } catch (const std::invalid_argument& e) {
    inner_->close();
    throw OutputError(std::string("master processor: ") + e.what());
  }
  scratch_.assign(static_cast<std::size_t>(kScratchFrames * format_.channels), 0.0f);
  to_drop_ = processor_->latency();
  pending_ = false;
  open_ = true;
  return format_;
}

void ProcessedOutput::run(const float* interleaved, FrameCount frames) {
  const int ch = format_.channels;
  while (frames > 0) {
    const FrameCount n = std::min(frames, kScratchFrames);
    float* s = scratch_.data();
    if (interleaved)
      std::memcpy(s, interleaved, static_cast<std::size_t>(n * ch) * sizeof(float));
    else
      std::fill_n(s, n * ch, 0.0f);
    processor_->process(s, n, control_);
    const FrameCount skip = std::min(to_drop_, n);
    to_drop_ -= skip;
    if (n > skip) inner_->write(s + skip * ch, n - skip);
    if (interleaved) interleaved += n * ch;
    frames -= n;
  }
  agc_gain_db_.store(processor_->agc_gain_db(), std::memory_order_relaxed);
  reduction_db_.store(processor_->limiter_reduction_db(), std::memory_order_relaxed);
}

void ProcessedOutput::write(const float* interleaved, FrameCount frames) {
  if (!open_ || frames <= 0) return;
  run(interleaved, frames);
  pending_ = true;
}

FrameCount ProcessedOutput::retract(FrameCount most, FrameCount keep) {
  const FrameCount lat = latency();
  if (!open_ || to_drop_ > 0 || most <= lat) return 0;
  const FrameCount took = inner_->retract(most - lat, keep);
  if (took == 0) return 0;
  to_drop_ = lat;  // what the delay line holds now never reaches the sink
  return took + lat;
}

void ProcessedOutput::flush() {
  if (!open_ || !pending_) return;
  // The look-ahead's last frames: push as much silence through. Whatever of the delay
  // line's start was not dropped yet (a stream shorter than the latency) is dropped first,
  // so exactly the frames written come out.
  run(nullptr, processor_->latency());
  to_drop_ = processor_->latency();  // the silence now in the delay line, if writing resumes
  pending_ = false;
}

void ProcessedOutput::drain() {
  flush();
  inner_->drain();
}

void ProcessedOutput::close() {
  if (open_) {
    try {
      flush();
    } catch (...) {
      open_ = false;
      inner_->close();
      throw;
    }
    open_ = false;
  }
  inner_->close();
}

}  // namespace onair
