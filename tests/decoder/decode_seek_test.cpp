// The arithmetic behind exact seeked cue-ins (see player/decode/seek.hpp).
#include <gtest/gtest.h>

#include "player/decode/seek.hpp"

namespace onair {
namespace {

TEST(PlanCueIn, NoResamplingFeedsFromTheCueItself) {
  const CueInPlan plan = plan_cue_in(480'000, 48000, 48000, 9600);
  EXPECT_TRUE(plan.seek);
  EXPECT_EQ(plan.feed_from_in, 480'000);
  EXPECT_EQ(plan.feed_from_out, 480'000);
  EXPECT_EQ(plan.decode_from_in, 470'400);
}

TEST(PlanCueIn, ResamplingFeedsFromAnAlignedPointBeforeTheCue) {
  // 44.1 -> 48 kHz: the filter phase repeats every 147 input / 160 output samples.
  const CueInPlan plan = plan_cue_in(341'927, 44100, 48000, 8820);
  EXPECT_TRUE(plan.seek);
  EXPECT_EQ(plan.feed_from_in % 147, 0);
  EXPECT_EQ(plan.feed_from_out, plan.feed_from_in / 147 * 160);
  EXPECT_LT(plan.feed_from_out, 341'927 - 256);  // room for the filter's start-up
  EXPECT_GT(plan.feed_from_out, 341'927 - 256 - 2 * 160 - 300);
  EXPECT_EQ(plan.decode_from_in, plan.feed_from_in - 8820);
}

TEST(PlanCueIn, DownsamplingLeavesMoreRoom) {
  const CueInPlan plan = plan_cue_in(1'000'000, 96000, 48000, 0);
  EXPECT_EQ(plan.feed_from_in % 2, 0);
  EXPECT_EQ(plan.feed_from_out * 2, plan.feed_from_in);
  EXPECT_LE(plan.feed_from_in, 2'000'000 - 512);
}

TEST(PlanCueIn, EarlyCuesDecodeFromTheStart) {
  EXPECT_FALSE(plan_cue_in(0, 44100, 48000, 0).seek);
  EXPECT_FALSE(plan_cue_in(5000, 44100, 48000, 8820).seek);
  const CueInPlan none = plan_cue_in(5000, 44100, 48000, 8820);
  EXPECT_EQ(none.feed_from_in, 0);
  EXPECT_EQ(none.feed_from_out, 0);
}

TEST(PlanCueIn, OddRatesStillAlign) {
  // gcd(47999, 48000) = 1: a period is a whole second, still exact.
  const CueInPlan plan = plan_cue_in(10 * 48000, 47999, 48000, 4800);
  EXPECT_TRUE(plan.seek);
  EXPECT_EQ(plan.feed_from_in % 47999, 0);
  EXPECT_EQ(plan.feed_from_out % 48000, 0);
  EXPECT_EQ(plan.feed_from_out / 48000, plan.feed_from_in / 47999);
}

}  // namespace
}  // namespace onair
