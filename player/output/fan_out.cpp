#include "player/output/fan_out.hpp"

namespace onair {

FanOutOutput::FanOutOutput(std::unique_ptr<Output> primary, std::vector<std::unique_ptr<QueuedOutput>> followers)
    : primary_(std::move(primary)), followers_(std::move(followers)) {
  if (!primary_) throw std::invalid_argument("FanOutOutput needs a primary output");
}

FanOutOutput::~FanOutOutput() { close(); }

AudioFormat FanOutOutput::open(const AudioFormat& requested) {
  const AudioFormat f = primary_->open(requested);
  for (auto& out : followers_) {
    AudioFormat got;
    try {
      got = out->open(f);
    } catch (...) {
      close();
      throw;
    }
    if (got.sample_rate != f.sample_rate || got.channels != f.channels) {
      const std::string name = out->describe();
      close();
      throw OutputError(name + ": opened at " + std::to_string(got.sample_rate) + " Hz, " +
                        std::to_string(got.channels) + " ch; every output must take the first's " +
                        std::to_string(f.sample_rate) + " Hz, " + std::to_string(f.channels) + " ch");
    }
  }
  const FrameCount retractable = followers_.empty() ? 0 : primary_->retract_capacity();
  held_.reset(retractable > 0 ? retractable + 8192 : 0, f.channels);
  return f;
}

void FanOutOutput::write(const float* interleaved, FrameCount frames) {
  primary_->write(interleaved, frames);
  if (followers_.empty()) return;
  held_.push(interleaved, frames, primary_->retractable(),
             [this](const float* data, FrameCount n) { feed_followers(data, n); });
}

void FanOutOutput::feed_followers(const float* interleaved, FrameCount frames) {
  for (auto& out : followers_) out->write(interleaved, frames);
}

FrameCount FanOutOutput::retract(FrameCount most, FrameCount keep) {
  const FrameCount took = primary_->retract(most, keep);
  held_.drop_newest(took);
  return took;
}

void FanOutOutput::drain() {
  held_.release_all([this](const float* data, FrameCount n) { feed_followers(data, n); });
  primary_->drain();
  for (auto& out : followers_) out->drain();
}

void FanOutOutput::close() {
  held_.release_all([this](const float* data, FrameCount n) { feed_followers(data, n); });
  primary_->close();
  for (auto& out : followers_) out->close();
}

void FanOutOutput::watch(OutputEvents* events) {
  primary_->watch(events);
  for (auto& out : followers_) out->watch(events);
}

void FanOutOutput::post_title(FrameCount at, const std::string& title) {
  primary_->post_title(at, title);
  for (auto& out : followers_) out->post_title(at, title);
}

void FanOutOutput::collect_status(std::vector<OutputStatus>& into) const {
  primary_->collect_status(into);
  for (const auto& out : followers_) out->collect_status(into);
}

std::string FanOutOutput::describe() const {
  std::string d = primary_->describe();
  for (const auto& out : followers_) d += " + " + out->describe();
  return d;
}

}  // namespace onair
