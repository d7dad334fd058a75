#pragma once
// The engine's one mix to several outputs at once (`--output` given more than once, the
// station config's `outputs:`). The first, the primary, is the clock master: its pacing,
// stamps and realtime() are the session's (a sound card, or a paced null/WAV output). The
// others follow, each behind its own QueuedOutput, so a slow or dead one drops its own
// audio and never delays the primary or the others.
//
// Every output opens in the primary's format; a follower that would open another one is an
// OutputError naming it (the engine renders one format).
#include <memory>
#include <vector>

#include "player/output/held_audio.hpp"
#include "player/output/output.hpp"
#include "player/output/queued.hpp"

namespace onair {

class FanOutOutput final : public Output {
 public:
  FanOutOutput(std::unique_ptr<Output> primary, std::vector<std::unique_ptr<QueuedOutput>> followers);
  ~FanOutOutput() override;

  AudioFormat open(const AudioFormat& requested) override;
  // The primary first, then the followers' copies of what it can no longer take back
  // (HeldAudio: a stream carries what the primary played, emergencies included).
  void write(const float* interleaved, FrameCount frames) override;
  void drain() override;
  FrameCount retract(FrameCount most, FrameCount keep) override;
  FrameCount retractable() const override { return primary_->retractable(); }
  FrameCount retract_capacity() const override { return primary_->retract_capacity(); }
  void close() override;
  std::optional<OutputStamp> stamp() const override { return primary_->stamp(); }
  OutputStats stats() const override { return primary_->stats(); }
  bool realtime() const override { return primary_->realtime(); }
  // "pa:system + icecast://127.0.0.1:8000/onair.mp3"
  std::string describe() const override;
  void post_title(FrameCount at, const std::string& title) override;
  void watch(OutputEvents* events) override;
  void collect_status(std::vector<OutputStatus>& into) const override;

  std::size_t followers() const noexcept { return followers_.size(); }
  const QueuedOutput& follower(std::size_t i) const { return *followers_.at(i); }

 private:
  std::unique_ptr<Output> primary_;
  std::vector<std::unique_ptr<QueuedOutput>> followers_;
  HeldAudio held_;  // the followers' audio while the primary could still take it back
  void feed_followers(const float* interleaved, FrameCount frames);
};

}  // namespace onair
