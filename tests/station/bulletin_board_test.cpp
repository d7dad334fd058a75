// The bulletin board decides when each airing is due; times are given, so a day of
// repeats runs in a moment.
#include "station/bulletins.hpp"

#include <gtest/gtest.h>

namespace onair {
namespace {

using namespace std::chrono_literals;

class BulletinBoardTest : public ::testing::Test {
 protected:
  LocalDay zone{"Asia/Ho_Chi_Minh", date::year_month_day{date::year(2026), date::month(12), date::day(4)}};
  TimePoint t0 = zone.at(6h).time;
  BulletinBoard board;

  BulletinSpec spec(BulletinLevel level, int repeat = 1, std::optional<Duration> every = std::nullopt) {
    BulletinSpec s;
    s.level = level;
    s.title = "Cảnh báo lũ";
    s.source = "/media/lu.wav";
    s.length = 20s;
    s.repeat = repeat;
    s.every = every;
    return s;
  }
};

TEST_F(BulletinBoardTest, AnEmergencyIsDueAtOnceAndRepeatsEveryInterval) {
  std::string id;
  ASSERT_EQ(board.add(spec(BulletinLevel::emergency, 3, 30min), t0, zone, id), "");
  EXPECT_EQ(id, "b-20261204-060000");
  auto due = board.due(t0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].first, 1);
  EXPECT_EQ(due[0].count, 1);
  EXPECT_TRUE(board.due(t0 + 29min).empty());
  due = board.due(t0 + 30min);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].first, 2);
  due = board.due(t0 + 61min);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].first, 3);
  EXPECT_TRUE(board.due(t0 + 5h).empty());
  EXPECT_EQ(board.state(id), BulletinState::done);
}

TEST_F(BulletinBoardTest, BackToBackRepeatsAreDueTogether) {
  std::string id;
  ASSERT_EQ(board.add(spec(BulletinLevel::priority, 3), t0, zone, id), "");
  const auto due = board.due(t0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].count, 3);
}

TEST_F(BulletinBoardTest, UntilExpiresTheAiringsAfterIt) {
  std::string id;
  BulletinSpec s = spec(BulletinLevel::emergency, 5, 1h);
  s.until = t0 + 90min;
  ASSERT_EQ(board.add(s, t0, zone, id), "");
  EXPECT_EQ(board.due(t0).size(), 1u);
  EXPECT_EQ(board.due(t0 + 1h).size(), 1u);
  EXPECT_TRUE(board.due(t0 + 2h).empty());  // 08:00 is after until 07:30
  EXPECT_EQ(board.state(id), BulletinState::done);
  s.until = t0 - 1min;
  EXPECT_NE(board.add(s, t0, zone, id).find("already passed"), std::string::npos);
}

TEST_F(BulletinBoardTest, CancelStopsWhatIsToCome) {
  std::string id;
  ASSERT_EQ(board.add(spec(BulletinLevel::emergency, 3, 30min), t0, zone, id), "");
  EXPECT_EQ(board.due(t0).size(), 1u);
  EXPECT_EQ(board.cancel(id), "");
  EXPECT_TRUE(board.due(t0 + 30min).empty());
  EXPECT_EQ(board.state(id), BulletinState::cancelled);
  EXPECT_NE(board.cancel("b-nope"), "");
}

TEST_F(BulletinBoardTest, NormalBulletinsWaitToBePlacedAndAiringsAreRecorded) {
  std::string id, second;
  ASSERT_EQ(board.add(spec(BulletinLevel::normal, 2), t0, zone, id), "");
  ASSERT_EQ(board.add(spec(BulletinLevel::normal), t0, zone, second), "");
  EXPECT_EQ(second, id + "-2");  // the same second: still unique
  EXPECT_TRUE(board.due(t0 + 1h).empty());
  BulletinDue d;
  EXPECT_EQ(board.place(id, "morning", d), "");
  EXPECT_EQ(d.count, 2);
  EXPECT_NE(board.place(id, "morning", d), "");  // placed already
  AsRunRecord r;
  r.program = "morning";
  r.title = "Cảnh báo lũ";
  r.started = t0 + 2h;
  r.ended = t0 + 2h + 20s;
  r.played = 20s;
  r.bulletin = BulletinTag{id, BulletinLevel::normal, 1};
  board.record(r);
  r.bulletin->airing = 2;
  r.started += 20s;
  board.record(r);
  EXPECT_EQ(board.state(id), BulletinState::done);
  const auto list = board.list(zone);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["airings"].size(), 2u);
  EXPECT_EQ(list[0]["level_vi"], "thông thường");
  EXPECT_EQ(list[0]["title"], "Cảnh báo lũ");
}

TEST_F(BulletinBoardTest, LevelsParseInBothLanguages) {
  EXPECT_EQ(parse_bulletin_level("khẩn cấp"), BulletinLevel::emergency);
  EXPECT_EQ(parse_bulletin_level("ưu tiên"), BulletinLevel::priority);
  EXPECT_EQ(parse_bulletin_level("normal"), BulletinLevel::normal);
  EXPECT_FALSE(parse_bulletin_level("urgent"));
}

}  // namespace
}  // namespace onair
