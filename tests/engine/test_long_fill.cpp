// Re-planning never starves the audio: real-time playout on a paced output (a sound card's
// 0.5 s of buffer) airs a 24 h gap of fill from a pool of 10,000 files while a producer
// saves tomorrow with 100,000 items. No underrun, no starved source, every start where the
// schedule puts it, the fill back to back. (Before the planner thread, the same run had the
// render thread rebuild the day's fill order every 64 fillers: hundreds of underruns.)
#include <gtest/gtest.h>

#include <date/date.h>

#include <thread>

#include "engine/engine_fixture.hpp"
#include "player/output/null.hpp"
#include "player/output/real_clock.hpp"

namespace onair::test {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

class LongFillTest : public EngineTest {
 protected:
  static constexpr std::size_t kPool = 10'000;
  static constexpr std::size_t kTomorrowItems = 100'000;

  // Today: `news` (2 s) at `at`; tomorrow's first programme at the same time of day, so a
  // 24 h gap of fill lies between. The pool is hard links to four short tones, their lengths
  // given in the media table: what the planner walks is the 10,000 names.
  // The media, once: days() runs again while it airs.
  void make_media() {
    tone("news.wav", 440, 2.0);
    for (int i = 0; i < 4; ++i) tone("tones/t" + std::to_string(i) + ".wav", 500 + 100 * i, 2.5 + 0.25 * i);
    tone("fill/seed.wav", 300, 2.5);  // the folder must hold something playable when it loads
    std::filesystem::create_directories(dir / "media/pool");
    for (std::size_t i = 0; i < kPool; ++i)
      std::filesystem::create_hard_link(dir / ("media/tones/t" + std::to_string(i % 4) + ".wav"), pool_path(i));
  }
  std::filesystem::path pool_path(std::size_t i) const {
    // Not in the fill folder: loading would probe them all.
    return dir / ("media/pool/f" + std::to_string(100000 + i) + ".wav");
  }

  std::vector<BroadcastDay> days(TimePoint at, std::size_t tomorrow_items) {
    const auto today = date::floor<date::days>(at);
    const std::string time = date::format("%T", floor<milliseconds>(at - today));
    const std::string head = "timezone: UTC\nbetween: fill\nfill: {dir: fill, order: shuffle}\n";
    auto loaded = one_day(date::format("%F", today) + ".yaml",
                          head + "programs:\n  - id: news\n    at: \"" + time + "\"\n    items: [{file: news.wav}]\n");
    auto next = one_day(date::format("%F", today + date::days(1)) + ".yaml",
                        head + "programs:\n  - id: morning\n    at: \"" + time + "\"\n    items: [{file: news.wav}]\n");
    if (!loaded || !next) return {};
    BroadcastDay d0 = loaded->day(0), d1 = next->day(0);

    std::vector<std::filesystem::path> pool;
    for (std::size_t i = 0; i < kPool; ++i) pool.push_back(pool_path(i));
    for (BroadcastDay* d : {&d0, &d1}) {
      MediaInfo info;
      info.ok = true;
      info.sample_rate = kRate;
      info.channels = 2;
      for (std::size_t i = 0; i < kPool; ++i) {
        info.duration = microseconds(2'500'000 + 250'000 * static_cast<int>(i % 4));
        d->media.files[pool[i]] = info;
      }
      d->media.fill = pool;
    }
    // Tomorrow's programmes of 100 items each, an hour apart: 100,000 items.
    if (tomorrow_items > 1) {
      Program base = d1.schedule.programs.front();
      d1.schedule.programs.clear();
      const std::size_t per = 100;
      for (std::size_t p = 0; p * per < tomorrow_items; ++p) {
        Program prog = base;
        prog.id = "p" + std::to_string(p);
        prog.at = base.at + minutes(static_cast<int>(p));
        prog.start = StartMode::soft;
        prog.items.assign(per, base.items.front());
        for (std::size_t i = 0; i < per; ++i) prog.items[i].title = "Bản tin " + std::to_string(p * per + i);
        d1.schedule.programs.push_back(std::move(prog));
      }
      d1.schedule.programs.front().start = StartMode::hard;
    }
    std::vector<BroadcastDay> out;
    out.push_back(std::move(d0));
    out.push_back(std::move(d1));
    return out;
  }
};

TEST_F(LongFillTest, ADayOfFillAndAHugeTomorrowSavedOnAirNeverStarveTheOutput) {
  make_media();
  const auto at = time_point_cast<milliseconds>(system_clock::now() + 1500ms);
  auto initial = days(at, 1);
  ASSERT_EQ(initial.size(), 2u);
  const auto timeline = std::make_shared<const Timeline>(std::move(initial));

  NullOutputOptions no;
  no.realtime = true;
  NullOutput output(no);
  const AudioFormat format = output.open(AudioFormat{kRate, 2});
  RealClock clock([&] { return output.stamp(); }, system_wall_clock(), format.sample_rate);
  FileFactory sources;
  const auto path = dir / "asrun.jsonl";
  EngineStats stats;
  OutputStats out;
  std::size_t replaced_items = 0;
  system_clock::time_point handed_over = system_clock::time_point::max();
  std::shared_ptr<const Timeline> aired;
  {
    AsRunLog log(path, timeline->local());
    EngineOptions eo;
    eo.realtime = true;
    eo.end_status = AsRunStatus::played;
    Engine engine(timeline, clock, output, sources, &log, format, eo);
    // A producer saves tomorrow (100,000 items) while the fill is on air: 3 s in, it is
    // built on another thread (as the daemon loads a day; a sanitized build takes seconds)
    // and handed over.
    std::jthread producer([&](std::stop_token stop) {
      const auto when = at + 3s;
      while (!stop.stop_requested() && system_clock::now() < when) std::this_thread::sleep_for(20ms);
      if (stop.stop_requested()) return;
      auto bigger = std::make_shared<const Timeline>(days(at, kTomorrowItems));
      for (const auto& p : bigger->merged().programs) replaced_items += p.items.size();
      engine.replace_timeline(bigger);
      handed_over = system_clock::now();
    });
    engine.run(frames_in(duration_cast<Duration>(at - system_clock::now()) + 16s, kRate));
    producer.join();
    aired = engine.timeline();
    output.close();
    out = output.stats();
    stats = engine.stats();
  }
  EXPECT_EQ(replaced_items, kTomorrowItems + 1);
  EXPECT_LT(handed_over, at + 12s) << "tomorrow should have been handed over with time left on air";
  EXPECT_EQ(aired->merged().programs.size(), 1 + kTomorrowItems / 100) << "the engine took the new timeline";
  EXPECT_EQ(out.underruns, 0);
  EXPECT_EQ(stats.starved_frames, 0);
  EXPECT_EQ(stats.failures, 0);

  const auto lines = read_json_lines(path);
  std::vector<nlohmann::json> starts, ends;
  for (const auto& l : lines) (l.contains("event") ? starts : ends).push_back(l);
  ASSERT_GE(starts.size(), 3u) << "news and at least two fillers should have started";
  EXPECT_EQ(starts[0]["program"], "news");
  EXPECT_LE(std::abs(starts[0]["offset_ms"].get<int>()), 2) << starts[0].dump();
  ASSERT_GE(ends.size(), 2u);
  EXPECT_EQ(ends[0]["status"], "played") << ends[0].dump();
  // The fill follows back to back, each filler once and on its planned time, across the
  // handover too (the new timeline renames the programme the fill leads to: its fillers are
  // matched by file and frame, on the anchor frames the airing list used).
  for (std::size_t i = 1; i < starts.size(); ++i) {
    EXPECT_EQ(starts[i]["program"], "") << "fill between programmes: " << starts[i].dump();
    EXPECT_LE(std::abs(starts[i]["offset_ms"].get<int>()), 2) << starts[i].dump();
    if (i >= 2) {
      EXPECT_LT(starts[i - 1]["item"].get<int>(), starts[i]["item"].get<int>()) << "a filler aired twice: " << starts[i].dump();
    }
  }
  for (std::size_t i = 0; i + 1 < ends.size(); ++i)
    EXPECT_EQ(ends[i]["ended"], ends[i + 1]["started"]) << ends[i].dump() << "\n" << ends[i + 1].dump();
}

}  // namespace
}  // namespace onair::test
