// Events that belong to no item (a stream output lost or found its server) in the as-run
// log: a line of their own, in the file of the local day they happened on, in order with the
// records around them through the writer's queue, and never mistaken for an item when a
// crash is recovered.
#include <gtest/gtest.h>

#include "player/asrun/log.hpp"
#include "player/asrun/queue.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;

const LocalDay& zone() {
  static const LocalDay day("Asia/Ho_Chi_Minh", date::year(2011) / 11 / 26);
  return day;
}

AsRunRecord record(std::size_t item, Duration at) {
  const TimePoint t = zone().at(at).time;
  AsRunRecord r;
  r.day = "2011-11-26";
  r.program = "sang";
  r.item = item;
  r.title = "Bản tin thời sự";
  r.source = "news.mp3";
  r.scheduled = r.started = t;
  r.ended = t + 10s;
  r.planned = r.played = 10s;
  return r;
}

AsRunEvent lost(Duration at) {
  return {AsRunEventKind::output_disconnected, zone().at(at).time, "icecast://radio.huyen.vn:8000/onair.mp3",
          "lost: Socket error"};
}

TEST(AsRunEvents, ALineOfItsOwnWithTheLocalTime) {
  test::TempDir dir;
  {
    AsRunLog log(dir / "a.jsonl", zone());
    log.event(lost(6h + 30min));
    log.event({AsRunEventKind::output_connected, zone().at(6h + 30min + 4s).time, "icecast://radio.huyen.vn:8000/onair.mp3",
               "back after 4.0 s without the server"});
  }
  const auto lines = test::read_json_lines(dir / "a.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["event"], "output_disconnected");
  EXPECT_EQ(lines[0]["at"], "2011-11-26T06:30:00.000+07:00");
  EXPECT_EQ(lines[0]["output"], "icecast://radio.huyen.vn:8000/onair.mp3");
  EXPECT_EQ(lines[0]["detail"], "lost: Socket error");
  EXPECT_EQ(lines[1]["event"], "output_connected");
  EXPECT_EQ(lines[1]["at"], "2011-11-26T06:30:04.000+07:00");
}

TEST(AsRunEvents, TheFolderFilesEachUnderTheLocalDateItHappenedOn) {
  test::TempDir dir;
  {
    AsRunFolder folder(dir / "asrun", zone());
    folder.event(lost(24h - 1s));  // 23:59:59 local, 16:59:59 UTC
    folder.event(lost(24h + 1s));  // 00:00:01 the next local day
  }
  const auto first = test::read_json_lines(dir / "asrun/2011-11-26.jsonl");
  const auto second = test::read_json_lines(dir / "asrun/2011-11-27.jsonl");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0]["at"], "2011-11-26T23:59:59.000+07:00");
  EXPECT_EQ(second[0]["at"], "2011-11-27T00:00:01.000+07:00");
}

TEST(AsRunEvents, TheQueueKeepsThemInOrderWithTheRecords) {
  test::TempDir dir;
  {
    AsRunLog log(dir / "a.jsonl", zone());
    AsRunQueue queue(log);
    queue.started(record(0, 6h));
    queue.event(lost(6h + 5s));
    queue.ended(record(0, 6h));
  }
  const auto lines = test::read_json_lines(dir / "a.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["event"], "start");
  EXPECT_EQ(lines[1]["event"], "output_disconnected");
  EXPECT_FALSE(lines[2].contains("event"));
  EXPECT_EQ(lines[2]["title"], "Bản tin thời sự");
}

TEST(AsRunEvents, AnEventNeitherEndsNorStartsAnItemWhenACrashIsRecovered) {
  test::TempDir dir;
  const auto path = dir / "a.jsonl";
  {
    AsRunLog log(path, zone());
    log.started(record(0, 6h));  // ended properly
    log.event(lost(6h + 2s));
    log.ended(record(0, 6h));
    log.started(record(1, 6h + 10s));  // on air when the player died
    log.event(lost(6h + 12s));
  }
  const auto open = AsRunLog::unfinished(path);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["item"], 1);
  { AsRunLog reopened(path, zone()); }
  const auto lines = test::read_json_lines(path);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[5]["status"], "interrupted");
  EXPECT_EQ(lines[5]["item"], 1);
}

}  // namespace
}  // namespace onair
