// A slow disk never makes dead air: with every fsync of the as-run log taking 2 s (a failing
// disk, an SD card, a busy NFS share), real-time playout on a paced output (a sound card's
// 0.5 s of buffer) has no underrun and starves no source, and every record still reaches
// the file, in order. The same disk without the queue does starve the output, which shows
// the test measures what it claims.
#include <gtest/gtest.h>

#include <date/date.h>
#include <unistd.h>

#include <thread>

#include "engine/engine_fixture.hpp"
#include "player/asrun/queue.hpp"
#include "player/output/null.hpp"
#include "player/output/real_clock.hpp"

namespace onair::test {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

class SlowDiskTest : public EngineTest {
 protected:
  struct Result {
    OutputStats out;
    EngineStats engine;
    std::vector<nlohmann::json> lines;
  };

  // Four 1.5 s items from 1 s after now, played in real time for 7.5 s.
  Result play(bool queued) {
    for (int i = 0; i < 4; ++i) tone("item" + std::to_string(i) + ".wav", 300 + 100 * i, 1.5);
    const auto at = time_point_cast<milliseconds>(system_clock::now() + 1s);
    const auto today = date::floor<date::days>(at);
    std::string yaml = "timezone: UTC\nprograms:\n  - id: news\n    at: \"" + date::format("%T", at - today) +
                       "\"\n    items:\n";
    for (int i = 0; i < 4; ++i) yaml += "      - file: item" + std::to_string(i) + ".wav\n";
    auto loaded = one_day(date::format("%F", today) + ".yaml", yaml);
    if (!loaded) return {};
    const Timeline& timeline = *loaded;

    NullOutputOptions no;
    no.realtime = true;
    NullOutput output(no);
    const AudioFormat format = output.open(AudioFormat{kRate, 2});
    RealClock clock([&] { return output.stamp(); }, system_wall_clock(), format.sample_rate);
    FileFactory sources;
    AsRunLogOptions lo;
    lo.sync = [](int fd) {
      std::this_thread::sleep_for(2s);
      return ::fsync(fd);
    };
    const auto path = dir / "asrun.jsonl";
    Result r;
    {
      AsRunLog log(path, timeline.local(), lo);
      AsRunQueue queue(log);
      EngineOptions eo;
      eo.realtime = true;
      eo.end_status = AsRunStatus::played;
      Engine engine(timeline, clock, output, sources, queued ? static_cast<AsRunSink*>(&queue) : &log, format, eo);
      engine.run(frames_in(7500ms, kRate));
      output.close();
      r.out = output.stats();
      r.engine = engine.stats();
    }  // the queue writes what waits before it goes
    r.lines = read_json_lines(path);
    return r;
  }
};

TEST_F(SlowDiskTest, TwoSecondFsyncsNeitherStarveTheOutputNorLoseARecord) {
  const Result r = play(true);
  EXPECT_EQ(r.out.underruns, 0);
  EXPECT_EQ(r.engine.starved_frames, 0);
  EXPECT_EQ(r.engine.failures, 0);
  ASSERT_EQ(r.lines.size(), 8u);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& start = r.lines[2 * i];
    const auto& end = r.lines[2 * i + 1];
    EXPECT_EQ(start["event"], "start") << start.dump();
    EXPECT_EQ(start["item"], i);
    EXPECT_EQ(end["item"], i);
    EXPECT_EQ(end["status"], "played") << end.dump();
    EXPECT_EQ(end["started"], start["started"]);
    // Back to back, each on its planned time: the disk moved nothing.
    EXPECT_LE(std::abs(start["offset_ms"].get<int>()), 2) << start.dump();
  }
}

TEST_F(SlowDiskTest, WithoutTheQueueTheSameDiskStarvesTheOutput) {
  const Result r = play(false);
  EXPECT_GT(r.out.underruns, 0) << "a 2 s fsync on the render thread should have emptied a 0.5 s buffer";
}

}  // namespace
}  // namespace onair::test
