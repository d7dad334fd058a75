// Parsing and day totals of `onair report`, on the hand-written two-day log.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/asrun_report.hpp"

namespace onair::test {
const std::string& two_day_log();  // asrun_fixture.cpp
}

namespace onair {
namespace {

AsRunData parse(const std::string& text) {
  std::istringstream in(text);
  return parse_asrun(in);
}

TEST(AsRunParse, PairsStartLinesWithRecordsAndKeepsInFlightOnes) {
  const AsRunData d = parse(test::two_day_log());
  EXPECT_EQ(d.bad_lines, std::vector<std::size_t>{16});
  // 10 records + 1 start line that never got one (line 15).
  ASSERT_EQ(d.entries.size(), 11u);
  std::size_t in_flight = 0;
  for (const auto& e : d.entries) in_flight += e.in_flight;
  EXPECT_EQ(in_flight, 1u);
  const AsRunEntry& last = d.entries.back();
  EXPECT_TRUE(last.in_flight);
  EXPECT_EQ(last.line, 15u);
  EXPECT_EQ(last.title, "Đêm nhạc");
  EXPECT_EQ(last.day, "2011-11-27");
  EXPECT_FALSE(last.played_s);
  // The crashed item's start line is closed by its `interrupted` record, not in flight.
  const AsRunEntry& interrupted = d.entries[7];
  EXPECT_EQ(interrupted.status, "interrupted");
  EXPECT_EQ(interrupted.line, 12u);
  EXPECT_EQ(interrupted.ended, "");
  EXPECT_FALSE(interrupted.played_s);
  EXPECT_EQ(interrupted.offset_ms, 8);
  EXPECT_EQ(d.entries[6].title, "Tin \"nóng\", trong ngày");
}

TEST(AsRunParse, DayTotals) {
  const AsRunData d = parse(test::two_day_log());
  const auto days = asrun_day_totals(d);
  ASSERT_EQ(days.size(), 2u);
  const AsRunDayTotals& t = days[0];
  EXPECT_EQ(t.day, "2011-11-26");
  EXPECT_EQ(t.records, 9u);
  EXPECT_EQ(t.aired, 5u);  // played 2 + cut + joined + interrupted
  EXPECT_EQ(t.played, 2u);
  EXPECT_EQ(t.cut, 1u);
  EXPECT_EQ(t.skipped, 1u);
  EXPECT_EQ(t.failed, 1u);
  EXPECT_EQ(t.joined, 1u);
  EXPECT_EQ(t.interrupted, 1u);
  EXPECT_EQ(t.in_flight, 0u);
  EXPECT_DOUBLE_EQ(t.fill_s, 120.0);
  EXPECT_DOUBLE_EQ(t.silence_s, 2.0);
  EXPECT_DOUBLE_EQ(t.aired_s, 5.0 + 700.5 + 120.0 + 30.0 + 100.0);  // silence and nulls excluded
  // On-time items only: +12, −40, +8; the joined item's 95 s is not a timing error.
  EXPECT_EQ(t.offset_count, 3u);
  EXPECT_EQ(t.largest_offset_ms, -40);
  ASSERT_TRUE(t.largest_offset_entry);
  EXPECT_EQ(d.entries[*t.largest_offset_entry].title, "Bản tin thời sự");
  ASSERT_TRUE(t.mean_offset_ms);
  EXPECT_NEAR(*t.mean_offset_ms, -20.0 / 3.0, 1e-9);
  ASSERT_EQ(t.failures.size(), 1u);
  EXPECT_EQ(d.entries[t.failures[0]].detail, "cannot open stream: Connection refused");

  const AsRunDayTotals& t2 = days[1];
  EXPECT_EQ(t2.day, "2011-11-27");
  EXPECT_EQ(t2.records, 1u);
  EXPECT_EQ(t2.aired, 1u);
  EXPECT_EQ(t2.in_flight, 1u);
  EXPECT_DOUBLE_EQ(t2.aired_s, 300.0);
  EXPECT_EQ(t2.largest_offset_ms, 0);
  EXPECT_TRUE(t2.failures.empty());
}

TEST(AsRunParse, SurvivesGarbageAndCountsIt) {
  std::string log = test::two_day_log() + "\n";  // line 16 torn, then a recovery newline
  log += "\n";                                   // 17: blank, not counted
  log += std::string("\x00\xff\xfe garbage", 12) + "\n";  // 18
  log += "[1,2,3]\n";                                     // 19: not an object
  log += "42\n";                                          // 20
  log += R"({"status":5})" "\n";                          // 21: wrong type
  log += R"({"event":"stop","day":"2011-11-27"})" "\n";   // 22: unknown event
  log += R"({"day":"2011-11-27","program":"x"})" "\n";    // 23: a record without status
  log += "{\"day\":\"2011-11-27\",\"title\":\"\xc3\x28\",\"status\":\"played\"}\n";  // 24: bad UTF-8
  log += R"({"day":"2011-11-27","item":"two","status":"played"})" "\r\n";  // 25: wrong type
  log += R"({"day":"2011-11-27","program":"x","status":"played","played_s":1e300})" "\r\n";  // 26: kept
  const AsRunData d = parse(log);
  EXPECT_EQ(d.bad_lines, (std::vector<std::size_t>{16, 18, 19, 20, 21, 22, 23, 24, 25}));
  ASSERT_EQ(d.entries.size(), 12u);
  EXPECT_EQ(d.entries.back().line, 26u);
  // Absurd values are shown, not converted into overflow.
  EXPECT_NE(asrun_report_text(d).find("1e+300"), std::string::npos);
  EXPECT_FALSE(asrun_report_csv(d).empty());
}

TEST(AsRunParse, ReadsARecordGluedOntoATornLine) {
  // A crash mid-way through a start line leaves nothing in flight, so the writer's recovery
  // does not end the torn line and the next record is appended right after it.
  const std::string log =
      R"({"event":"start","day":"2011-11-26","program":"noon","ti{"day":"2011-11-26","program":"noon","item":4,"title":"Tin {1}","source":"n.mp3","scheduled":"2011-11-26T11:00:00.000+07:00","started":"2011-11-26T11:00:00.000+07:00","ended":"2011-11-26T11:00:09.000+07:00","offset_ms":0,"planned_s":9,"played_s":9,"status":"played","detail":""})"
      "\n";
  const AsRunData d = parse(log);
  EXPECT_EQ(d.bad_lines, std::vector<std::size_t>{1});
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_EQ(d.entries[0].item, 4);
  EXPECT_EQ(d.entries[0].title, "Tin {1}");
  EXPECT_EQ(d.entries[0].line, 1u);
}

TEST(AsRunParse, TheWritersLostNoteIsReportedNotCountedAsDamage) {
  // Written by AsRunLog when its backlog overflowed while the file could not be written.
  const std::string log =
      R"({"event":"lost","records":3,"detail":"3 as-run line(s) that belong here could not be written"})"
      "\n"
      R"({"day":"2011-11-26","program":"noon","item":4,"title":"Tin","source":"n.mp3","scheduled":"2011-11-26T11:00:00.000+07:00","started":"2011-11-26T11:00:00.000+07:00","ended":"2011-11-26T11:00:09.000+07:00","offset_ms":0,"planned_s":9,"played_s":9,"status":"played","detail":""})"
      "\n";
  const AsRunData d = parse(log);
  EXPECT_TRUE(d.bad_lines.empty());
  EXPECT_EQ(d.lost_lines, 3u);
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_NE(asrun_report_text(d).find("3 lines could not be written and were dropped"), std::string::npos)
      << asrun_report_text(d);
}

TEST(AsRunParse, EmptyLog) {
  const AsRunData d = parse("");
  EXPECT_TRUE(d.entries.empty());
  EXPECT_TRUE(asrun_day_totals(d).empty());
  EXPECT_NE(asrun_report_text(d, "x.jsonl").find("no records"), std::string::npos);
}

TEST(AsRunReportText, ShowsRowsProgrammesTotalsAndProblems) {
  const std::string text = asrun_report_text(parse(test::two_day_log()), "asrun.jsonl");
  auto has = [&](const std::string& s) { return text.find(s) != std::string::npos; };
  EXPECT_TRUE(has("As-run report: asrun.jsonl"));
  EXPECT_TRUE(has("1 unreadable line skipped")) << text;
  EXPECT_TRUE(has("line 16"));
  EXPECT_TRUE(has("Broadcast day 2011-11-26"));
  EXPECT_TRUE(has("Broadcast day 2011-11-27"));
  // A row: scheduled, started, signed offset, planned, aired, status, item, detail.
  EXPECT_TRUE(has("05:30:05.000    05:30:04.960        -40 ms    12:30.000    11:40.500  cut          "
                  "morning #1 \"Bản tin thời sự\"  ← news/thoi-su.mp3  · cut by the hard start of noon"))
      << text;
  EXPECT_TRUE(has("▶ morning"));
  EXPECT_TRUE(has("▷ between programmes"));
  EXPECT_TRUE(has("└ morning: planned 27:35.000, aired 11:45.500 (1 played, 1 cut, 1 failed)")) << text;
  EXPECT_TRUE(has("in flight / no end recorded"));
  EXPECT_TRUE(has("00:05:00.001+1"));  // past midnight of the broadcast day
  EXPECT_TRUE(has("IN FLIGHT"));
  EXPECT_TRUE(has("└ late: planned 0:05.000, aired 0:00.000 (1 in flight)")) << text;
  EXPECT_TRUE(has("items aired      5 (played 2, cut 1, joined 1, interrupted 1)"));
  EXPECT_TRUE(has("fill time        2:00.000 (1 record)"));
  EXPECT_TRUE(has("silence time     0:02.000 (1 record)"));
  EXPECT_TRUE(has("total aired      15:55.500"));
  EXPECT_TRUE(has("largest -40 ms (morning #1 \"Bản tin thời sự\"  ← news/thoi-su.mp3), mean -6.7 ms over 3"))
      << text;
  EXPECT_TRUE(has("failures:"));
  EXPECT_TRUE(has("cannot open stream: Connection refused"));
  EXPECT_TRUE(has("in flight        1 (start recorded, no end recorded)"));
}

}  // namespace
}  // namespace onair
