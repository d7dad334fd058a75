// ProbeCache: hits skip the inner prober, changes to a file invalidate its entry, the
// cache survives restarts and shrugs off a corrupt cache file, and warm lookups for a
// whole year of schedules stay well under a second.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "player/decode/probe_cache.hpp"
#include "support/test_media.hpp"

namespace onair::test {
namespace {

using namespace std::chrono_literals;
using ::testing::_;
using ::testing::Return;
namespace fs = std::filesystem;

class MockProber : public MediaProber {
 public:
  MOCK_METHOD(MediaInfo, probe, (const fs::path&), (override));
};

MediaInfo good(std::chrono::microseconds duration) {
  MediaInfo m;
  m.ok = true;
  m.duration = duration;
  m.sample_rate = 44100;
  m.channels = 2;
  m.codec = "mp3";
  return m;
}

class ProbeCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    media_ = dir_ / "a.mp3";
    write_file(media_, "pretend audio");
    cache_file_ = dir_ / "cache" / "probe.json";
  }
  // A cache over a fresh mock; `mock` is set to the mock it owns.
  std::unique_ptr<ProbeCache> make_cache(MockProber*& mock) {
    auto inner = std::make_unique<MockProber>();
    mock = inner.get();
    return std::make_unique<ProbeCache>(std::move(inner), cache_file_);
  }
  TempDir dir_;
  fs::path media_, cache_file_;
};

TEST_F(ProbeCacheTest, SecondLookupIsAHit) {
  MockProber* mock;
  auto cache = make_cache(mock);
  EXPECT_CALL(*mock, probe(fs::absolute(media_))).WillOnce(Return(good(3s)));
  EXPECT_EQ(cache->probe(media_).duration, 3s);
  EXPECT_EQ(cache->probe(media_).duration, 3s);
  EXPECT_EQ(cache->counters().hits, 1);
  EXPECT_EQ(cache->counters().misses, 1);
}

TEST_F(ProbeCacheTest, RelativeAndAbsolutePathsShareAnEntry) {
  MockProber* mock;
  auto cache = make_cache(mock);
  EXPECT_CALL(*mock, probe(_)).WillOnce(Return(good(3s)));
  cache->probe(media_);
  const auto old_cwd = fs::current_path();
  fs::current_path(dir_.path());
  cache->probe("./sub/../a.mp3");
  fs::current_path(old_cwd);
  EXPECT_EQ(cache->counters().hits, 1);
}

TEST_F(ProbeCacheTest, ChangedMtimeOrSizeIsAMiss) {
  MockProber* mock;
  auto cache = make_cache(mock);
  EXPECT_CALL(*mock, probe(_)).WillOnce(Return(good(3s))).WillOnce(Return(good(4s))).WillOnce(Return(good(5s)));
  EXPECT_EQ(cache->probe(media_).duration, 3s);
  fs::last_write_time(media_, fs::last_write_time(media_) + 1ns * 1000);  // same size, new mtime
  EXPECT_EQ(cache->probe(media_).duration, 4s);
  const auto mtime = fs::last_write_time(media_);
  write_file(media_, "pretend audio, re-encoded");  // new size, same mtime
  fs::last_write_time(media_, mtime);
  EXPECT_EQ(cache->probe(media_).duration, 5s);
  EXPECT_EQ(cache->probe(media_).duration, 5s);
}

TEST_F(ProbeCacheTest, PersistsAcrossInstances) {
  MockProber* mock;
  {
    auto cache = make_cache(mock);
    MediaInfo info = good(7s);
    info.header_duration = 21s;
    info.duration_estimated = true;
    EXPECT_CALL(*mock, probe(_)).WillOnce(Return(info));
    cache->probe(media_);
  }  // the destructor saves
  ASSERT_TRUE(fs::exists(cache_file_));
  auto cache = make_cache(mock);
  EXPECT_CALL(*mock, probe(_)).Times(0);
  const MediaInfo info = cache->probe(media_);
  EXPECT_TRUE(info.ok);
  EXPECT_EQ(info.duration, 7s);
  EXPECT_EQ(info.header_duration, std::optional<std::chrono::microseconds>(21s));
  EXPECT_TRUE(info.duration_estimated);
  EXPECT_EQ(info.sample_rate, 44100);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.codec, "mp3");
}

TEST_F(ProbeCacheTest, FailuresAreCachedButTimeoutsAreNot) {
  const auto broken = dir_ / "broken.mp3", slow = dir_ / "slow.mp3";
  write_file(broken, "x");
  write_file(slow, "y");
  MediaInfo bad, timed_out;
  bad.error = "open: not a readable media file (Invalid data found when processing input)";
  timed_out.error = "open: timed out after 5000 ms";
  MockProber* mock;
  auto cache = make_cache(mock);
  EXPECT_CALL(*mock, probe(fs::absolute(broken))).WillOnce(Return(bad));
  EXPECT_CALL(*mock, probe(fs::absolute(slow))).Times(2).WillRepeatedly(Return(timed_out));
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(cache->probe(broken).error, bad.error);
    EXPECT_EQ(cache->probe(slow).error, timed_out.error);
  }
}

TEST_F(ProbeCacheTest, MissingFilesPassThroughUncached) {
  MockProber* mock;
  auto cache = make_cache(mock);
  MediaInfo missing;
  missing.error = "file not found";
  EXPECT_CALL(*mock, probe(_)).Times(2).WillRepeatedly(Return(missing));
  cache->probe(dir_ / "nope.mp3");
  cache->probe(dir_ / "nope.mp3");
  EXPECT_EQ(cache->size(), 0u);
}

TEST_F(ProbeCacheTest, CorruptCacheFileIsIgnoredAndReplaced) {
  for (const std::string& junk : {std::string("{\"format\": \"onair-probe-cache\", \"vers"), std::string("\0\1\2", 3),
                                 std::string("[]"), std::string("{\"format\":\"onair-probe-cache\",\"version\":1,"
                                                                "\"entries\":{\"/x\":{\"size\":\"big\"}}}")}) {
    write_file(cache_file_, junk);
    MockProber* mock;
    auto cache = make_cache(mock);
    EXPECT_CALL(*mock, probe(_)).WillOnce(Return(good(3s)));
    EXPECT_EQ(cache->probe(media_).duration, 3s);
    cache->save();
    auto reloaded = make_cache(mock);
    EXPECT_CALL(*mock, probe(_)).Times(0);
    EXPECT_EQ(reloaded->probe(media_).duration, 3s);
    reloaded.reset();
    cache.reset();
  }
}

TEST_F(ProbeCacheTest, SaveIsAtomicAndLeavesNoTempFiles) {
  MockProber* mock;
  auto cache = make_cache(mock);
  EXPECT_CALL(*mock, probe(_)).WillOnce(Return(good(3s)));
  cache->probe(media_);
  cache->save();
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(cache_file_.parent_path())) {
    ++files;
    EXPECT_EQ(entry.path(), cache_file_);
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(ProbeCacheTest, AYearOfSchedulesWarmProbesNothing) {
  // 365 days x 40 items, all distinct files: a warm cache answers every one from its file.
  // How fast is bench/check_year.sh's business (< 1 s), not a unit test's.
  constexpr int kFiles = 365 * 40;
  std::vector<fs::path> files;
  files.reserve(kFiles);
  for (int i = 0; i < kFiles; ++i) {
    files.push_back(dir_ / "media" / std::to_string(i / 40) / (std::to_string(i) + ".mp3"));
    if (i % 40 == 0) fs::create_directories(files.back().parent_path());
    std::ofstream(files.back()) << i;
  }
  {
    MockProber* mock;
    auto cold = make_cache(mock);
    EXPECT_CALL(*mock, probe(_)).Times(kFiles).WillRepeatedly(Return(good(180s)));
    for (const auto& f : files) cold->probe(f);
  }
  MockProber* mock;
  auto warm = make_cache(mock);  // includes loading the JSON
  EXPECT_CALL(*mock, probe(_)).Times(0);
  std::chrono::microseconds total{0};
  for (const auto& f : files) total += warm->probe(f).duration;
  EXPECT_EQ(total, kFiles * std::chrono::microseconds(180s));
}

}  // namespace
}  // namespace onair::test
