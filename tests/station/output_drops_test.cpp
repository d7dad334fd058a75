// The decision behind the `output_behind` alarm: which followers' queues dropped audio since
// the last look, with how much, in a message an operator can act on.
#include <gtest/gtest.h>

#include "station/output_drops.hpp"

namespace onair {
namespace {

OutputStatus follower(const std::string& name, FrameCount queue_dropped, bool connected = true) {
  OutputStatus s;
  s.name = name;
  s.queue_dropped = queue_dropped;
  s.dropped_frames = queue_dropped;
  s.connected = connected;
  return s;
}

TEST(OutputDrops, OnlyNewDropsCountAndEachLookMovesOn) {
  std::map<std::string, FrameCount> seen;
  auto d = new_queue_drops({follower("pa:system", 0), follower("listen://0.0.0.0:8000/onair.mp3", 72000)}, seen, 48000);
  ASSERT_EQ(d.names, std::vector<std::string>{"listen://0.0.0.0:8000/onair.mp3"});
  EXPECT_NE(d.message.find("listen://0.0.0.0:8000/onair.mp3 dropped 1.5 s of audio"), std::string::npos) << d.message;
  // Nothing more dropped: nothing new to say.
  d = new_queue_drops({follower("pa:system", 0), follower("listen://0.0.0.0:8000/onair.mp3", 72000)}, seen, 48000);
  EXPECT_TRUE(d.names.empty());
  EXPECT_TRUE(d.message.empty());
  // Both drop: both named, with what each lost since the last look.
  d = new_queue_drops({follower("pa:system", 4800), follower("listen://0.0.0.0:8000/onair.mp3", 72000 + 24000)}, seen, 48000);
  ASSERT_EQ(d.names.size(), 2u);
  EXPECT_NE(d.message.find("pa:system dropped 0.1 s"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("onair.mp3 dropped 0.5 s"), std::string::npos) << d.message;
}

TEST(OutputDrops, AStreamWithoutItsServerIsLeftToStreamDown) {
  std::map<std::string, FrameCount> seen;
  auto d = new_queue_drops({follower("icecast://radio.huyen.vn:8000/onair.mp3", 96000, false)}, seen, 48000);
  EXPECT_TRUE(d.names.empty()) << d.message;
  // What it dropped while down is not counted once it is back.
  d = new_queue_drops({follower("icecast://radio.huyen.vn:8000/onair.mp3", 96000, true)}, seen, 48000);
  EXPECT_TRUE(d.names.empty()) << d.message;
}

}  // namespace
}  // namespace onair
