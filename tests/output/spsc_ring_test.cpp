#include "player/output/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

namespace onair {
namespace {

TEST(SpscRing, StartsEmptyWithFullCapacity) {
  SpscRing<float> ring(100, 2);
  EXPECT_EQ(ring.capacity(), 100u);
  EXPECT_EQ(ring.channels(), 2);
  EXPECT_EQ(ring.readable(), 0u);
  EXPECT_EQ(ring.writable(), 100u);
  float out[4];
  EXPECT_EQ(ring.read(out, 2), 0u);
}

TEST(SpscRing, WritesAndReadsWholeFramesAcrossTheWrap) {
  SpscRing<float> ring(5, 2);
  const std::vector<float> a{1, 2, 3, 4, 5, 6, 7, 8};  // 4 frames
  ASSERT_EQ(ring.write(a.data(), 4), 4u);
  std::vector<float> out(8, 0);
  ASSERT_EQ(ring.read(out.data(), 3), 3u);
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4, 5, 6, 0, 0}));
  // 1 frame left; writing 4 more wraps around the physical end.
  const std::vector<float> b{9, 10, 11, 12, 13, 14, 15, 16};
  ASSERT_EQ(ring.write(b.data(), 4), 4u);
  EXPECT_EQ(ring.readable(), 5u);
  EXPECT_EQ(ring.writable(), 0u);
  std::vector<float> all(10, 0);
  ASSERT_EQ(ring.read(all.data(), 10), 5u);
  EXPECT_EQ(all, (std::vector<float>{7, 8, 9, 10, 11, 12, 13, 14, 15, 16}));
}

TEST(SpscRing, WriteStopsWhenFull) {
  SpscRing<float> ring(3, 1);
  const float in[5] = {1, 2, 3, 4, 5};
  EXPECT_EQ(ring.write(in, 5), 3u);
  EXPECT_EQ(ring.write(in, 1), 0u);
  float out[5] = {};
  EXPECT_EQ(ring.read(out, 1), 1u);
  EXPECT_EQ(ring.write(in + 3, 2), 1u);
  EXPECT_EQ(ring.read(out, 5), 3u);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[1], 3);
  EXPECT_EQ(out[2], 4);
}

TEST(SpscRing, ResetEmptiesIt) {
  SpscRing<float> ring(4, 1);
  const float in[3] = {1, 2, 3};
  ring.write(in, 3);
  ring.reset();
  EXPECT_EQ(ring.readable(), 0u);
  EXPECT_EQ(ring.writable(), 4u);
}

TEST(SpscRing, RejectsEmptyShapes) {
  EXPECT_THROW(SpscRing<float>(0, 2), std::invalid_argument);
  EXPECT_THROW(SpscRing<float>(8, 0), std::invalid_argument);
}

// Two threads, random block sizes, a ring small and odd-sized so it wraps constantly:
// every sample must arrive once, in order.
TEST(SpscRing, TwoThreadStressKeepsOrder) {
  constexpr int kChannels = 3;
  constexpr std::uint32_t kFrames = 10'000'000;
  SpscRing<std::uint32_t> ring(257, kChannels);

  std::thread producer([&] {
    std::mt19937 rng(1);
    std::uniform_int_distribution<std::uint32_t> size(1, 300);
    std::vector<std::uint32_t> block(300 * kChannels);
    std::uint32_t next = 0;
    while (next < kFrames) {
      const std::uint32_t n = std::min(size(rng), kFrames - next);
      for (std::uint32_t f = 0; f < n; ++f)
        for (int c = 0; c < kChannels; ++c) block[f * kChannels + c] = (next + f) * kChannels + c;
      std::uint32_t done = 0;
      while (done < n) {
        const auto w = static_cast<std::uint32_t>(ring.write(block.data() + done * kChannels, n - done));
        if (w == 0) std::this_thread::yield();
        done += w;
      }
      next += n;
    }
  });

  std::mt19937 rng(2);
  std::uniform_int_distribution<std::uint32_t> size(1, 300);
  std::vector<std::uint32_t> block(300 * kChannels);
  std::uint32_t expected = 0;
  std::uint64_t errors = 0;
  while (expected < kFrames * kChannels) {
    const auto n = static_cast<std::uint32_t>(ring.read(block.data(), size(rng)));
    if (n == 0) std::this_thread::yield();
    for (std::uint32_t i = 0; i < n * kChannels; ++i) errors += block[i] != expected++;
  }
  producer.join();
  EXPECT_EQ(errors, 0u);
  EXPECT_EQ(ring.readable(), 0u);
}

// The producer takes back the newest frames now and then and writes them again under a
// new generation: the consumer must see every frame once, in order, and never an old
// generation after a newer one (it read nothing that was taken back).
TEST(SpscRing, RetractTakesBackOnlyUnreadFrames) {
  constexpr std::uint64_t kFrames = 2'000'000;
  SpscRing<std::uint64_t> ring(1024, 1);
  std::atomic<bool> done{false};
  std::uint64_t retracted = 0, retractions = 0;
  std::thread producer([&] {
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> size(1, 200), chance(0, 99);
    std::vector<std::uint64_t> block(200);
    std::uint64_t next = 0, gen = 0;
    while (next < kFrames) {
      if (chance(rng) == 0) {
        const std::size_t took = ring.retract(400, 64, [] { std::this_thread::yield(); }, 1'000'000);
        next -= took;
        retracted += took;
        retractions += took > 0;
        ++gen;
      }
      const auto n = static_cast<std::uint64_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(size(rng)), kFrames - next));
      for (std::uint64_t f = 0; f < n; ++f) block[f] = ((next + f) << 16) | (gen & 0xffff);
      std::uint64_t put = 0;
      while (put < n) {
        const auto w = ring.write(block.data() + put, n - put);
        if (w == 0) std::this_thread::yield();
        put += w;
      }
      next += n;
    }
    done = true;
  });
  std::mt19937 rng(4);
  std::uniform_int_distribution<int> size(1, 128);
  std::vector<std::uint64_t> block(128);
  std::uint64_t expected = 0, last_gen = 0, errors = 0;
  while (expected < kFrames) {
    const auto n = ring.read(block.data(), static_cast<std::size_t>(size(rng)));
    if (n == 0) std::this_thread::yield();
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t frame = block[i] >> 16, gen = block[i] & 0xffff;
      errors += frame != expected++;
      errors += gen < last_gen;
      last_gen = gen;
    }
  }
  producer.join();
  EXPECT_EQ(errors, 0u);
  EXPECT_GT(retractions, 10u);
  EXPECT_GT(retracted, 0u);
}

// Without a consumer the request is withdrawn: nothing is taken and writing goes on.
TEST(SpscRing, RetractWithoutAConsumerIsWithdrawn) {
  SpscRing<float> ring(64, 2);
  std::vector<float> block(64 * 2, 1.0f);
  ASSERT_EQ(ring.write(block.data(), 40), 40u);
  int polls = 0;
  EXPECT_EQ(ring.retract(30, 0, [&] { ++polls; }, 5), 0u);
  EXPECT_EQ(polls, 5);
  EXPECT_EQ(ring.readable(), 40u);
  // The next read applies nothing (withdrawn), then a request with a reader takes back
  // what the read does not take, but `keep`.
  std::vector<float> out(64 * 2);
  EXPECT_EQ(ring.read(out.data(), 10), 10u);
  std::thread reader([&] {
    while (ring.read(out.data(), 0) == 0 && ring.readable() == 30u) std::this_thread::yield();
  });
  const std::size_t took = ring.retract(100, 8, [] { std::this_thread::yield(); }, 1'000'000);
  reader.join();
  EXPECT_EQ(took, 22u);  // 30 unread, 8 kept
  EXPECT_EQ(ring.readable(), 8u);
}

}  // namespace
}  // namespace onair
