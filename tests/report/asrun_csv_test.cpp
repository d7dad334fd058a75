// CSV output, the command's exit codes, and a round trip through the real log writer.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "cli/asrun_report.hpp"
#include "player/asrun/log.hpp"
#include "support/test_media.hpp"

namespace onair::test {
const std::string& two_day_log();  // asrun_fixture.cpp
}

namespace onair {
namespace {

AsRunData parse(const std::string& text) {
  std::istringstream in(text);
  return parse_asrun(in);
}

// A strict RFC 4180 reader, so the test checks that a spreadsheet would see our fields.
std::vector<std::vector<std::string>> read_csv(const std::string& csv) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    std::string& field = rows.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      EXPECT_TRUE(field.empty()) << "quote inside an unquoted field";
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      ++i;
      if (i + 1 < csv.size()) rows.emplace_back(1);
    } else {
      EXPECT_NE(c, '\n') << "bare LF outside quotes";
      field += c;
    }
  }
  EXPECT_FALSE(quoted);
  return rows;
}

TEST(AsRunCsv, FieldQuoting) {
  EXPECT_EQ(csv_field("Bản tin thời sự"), "Bản tin thời sự");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("Tin \"nóng\""), "\"Tin \"\"nóng\"\"\"");
  EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
}

TEST(AsRunCsv, HeaderAndOneRowPerEntryWithEveryField) {
  const std::string csv = asrun_report_csv(parse(test::two_day_log()));
  const std::string header =
      "day,program,item,title,source,scheduled,started,ended,offset_ms,planned_s,played_s,status,detail,lufs,true_peak_db\r\n";
  EXPECT_EQ(csv.substr(0, header.size()), header);
  auto has = [&](const std::string& s) { return csv.find(s) != std::string::npos; };
  EXPECT_TRUE(has("\r\n2011-11-26,noon,1,\"Tin \"\"nóng\"\", trong ngày\",news/nong.mp3,"
                  "2011-11-26T11:00:00.000+07:00,2011-11-26T11:00:00.008+07:00,2011-11-26T11:00:30.008+07:00,"
                  "8,30.000,30.000,played,,,\r\n"))
      << csv;
  // Nulls of a recovered item are empty fields, not "null" or 0.
  EXPECT_TRUE(has("\r\n2011-11-26,noon,2,Phóng sự,features/ps.mp3,2011-11-26T11:00:30.000+07:00,"
                  "2011-11-26T11:00:30.008+07:00,,8,600.000,,interrupted,"
                  "the player stopped while this item was on air,,\r\n"));
  EXPECT_TRUE(has("\r\n2011-11-26,morning,1,Bản tin thời sự,news/thoi-su.mp3,2011-11-26T05:30:05.000+07:00,"
                  "2011-11-26T05:30:04.960+07:00,2011-11-26T05:41:45.460+07:00,-40,750.000,700.500,cut,"
                  "cut by the hard start of noon,,\r\n"));
  EXPECT_TRUE(has("\r\n2011-11-27,late,0,Đêm nhạc,music/dem.mp3,2011-11-28T00:05:00.000+07:00,"
                  "2011-11-28T00:05:00.001+07:00,,1,5.000,,in_flight,no end recorded,,\r\n"));

  const auto rows = read_csv(csv);
  ASSERT_EQ(rows.size(), 12u);  // header + 10 records + 1 in flight; the torn line is not a row
  for (const auto& r : rows) EXPECT_EQ(r.size(), 15u);
  EXPECT_EQ(rows[7][3], "Tin \"nóng\", trong ngày");
}

TEST(AsRunCsv, NewlinesAndCommasInDetailSurviveARoundTrip) {
  const std::string log =
      R"({"day":"2011-11-26","program":"a,b","item":3,"title":"\"Quoted\"","source":"x.mp3","scheduled":"2011-11-26T05:30:00.000+07:00","started":"2011-11-26T05:30:00.000+07:00","ended":"2011-11-26T05:30:00.000+07:00","offset_ms":0,"planned_s":1.5,"played_s":0,"status":"failed","detail":"decoder said:\nbad frame, giving up"})"
      "\n";
  const auto rows = read_csv(asrun_report_csv(parse(log)));
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[1].size(), 15u);
  EXPECT_EQ(rows[1][1], "a,b");
  EXPECT_EQ(rows[1][2], "3");
  EXPECT_EQ(rows[1][3], "\"Quoted\"");
  EXPECT_EQ(rows[1][9], "1.500");
  EXPECT_EQ(rows[1][12], "decoder said:\nbad frame, giving up");
}

TEST(AsRunCommand, MissingOrUnreadableFileIsAOneLineErrorAndExit1) {
  test::TempDir dir;
  const std::string missing = (dir / "nope.jsonl").string();
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  EXPECT_EQ(cmd_report(missing, false), 1);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find(missing), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);

  testing::internal::CaptureStderr();
  EXPECT_EQ(cmd_report(dir.path().string(), true), 1);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("is a directory"), std::string::npos);
}

TEST(AsRunCommand, PrintsTheReportOrCsv) {
  test::TempDir dir;
  const auto file = dir / "asrun.jsonl";
  test::write_file(file, test::two_day_log());
  testing::internal::CaptureStdout();
  EXPECT_EQ(cmd_report(file.string(), false), 0);
  const std::string text = testing::internal::GetCapturedStdout();
  EXPECT_NE(text.find("As-run report: " + file.string()), std::string::npos);
  EXPECT_NE(text.find("in flight / no end recorded"), std::string::npos);
  testing::internal::CaptureStdout();
  EXPECT_EQ(cmd_report(file.string(), true), 0);
  EXPECT_EQ(testing::internal::GetCapturedStdout().rfind("day,program,item,", 0), 0u);
}

// The reader must understand what the real writer writes, including its crash recovery.
TEST(AsRunRoundTrip, WriterOutputAndRecoveryAreReadBack) {
  test::TempDir dir;
  const auto file = dir / "asrun.jsonl";
  const LocalDay day("Asia/Ho_Chi_Minh", date::year_month_day{date::year{2011}, date::month{11}, date::day{26}});
  const TimePoint at = day.at(std::chrono::hours(5) + std::chrono::minutes(30)).time;
  AsRunRecord a{"2011-11-26", "morning", 0, "Nhạc hiệu, \"mở\"", "jingles/opening.mp3", at,
                at + std::chrono::milliseconds(12), at + std::chrono::seconds(5), std::chrono::seconds(5),
                std::chrono::milliseconds(4988), AsRunStatus::played, "", false, {}, {}, 0, 0, 0, false, {}};
  AsRunRecord b = a;
  b.item = 1, b.title = "Bản tin", b.source = "news/tin.mp3";
  b.scheduled = a.ended, b.started = a.ended;
  {
    AsRunLog log(file, day);
    log.started(a);
    log.ended(a);
    log.started(b);  // then the "crash"
  }
  {
    std::ifstream in(file);
    const AsRunData before = parse_asrun(in);
    ASSERT_EQ(before.entries.size(), 2u);
    EXPECT_TRUE(before.entries[1].in_flight);
  }
  test::write_file(file, [&] {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {}) + R"({"day":"2011-1)";  // torn
  }());
  { AsRunLog recovered(file, day); }

  std::ifstream in(file);
  const AsRunData d = parse_asrun(in);
  EXPECT_EQ(d.bad_lines, std::vector<std::size_t>{4});
  ASSERT_EQ(d.entries.size(), 2u);
  const AsRunEntry& e = d.entries[0];
  EXPECT_EQ(e.title, "Nhạc hiệu, \"mở\"");
  EXPECT_EQ(e.scheduled, "2011-11-26T05:30:00.000+07:00");
  EXPECT_EQ(e.started, "2011-11-26T05:30:00.012+07:00");
  EXPECT_EQ(e.offset_ms, 12);
  EXPECT_DOUBLE_EQ(*e.played_s, 4.988);
  EXPECT_FALSE(d.entries[1].in_flight);
  EXPECT_EQ(d.entries[1].status, "interrupted");
  EXPECT_FALSE(d.entries[1].played_s);
  const auto totals = asrun_day_totals(d);
  ASSERT_EQ(totals.size(), 1u);
  EXPECT_EQ(totals[0].aired, 2u);
  EXPECT_EQ(totals[0].interrupted, 1u);
}

}  // namespace
}  // namespace onair
