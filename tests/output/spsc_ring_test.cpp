#include "player/output/spsc_ring.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace onair
