// Several outputs at once: the primary paces, followers each behind their own queue. A
// follower that stalls drops its own audio (counted) and never delays the primary or the
// other followers; rendering, every follower gets every frame, in order; the delay puts
// silence ahead of the audio; a follower that opens another format is refused by name.
#include "player/output/fan_out.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace onair {
namespace {

using namespace std::chrono_literals;

// Keeps what it is given; each write takes `stall` (a dead server, a slow network).
class KeepingOutput final : public Output {
 public:
  explicit KeepingOutput(std::chrono::milliseconds stall = 0ms, int rate = 0) : stall_(stall), rate_(rate) {}
  AudioFormat open(const AudioFormat& r) override {
    format_ = r;
    if (rate_) format_.sample_rate = rate_;
    return format_;
  }
  void write(const float* x, FrameCount frames) override {
    if (stall_ > 0ms) std::this_thread::sleep_for(stall_);
    std::lock_guard lock(mutex_);
    samples_.insert(samples_.end(), x, x + frames * format_.channels);
  }
  void close() override {}
  std::optional<OutputStamp> stamp() const override { return std::nullopt; }
  OutputStats stats() const override { return {}; }
  bool realtime() const override { return false; }
  std::string describe() const override { return "keep"; }
  std::vector<float> samples() const {
    std::lock_guard lock(mutex_);
    return samples_;
  }

 private:
  std::chrono::milliseconds stall_;
  int rate_;
  AudioFormat format_{};
  mutable std::mutex mutex_;
  std::vector<float> samples_;
};

std::vector<float> ramp(FrameCount frames, int channels, float start) {
  std::vector<float> v(static_cast<std::size_t>(frames * channels));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = start + static_cast<float>(i) * 1e-6f;
  return v;
}

TEST(FanOut, AStalledFollowerNeverDelaysThePrimaryOrTheOthers) {
  auto primary = std::make_unique<KeepingOutput>();
  auto* p = primary.get();
  auto stalled = std::make_unique<KeepingOutput>(2000ms);  // each write takes 2 s
  auto healthy = std::make_unique<KeepingOutput>();
  auto* h = healthy.get();
  QueuedOutputOptions q;
  q.queue = 500ms;
  std::vector<std::unique_ptr<QueuedOutput>> followers;
  followers.push_back(std::make_unique<QueuedOutput>(std::move(stalled), q));
  followers.push_back(std::make_unique<QueuedOutput>(std::move(healthy), q));
  FanOutOutput out(std::move(primary), std::move(followers));
  ASSERT_EQ(out.open(AudioFormat{48000, 2}).sample_rate, 48000);
  // 2.1 s of audio at the engine's real-time pace (a block every 21 ms).
  const auto block = ramp(1024, 2, 0.0f);
  auto slowest = std::chrono::steady_clock::duration::zero();
  for (int i = 0; i < 100; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    out.write(block.data(), 1024);
    slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
    std::this_thread::sleep_for(21ms);
  }
  EXPECT_LT(slowest, 200ms) << "the engine waited for a stalled follower";
  EXPECT_EQ(p->samples().size(), 100u * 1024 * 2);
  for (int i = 0; i < 500 && h->samples().size() < 100u * 1024 * 2; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GT(out.follower(0).stats().dropped_frames, 0) << "a stalled follower drops (and counts) its audio";
  EXPECT_EQ(out.follower(1).stats().dropped_frames, 0);
  EXPECT_EQ(h->samples().size(), 100u * 1024 * 2) << "the healthy follower got everything";
  EXPECT_EQ(h->samples(), p->samples());
  const auto t1 = std::chrono::steady_clock::now();
  out.close();
  EXPECT_LT(std::chrono::steady_clock::now() - t1, 5s) << "closing waits at most for the write in progress";
}

TEST(FanOut, RenderingEveryFollowerGetsEveryFrameInOrder) {
  auto primary = std::make_unique<KeepingOutput>();
  auto* p = primary.get();
  auto slow = std::make_unique<KeepingOutput>(2ms);
  auto* s = slow.get();
  QueuedOutputOptions q;
  q.queue = 100ms;  // far less than what is written: the render waits instead of dropping
  q.wait_when_full = true;
  std::vector<std::unique_ptr<QueuedOutput>> followers;
  followers.push_back(std::make_unique<QueuedOutput>(std::move(slow), q));
  FanOutOutput out(std::move(primary), std::move(followers));
  out.open(AudioFormat{48000, 2});
  for (int i = 0; i < 50; ++i) {
    const auto block = ramp(1000, 2, static_cast<float>(i));
    out.write(block.data(), 1000);
  }
  out.drain();
  EXPECT_EQ(out.follower(0).stats().dropped_frames, 0);
  EXPECT_EQ(s->samples(), p->samples());
  out.close();
}

TEST(FanOut, DelayPutsSilenceAheadOfTheAudio) {
  auto primary = std::make_unique<KeepingOutput>();
  auto follower = std::make_unique<KeepingOutput>();
  auto* f = follower.get();
  QueuedOutputOptions q;
  q.delay = 350ms;
  q.wait_when_full = true;
  std::vector<std::unique_ptr<QueuedOutput>> followers;
  followers.push_back(std::make_unique<QueuedOutput>(std::move(follower), q));
  FanOutOutput out(std::move(primary), std::move(followers));
  out.open(AudioFormat{48000, 2});
  const std::vector<float> ones(2 * 4800, 1.0f);
  out.write(ones.data(), 4800);
  out.drain();
  const auto got = f->samples();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(2 * (16800 + 4800)));
  for (std::size_t i = 0; i < 2 * 16800; ++i) ASSERT_EQ(got[i], 0.0f) << i;
  for (std::size_t i = 2 * 16800; i < got.size(); ++i) ASSERT_EQ(got[i], 1.0f) << i;
  out.close();
}

TEST(FanOut, AFollowerInAnotherFormatIsRefusedByName) {
  std::vector<std::unique_ptr<QueuedOutput>> followers;
  followers.push_back(std::make_unique<QueuedOutput>(std::make_unique<KeepingOutput>(0ms, 44100)));
  FanOutOutput out(std::make_unique<KeepingOutput>(), std::move(followers));
  try {
    out.open(AudioFormat{48000, 2});
    FAIL() << "opened";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("keep: opened at 44100 Hz"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace onair
