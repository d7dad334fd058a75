#include "player/output/null.hpp"

namespace onair {

NullOutput::NullOutput(NullOutputOptions options) : options_(options) {}

NullOutput::~NullOutput() { close(); }

AudioFormat NullOutput::open(const AudioFormat& requested) {
  if (requested.sample_rate <= 0 || requested.channels <= 0) throw OutputError("null: invalid format");
  format_ = requested;
  written_ = 0;
  if (options_.realtime) {
    Sleeper& sleeper = options_.sleeper ? *options_.sleeper : system_sleeper();
    pacer_ = std::make_unique<Pacer>(sleeper, format_, format_.frames(options_.buffer));
    pacer_->restart(0, 0);
  }
  return format_;
}

void NullOutput::write(const float*, FrameCount frames) {
  if (frames <= 0) return;
  written_.fetch_add(frames, std::memory_order_relaxed);
  if (pacer_) pacer_->advance(frames);
}

void NullOutput::close() {}  // nothing to release; the pacer stays for late stats() readers

std::optional<OutputStamp> NullOutput::stamp() const {
  return pacer_ ? pacer_->stamp() : std::nullopt;
}

OutputStats NullOutput::stats() const { return paced_stats(written_.load(std::memory_order_relaxed), pacer_.get()); }

}  // namespace onair
