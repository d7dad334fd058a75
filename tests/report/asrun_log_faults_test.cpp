// The as-run writer when its file cannot be written: records wait in memory in order, no
// torn line is left, nothing throws, and writing resumes (with every record) when it can.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "player/asrun/log.hpp"
#include "support/test_media.hpp"
#include "support/tmpfs_mount.hpp"

namespace onair {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const LocalDay& zone() {
  static const LocalDay day("Asia/Ho_Chi_Minh", date::year(2011) / 11 / 26);
  return day;
}

AsRunRecord record(int i) {
  const TimePoint at = zone().at(6h + std::chrono::seconds(10 * i)).time;
  return {"2011-11-26", "morning", static_cast<std::size_t>(i), "tin " + std::to_string(i), "news/" + std::to_string(i) + ".mp3",
          at, at, at + 10s, 10s, 10s, AsRunStatus::played, "", false, {}, {}, 0, 0, 0, false, {}};
}

// Both lines of each record, as a log that never failed writes them.
std::string reference(int from, int to) {
  test::TempDir dir;
  {
    AsRunLog ok(dir / "ref.jsonl", zone());
    for (int i = from; i < to; ++i) {
      ok.started(record(i));
      ok.ended(record(i));
    }
  }
  std::ifstream in(dir / "ref.jsonl");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every line is a whole JSON object and the file ends with a line end.
::testing::AssertionResult no_torn_line(const fs::path& file) {
  const std::string text = text_of(file);
  if (!text.empty() && text.back() != '\n') return ::testing::AssertionFailure() << "no line end at the end:\n" << text;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (nlohmann::json::parse(line, nullptr, false).is_discarded())
      return ::testing::AssertionFailure() << "line " << n << " is torn: " << line;
  return ::testing::AssertionSuccess();
}

AsRunLogOptions keep_trying(std::size_t max_pending = 4096) {
  AsRunLogOptions o;
  o.must_open = false;
  o.max_pending = max_pending;
  return o;
}

TEST(AsRunLogFaults, CommandLineLogStillRefusesAFileItCannotOpen) {
  test::TempDir dir;
  fs::create_directories(dir / "asrun.jsonl");  // a folder where the file should be
  try {
    AsRunLog log(dir / "asrun.jsonl", zone());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("asrun.jsonl"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Is a directory"), std::string::npos) << e.what();
  }
}

TEST(AsRunLogFaults, DayFileThatIsAFolderHoldsRecordsUntilItCanBeWritten) {
  test::TempDir dir;
  const auto file = dir / "2011-11-26.jsonl";
  fs::create_directories(file / "oops");
  std::optional<AsRunLog> log;
  ASSERT_NO_THROW(log.emplace(file, zone(), keep_trying()));
  for (int i = 0; i < 3; ++i) {
    EXPECT_NO_THROW(log->started(record(i)));
    EXPECT_NO_THROW(log->ended(record(i)));
  }
  AsRunHealth h = log->health();
  EXPECT_FALSE(h.ok);
  EXPECT_EQ(h.pending, 6u);
  EXPECT_EQ(h.file, file);
  EXPECT_NE(h.error.find("Is a directory"), std::string::npos) << h.error;
  EXPECT_TRUE(fs::is_directory(file));

  log->retry();  // still a folder: nothing changes, nothing thrown
  EXPECT_EQ(log->health().pending, 6u);
  fs::remove_all(file);
  log->retry();
  h = log->health();
  EXPECT_TRUE(h.ok) << h.error;
  EXPECT_EQ(h.pending, 0u);
  EXPECT_EQ(text_of(file), reference(0, 3));
}

TEST(AsRunLogFaults, BacklogPastItsBoundDropsTheOldestAndWritesHowMany) {
  test::TempDir dir;
  const auto file = dir / "asrun.jsonl";
  fs::create_directories(file);
  AsRunLog log(file, zone(), keep_trying(3));
  for (int i = 0; i < 3; ++i) {  // 6 lines: the 3 oldest are dropped
    log.started(record(i));
    log.ended(record(i));
  }
  EXPECT_EQ(log.health().lost, 3u);
  EXPECT_EQ(log.health().pending, 3u);
  fs::remove_all(file);
  log.started(record(3));  // writing resumes with the next record
  log.ended(record(3));
  EXPECT_TRUE(log.health().ok);
  const auto lines = test::read_json_lines(file);
  ASSERT_EQ(lines.size(), 6u) << text_of(file);
  EXPECT_EQ(lines[0]["event"], "lost");
  EXPECT_EQ(lines[0]["records"], 3);
  EXPECT_NE(lines[0]["detail"].get<std::string>().find("3 as-run line(s)"), std::string::npos);
  const std::string rest = text_of(file).substr(text_of(file).find('\n') + 1);
  const std::string all = reference(1, 4);  // record 1's start line was the third dropped
  EXPECT_EQ(rest, all.substr(all.find('\n') + 1));
}

TEST(AsRunLogFaults, RemovedFolderIsMadeAgainAndReplacedFileFound) {
  test::TempDir dir;
  const auto file = dir / "asrun/day.jsonl";
  AsRunLog log(file, zone(), keep_trying());
  log.started(record(0));
  fs::remove_all(dir / "asrun");  // an operator cleans up
  log.ended(record(0));
  EXPECT_TRUE(log.health().ok) << log.health().error;
  fs::rename(file, dir / "moved.jsonl");  // log rotation by hand
  log.started(record(1));
  log.ended(record(1));
  const std::string both = reference(0, 2);
  const auto second_record = both.find("\n", both.find("\n") + 1) + 1;
  EXPECT_EQ(text_of(dir / "moved.jsonl"), both.substr(both.find('\n') + 1, second_record - both.find('\n') - 1));
  EXPECT_EQ(text_of(file), both.substr(second_record));
}

TEST(AsRunLogFaults, RecordWithInvalidUtf8IsWrittenNotThrown) {
  test::TempDir dir;
  AsRunLog log(dir / "asrun.jsonl", zone());
  AsRunRecord r = record(0);
  r.title = "bad \xff\xfe tag";
  EXPECT_NO_THROW(log.ended(r));
  const auto lines = test::read_json_lines(dir / "asrun.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["program"], "morning");
}

class AsRunLogOnTmpfs : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::TmpfsMount disk;
  fs::path mnt() const { return dir / "disk"; }
  void SetUp() override {
    if (const auto why = disk.mount(mnt(), 16); !why.empty()) GTEST_SKIP() << "needs a tmpfs (root): " << why;
  }
};

TEST_F(AsRunLogOnTmpfs, FullDiskLeavesNoTornLineAndEveryRecordIsWrittenWhenSpaceReturns) {
  const auto file = mnt() / "2011-11-26.jsonl";
  AsRunLog log(file, zone(), keep_trying());
  int n = 0;
  for (; n < 5; ++n) log.ended(record(n));
  test::TmpfsMount::fill(mnt() / "filler");
  // The file's last page still has room for a few records, then a line is cut off part
  // way (ENOSPC) and must be taken back.
  for (; n < 40 && log.health().ok; ++n) log.ended(record(n));
  ASSERT_FALSE(log.health().ok) << "the disk never filled";
  EXPECT_NE(log.health().error.find("No space left on device"), std::string::npos) << log.health().error;
  EXPECT_TRUE(no_torn_line(file));
  const auto written = test::read_json_lines(file).size();
  for (int more = 0; more < 10; ++more, ++n) EXPECT_NO_THROW(log.ended(record(n)));
  EXPECT_EQ(log.health().pending, static_cast<std::size_t>(n) - written);
  EXPECT_TRUE(no_torn_line(file));
  EXPECT_EQ(test::read_json_lines(file).size(), written);

  fs::remove(mnt() / "filler");
  log.retry();
  EXPECT_TRUE(log.health().ok) << log.health().error;
  EXPECT_GT(log.failures(), 0u);
  // All of them, in order, each once.
  const auto lines = test::read_json_lines(file);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(n)) << text_of(file);
  for (int i = 0; i < n; ++i) EXPECT_EQ(lines[static_cast<std::size_t>(i)]["item"], i);
  EXPECT_TRUE(no_torn_line(file));
}

TEST_F(AsRunLogOnTmpfs, ReadOnlyRemountHoldsRecordsUntilWritableAgain) {
  const auto file = mnt() / "2011-11-26.jsonl";
  AsRunLog log(file, zone(), keep_trying());
  log.started(record(0));
  log.ended(record(0));
  ASSERT_TRUE(disk.set_read_only(true)) << std::strerror(errno);  // nothing of ours holds it open
  log.started(record(1));
  log.ended(record(1));
  log.started(record(2));
  EXPECT_FALSE(log.health().ok);
  EXPECT_NE(log.health().error.find("Read-only file system"), std::string::npos) << log.health().error;
  EXPECT_EQ(log.health().pending, 3u);
  ASSERT_TRUE(disk.set_read_only(false)) << std::strerror(errno);
  log.ended(record(2));
  EXPECT_TRUE(log.health().ok) << log.health().error;
  EXPECT_EQ(text_of(file), reference(0, 3));
}

// The last attempt at destruction writes what waits, if it can.
TEST(AsRunLogFaults, ClosingWritesWhatWaits) {
  test::TempDir dir;
  const auto file = dir / "asrun.jsonl";
  fs::create_directories(file);
  {
    AsRunLog log(file, zone(), keep_trying());
    log.started(record(0));
    log.ended(record(0));
    fs::remove_all(file);
  }
  EXPECT_EQ(text_of(file), reference(0, 1));
}

}  // namespace
}  // namespace onair
