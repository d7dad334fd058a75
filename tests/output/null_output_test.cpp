#include "player/output/null.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "player/output/pacer.hpp"

namespace onair {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ManualSleeper, OnlyMovesForward) {
  ManualSleeper clock;
  const MonoTime t0 = clock.now();
  clock.sleep_until(t0 + milliseconds(5));
  EXPECT_EQ(clock.now(), t0 + milliseconds(5));
  clock.sleep_until(t0);  // in the past: returns at once
  EXPECT_EQ(clock.now(), t0 + milliseconds(5));
  clock.advance(seconds(1));
  EXPECT_EQ(clock.now(), t0 + milliseconds(1005));
  EXPECT_EQ(clock.sleeps(), 2);
}

TEST(NullOutput, FreeRunningNeverSleeps) {
  ManualSleeper clock;
  NullOutput out({.realtime = false, .sleeper = &clock});
  EXPECT_EQ(out.open({44100, 6}), (AudioFormat{44100, 6}));
  std::vector<float> block(1000 * 6);
  for (int i = 0; i < 1000; ++i) out.write(block.data(), 1000);
  EXPECT_EQ(clock.sleeps(), 0);
  EXPECT_EQ(out.stats().written, 1'000'000);
  EXPECT_FALSE(out.stamp().has_value());
  EXPECT_FALSE(out.realtime());
}

// The emulated device holds 100 ms; the writer may run that far ahead of real time.
TEST(NullOutput, PacedByTheInjectedClock) {
  ManualSleeper clock;
  NullOutput out({.realtime = true, .sleeper = &clock, .buffer = milliseconds(100)});
  const AudioFormat fmt = out.open({48000, 2});
  const MonoTime t0 = clock.now();
  std::vector<float> block(480 * 2);
  for (FrameCount n = 480; n <= 48000; n += 480) {
    out.write(block.data(), 480);
    // Frame 0 plays at t0; after writing n frames we wait until n - 4800 have played.
    ASSERT_EQ(clock.now(), t0 + fmt.duration(std::max<FrameCount>(0, n - 4800))) << n;
    const auto st = out.stamp();
    ASSERT_TRUE(st.has_value());
    EXPECT_EQ(st->frame, n);
    EXPECT_EQ(st->time, t0 + fmt.duration(n));
    EXPECT_EQ(st->epoch, 0u);
  }
  EXPECT_EQ(clock.now(), t0 + milliseconds(900));
  EXPECT_EQ(out.stats().underruns, 0);
}

TEST(NullOutput, LateWriterIsAnUnderrunAndReanchors) {
  ManualSleeper clock;
  NullOutput out({.realtime = true, .sleeper = &clock, .buffer = milliseconds(100)});
  const AudioFormat fmt = out.open({48000, 2});
  const MonoTime t0 = clock.now();
  std::vector<float> block(4800 * 2);
  for (int i = 0; i < 10; ++i) out.write(block.data(), 4800);  // 1 s written, 0.9 s played
  EXPECT_EQ(clock.now(), t0 + milliseconds(900));
  clock.advance(milliseconds(600));  // the engine stalls: the buffer ran dry 500 ms ago
  const MonoTime late = clock.now();
  out.write(block.data(), 4800);
  const auto st = out.stamp();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->epoch, 1u) << "the frame->time mapping jumped";
  EXPECT_EQ(st->frame, 52800);
  EXPECT_EQ(st->time, late + fmt.duration(4800));
  EXPECT_EQ(out.stats().underruns, 1);
  EXPECT_EQ(out.stats().underrun_frames, 24000);
  EXPECT_EQ(clock.now(), late) << "buffer refilled to 100 ms, no need to wait";
}

TEST(Pacer, RestartAnchorsAtTheNextAdvance) {
  ManualSleeper clock;
  const AudioFormat fmt{48000, 2};
  Pacer pacer(clock, fmt, 0);
  pacer.restart(1000, 7);
  EXPECT_FALSE(pacer.stamp().has_value());
  const MonoTime t0 = clock.now();
  pacer.advance(48);
  EXPECT_EQ(clock.now(), t0 + milliseconds(1));
  EXPECT_EQ(pacer.next_frame(), 1048);
  EXPECT_EQ(*pacer.stamp(), (OutputStamp{1048, t0 + milliseconds(1), 7}));
  clock.advance(seconds(5));
  pacer.restart(5000, 8);  // e.g. a new timeline after a device change: no underrun
  pacer.advance(480);
  EXPECT_EQ(pacer.underruns(), 0);
  EXPECT_EQ(pacer.stamp()->epoch, 8u);
}

TEST(StampSlot, StoresAndLoadsAcrossThreads) {
  StampSlot slot;
  EXPECT_FALSE(slot.load().has_value());
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (FrameCount i = 1; !stop; ++i) slot.store({i, MonoTime(std::chrono::nanoseconds(i * 3)), uint32_t(i)});
  });
  for (int i = 0; i < 200000; ++i) {
    if (auto s = slot.load()) {
      // A torn read would mix fields from two stores.
      ASSERT_EQ(s->time.time_since_epoch().count(), s->frame * 3);
      ASSERT_EQ(s->epoch, uint32_t(s->frame));
    }
  }
  stop = true;
  writer.join();
  slot.clear();
  EXPECT_FALSE(slot.load().has_value());
}

}  // namespace
}  // namespace onair
