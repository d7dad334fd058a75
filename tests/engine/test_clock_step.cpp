// The system clock stepped (NTP) by a minute while on air: hard starts follow the new wall
// time, the stream never jumps, nothing airs twice, gaps are filled as the schedule says,
// and the as-run records stay coherent. The engine runs on a RealClock fed by a simulated
// device and a fake system clock that the test steps at a chosen frame.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "engine/fake_device_clock.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {

constexpr FrameCount S = kRate;
constexpr auto kLatency = 40ms;
const std::string kHead = "timezone: Asia/Ho_Chi_Minh\ncut_fade: 0.5\n";

// Routes the "clock" logger into a string for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog() {
    spdlog::drop("clock");
    logger_ = std::make_shared<spdlog::logger>("clock", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    spdlog::register_logger(logger_);
  }
  ~CapturedLog() { spdlog::drop("clock"); }
  int count(const std::string& what) {
    logger_->flush();
    const std::string text = out_.str();
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
};

struct SteppedRun {
  MemoryOutput out;
  std::vector<nlohmann::json> asrun, starts;  // end records; start lines
  EngineStats stats;
  double ppm = 0;
  FrameCount step_seen = -1;  // the first frame rendered after the step (where the engine sees it)
  int step_warnings = 0;
};

class ClockStep : public EngineTest {
 protected:
  // Plays `yaml` from local time `from` for `seconds`, stepping the system clock by `step`
  // when the output reaches frame `step_at`.
  std::unique_ptr<SteppedRun> run(const std::string& yaml, Duration from, double seconds, FrameCount step_at,
                                  std::chrono::nanoseconds step) {
    auto r = std::make_unique<SteppedRun>();
    Diagnostics diags;
    auto d = day("2011-11-26.yaml", yaml, diags);
    if (!d) {
      ADD_FAILURE() << "schedule did not load";
      return r;
    }
    std::vector<BroadcastDay> days;
    days.push_back(std::move(*d));
    Timeline timeline(std::move(days));
    FakeWall wall(timeline.local().at(from).time - std::chrono::duration_cast<Duration>(kLatency));
    DeviceOutput device(wall, kLatency);
    bool stepped = false;
    device.on_write = [&](FrameCount f) {
      if (stepped && r->step_seen < 0) r->step_seen = f;
      if (!stepped && f >= step_at) {
        wall.step += step;
        stepped = true;
      }
    };
    CapturedLog log_capture;
    RealClock clock([&] { return device.stamp(); }, wall, kRate, kLatency);
    FileFactory factory;
    const auto path = dir / "asrun.jsonl";
    std::filesystem::remove(path);
    {
      AsRunLog log(path, timeline.local());
      EngineOptions o;
      o.realtime = true;                  // re-places hard starts when the clock moves
      o.realtime_wait = 60s;              // but never airs silence for a slow test machine
      Engine engine(timeline, clock, device, factory, &log, AudioFormat{kRate, 2}, o);
      engine.run(static_cast<FrameCount>(seconds * kRate));
      r->stats = engine.stats();
    }
    r->ppm = clock.drift_ppm();
    r->step_warnings = log_capture.count("the system clock stepped");
    r->out.samples = std::move(device.samples);
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      (j.contains("event") ? r->starts : r->asrun).push_back(j);
    }
    return r;
  }

  static std::string dump(const SteppedRun& r) {
    std::string s;
    for (const auto& j : r.asrun) s += j.dump() + "\n";
    return s;
  }
};

const nlohmann::json& record(const SteppedRun& r, std::size_t k) {
  static const nlohmann::json none = nlohmann::json::object();
  return k < r.asrun.size() ? r.asrun[k] : none;
}

// Every record is whole (ended >= started, played_s within them) and pairs with its start
// line (same identity and `started`), so no start line is left looking "in flight".
void expect_coherent(const SteppedRun& r) {
  for (const auto& j : r.asrun) {
    if (j["ended"].is_null()) continue;
    EXPECT_GE(j["ended"].get<std::string>(), j["started"].get<std::string>()) << j.dump();
  }
  for (const auto& st : r.starts) {
    bool paired = false;
    for (const auto& j : r.asrun)
      paired |= j["program"] == st["program"] && j["item"] == st["item"] && j["started"] == st["started"];
    EXPECT_TRUE(paired) << "start line without its record: " << st.dump();
  }
}

}  // namespace

// +60 s while the first item plays: programme two's hard start (06:01:45) is now 45 s of
// audio after 06:00:00 instead of 105 s. b is cut with the cut fade ending exactly there,
// c is skipped, two starts on its (new) wall time; the stream itself never jumps.
TEST_F(ClockStep, ForwardStepBringsTheNextHardStartCloser) {
  tone("a.wav", 440, 30);
  tone("b.wav", 550, 20);
  tone("c.wav", 660, 20);
  tone("d.wav", 880, 10);
  auto r = run(kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: b.wav}, {file: c.wav}]}
  - {id: two, at: "06:01:45", items: [{file: d.wav}]}
)",
               6h, 60, 10 * S, 60s);
  ASSERT_EQ(r->out.frames(), 60 * S);
  EXPECT_TRUE(plays(r->out, 0, 440, 0, 10 * S));                 // a, straight through the step
  EXPECT_TRUE(plays(r->out, 10 * S, 440, 10 * S, 20 * S));
  EXPECT_TRUE(plays(r->out, 30 * S, 550, 0, 14 * S + S / 2));    // b, untouched before the cut fade
  EXPECT_NEAR(r->out.left(45 * S - 1), 0.0f, 1e-4f);             // the fade ends at the hard start
  EXPECT_GT(std::abs(r->out.left(44 * S + S / 2 + 1000)), 0.0f);
  EXPECT_TRUE(plays(r->out, 45 * S, 880, 0, 10 * S));            // two at its new wall time, once
  EXPECT_TRUE(silent(r->out, 55 * S, 5 * S));
  EXPECT_NEAR(r->ppm, 0.0, 1.0);                                 // a step is no rate change
  EXPECT_EQ(r->step_warnings, 1);

  ASSERT_EQ(r->asrun.size(), 4u) << dump(*r);
  const auto& a = record(*r, 0);  // spans the step: whole in the time it started by
  EXPECT_EQ(a["status"], "played");
  EXPECT_EQ(a["started"], "2011-11-26T06:00:00.000+07:00");
  EXPECT_EQ(a["ended"], "2011-11-26T06:00:30.000+07:00");
  EXPECT_EQ(a["played_s"], 30.0);
  EXPECT_NE(a["detail"].get<std::string>().find("stepped +60.000 s"), std::string::npos) << a.dump();
  EXPECT_NE(a["detail"].get<std::string>().find("ended at 2011-11-26T06:01:30.000+07:00"), std::string::npos);
  const auto& b = record(*r, 1);  // on the new time from here on
  EXPECT_EQ(b["status"], "cut");
  EXPECT_EQ(b["started"], "2011-11-26T06:01:30.000+07:00");
  EXPECT_EQ(b["ended"], "2011-11-26T06:01:45.000+07:00");
  EXPECT_EQ(b["played_s"], 15.0);
  EXPECT_EQ(b["offset_ms"], 60000);
  EXPECT_NE(b["detail"].get<std::string>().find("hard start of 'two'"), std::string::npos);
  const auto& c = record(*r, 2);
  EXPECT_EQ(c["status"], "skipped");
  EXPECT_EQ(c["item"], 2);
  EXPECT_EQ(c["started"], "2011-11-26T06:01:45.000+07:00");
  const auto& d = record(*r, 3);
  EXPECT_EQ(d["program"], "two");
  EXPECT_EQ(d["status"], "played");
  EXPECT_EQ(d["started"], "2011-11-26T06:01:45.000+07:00");
  EXPECT_EQ(d["offset_ms"], 0);
  EXPECT_EQ(d["played_s"], 10.0);
  expect_coherent(*r);
}

// −60 s while a plays: two's hard start (06:01:00) is now 120 s of audio away; the gap
// before it grows from 10 s to 70 s and is filled from the pool as the schedule says.
TEST_F(ClockStep, BackStepLengthensTheGapWhichIsFilled) {
  tone("a.wav", 440, 30);
  tone("b.wav", 550, 20);
  tone("d.wav", 880, 10);
  tone("fill/1.wav", 300, 30);
  tone("fill/2.wav", 330, 30);
  auto r = run(kHead + R"(between: fill
fill: {dir: fill, order: sequential}
programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: b.wav}]}
  - {id: two, at: "06:01", items: [{file: d.wav}]}
)",
               6h, 135, 10 * S, -60s);
  ASSERT_EQ(r->out.frames(), 135 * S);
  EXPECT_TRUE(plays(r->out, 0, 440, 0, 30 * S));
  EXPECT_TRUE(plays(r->out, 30 * S, 550, 0, 20 * S));
  EXPECT_TRUE(plays(r->out, 50 * S, 300, 0, 30 * S));   // fill 1
  EXPECT_TRUE(plays(r->out, 80 * S, 330, 0, 30 * S));   // fill 2
  EXPECT_TRUE(plays(r->out, 110 * S, 300, 0, 9 * S));   // fill 1 again, trimmed with the cut fade
  EXPECT_NEAR(r->out.left(120 * S - 1), 0.0f, 1e-4f);
  EXPECT_TRUE(plays(r->out, 120 * S, 880, 0, 10 * S));  // two at 06:01:00 by the new time
  EXPECT_TRUE(silent(r->out, 130 * S, 5 * S));
  EXPECT_NEAR(r->ppm, 0.0, 1.0);
  EXPECT_EQ(r->step_warnings, 1);

  ASSERT_EQ(r->asrun.size(), 6u) << dump(*r);
  const auto& a = record(*r, 0);
  EXPECT_EQ(a["started"], "2011-11-26T06:00:00.000+07:00");
  EXPECT_EQ(a["ended"], "2011-11-26T06:00:30.000+07:00");  // not 05:59:30: never before it started
  EXPECT_EQ(a["played_s"], 30.0);
  EXPECT_NE(a["detail"].get<std::string>().find("stepped -60.000 s"), std::string::npos) << a.dump();
  EXPECT_EQ(record(*r, 1)["started"], "2011-11-26T05:59:30.000+07:00");
  EXPECT_EQ(record(*r, 1)["ended"], "2011-11-26T05:59:50.000+07:00");
  EXPECT_EQ(record(*r, 1)["status"], "played");
  double fill = 0;
  for (std::size_t k = 2; k < 5; ++k) {
    EXPECT_EQ(record(*r, k)["status"], "fill");
    fill += record(*r, k)["played_s"].get<double>();
  }
  EXPECT_DOUBLE_EQ(fill, 70.0);
  EXPECT_EQ(record(*r, 2)["started"], "2011-11-26T05:59:50.000+07:00");
  EXPECT_EQ(record(*r, 4)["ended"], "2011-11-26T06:01:00.000+07:00");
  EXPECT_EQ(record(*r, 5)["program"], "two");
  EXPECT_EQ(record(*r, 5)["started"], "2011-11-26T06:01:00.000+07:00");
  EXPECT_EQ(record(*r, 5)["offset_ms"], 0);
  expect_coherent(*r);
}

// −60 s while the hard start was going to cut b: b now reaches the end of its media 50 s
// before two's hard start. It is played in full, once, and the rest airs as recorded
// silence up to two (not b again, and no unrecorded dead air).
TEST_F(ClockStep, BackStepPastTheEndOfTheCutItemsMedia) {
  tone("a.wav", 440, 30);
  tone("b.wav", 550, 40);
  tone("d.wav", 880, 10);
  auto r = run(kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: b.wav}]}
  - {id: two, at: "06:01", items: [{file: d.wav}]}
)",
               6h, 135, 10 * S, -60s);
  ASSERT_EQ(r->out.frames(), 135 * S);
  EXPECT_TRUE(plays(r->out, 30 * S, 550, 0, 40 * S));  // b in full, no cut fade any more
  EXPECT_TRUE(silent(r->out, 70 * S, 50 * S));
  EXPECT_TRUE(plays(r->out, 120 * S, 880, 0, 10 * S));
  ASSERT_EQ(r->asrun.size(), 4u) << dump(*r);
  EXPECT_EQ(record(*r, 1)["item"], 1);
  EXPECT_EQ(record(*r, 1)["status"], "played");
  EXPECT_EQ(record(*r, 1)["played_s"], 40.0);
  EXPECT_EQ(record(*r, 2)["status"], "silence");
  EXPECT_EQ(record(*r, 2)["started"], "2011-11-26T06:00:10.000+07:00");
  EXPECT_EQ(record(*r, 2)["played_s"], 50.0);
  EXPECT_EQ(record(*r, 3)["program"], "two");
  EXPECT_EQ(record(*r, 3)["started"], "2011-11-26T06:01:00.000+07:00");
  EXPECT_EQ(r->stats.failures, 0);
  expect_coherent(*r);
}

// +60 s when two's hard start was 30 s away: it is already 30 s late by the new time. b
// fades out with the cut fade from the frame the step is seen, and two joins where the
// wall clock says it is (as a restart would), not from its top 30 s late.
TEST_F(ClockStep, ForwardStepPastTheNextHardStartJoinsIt) {
  tone("a.wav", 440, 30);
  tone("b.wav", 550, 30);
  tone("d.wav", 880, 60);
  auto r = run(kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: b.wav}]}
  - {id: two, at: "06:01:10", items: [{file: d.wav}]}
)",
               6h, 60, 40 * S, 60s);
  ASSERT_EQ(r->out.frames(), 60 * S);
  const FrameCount k = r->step_seen, end = k + S / 2;  // 0.5 s cut fade
  ASSERT_GT(k, 40 * S);
  ASSERT_LT(k, 40 * S + 2048);
  EXPECT_TRUE(plays(r->out, 30 * S, 550, 0, k - 30 * S));
  EXPECT_NEAR(r->out.left(end - 1), 0.0f, 1e-4f);
  EXPECT_TRUE(plays(r->out, end, 880, end - 10 * S, 5 * S));  // two as of 06:01:10 by the new time
  ASSERT_EQ(r->asrun.size(), 3u) << dump(*r);
  EXPECT_EQ(record(*r, 1)["status"], "cut");
  EXPECT_NEAR(record(*r, 1)["played_s"].get<double>(), static_cast<double>(end - 30 * S) / S, 1e-3);
  EXPECT_EQ(record(*r, 2)["program"], "two");
  EXPECT_EQ(record(*r, 2)["status"], "cut");  // by the end of the window
  EXPECT_EQ(record(*r, 2)["offset_ms"], (end - 10 * S) / 48);
  expect_coherent(*r);
}

// The RealClock alone, on a card 200 ppm fast: steps of the system clock move the wall
// mapping at once (a hard start placed after the step airs on the new time), are logged
// once each with their size, and never disturb the rate fit; sub-millisecond offset changes
// are read noise, absorbed without a warning, and re-place starts only once they add up to
// half a millisecond.
TEST(ClockStepFit, StepsMoveTheWallMappingNotTheRate) {
  FakeWall wall(TimePoint(std::chrono::duration_cast<Duration>(std::chrono::hours(24 * 15000))));
  const double rate = kRate * (1 + 200e-6);
  auto dac = [&](FrameCount f) {
    return FakeWall::kMono0 + 43ms + std::chrono::nanoseconds(std::llround(static_cast<double>(f) / rate * 1e9));
  };
  auto sys_at = [&](MonoTime m) {
    return wall.sys_origin + std::chrono::duration_cast<Duration>(m - FakeWall::kMono0 + wall.step);
  };
  std::optional<OutputStamp> stamp;
  RealClock clock([&] { return stamp; }, wall, kRate, 43ms);
  CapturedLog log;
  FrameCount frame = 0;
  double worst_ppm_error = 0;
  auto play = [&](std::chrono::seconds s) {
    const MonoTime end = wall.mono + s;
    while (wall.mono < end) {
      wall.mono = dac(frame) - 43ms;
      stamp = OutputStamp{frame, dac(frame), 1};
      clock.tick();
      if (wall.mono > FakeWall::kMono0 + 30s)
        worst_ppm_error = std::max(worst_ppm_error, std::abs(clock.drift_ppm() - 200));
      frame += 1024;
    }
  };
  // A hard start 20 s ahead by the system clock now, placed as the engine does.
  auto hard_start_error_ms = [&] {
    const TimePoint at = wall.sys_now() + 20s;
    return std::chrono::duration<double, std::milli>(sys_at(dac(clock.frame_at(at))) - at).count();
  };
  play(600s);
  EXPECT_NEAR(clock.drift_ppm(), 200, 2);
  EXPECT_LT(std::abs(hard_start_error_ms()), 1.0);

  const auto v0 = clock.mapping_version();
  wall.step += 300us;  // noise-sized: absorbed
  play(1s);
  EXPECT_EQ(clock.mapping_version(), v0);
  wall.step += 300us;  // together 0.6 ms: future starts are placed again, still no warning
  play(1s);
  EXPECT_EQ(clock.mapping_version(), v0 + 1);
  EXPECT_EQ(log.count("stepped"), 0);
  EXPECT_EQ(clock.stepped(), Duration{0});

  for (const auto step : {60s, -60s}) {
    const auto before = clock.mapping_version();
    wall.step += step;
    play(1s);
    EXPECT_EQ(clock.mapping_version(), before + 1) << step.count();
    EXPECT_LT(std::abs(hard_start_error_ms()), 1.0) << "a hard start after a step of " << step.count() << " s";
    play(300s);
  }
  EXPECT_EQ(log.count("the system clock stepped +60.000 s"), 1);
  EXPECT_EQ(log.count("the system clock stepped -60.000 s"), 1);
  EXPECT_EQ(clock.stepped(), Duration{0});  // +60 then -60
  EXPECT_LT(worst_ppm_error, 2.0) << "the rate fit must not see a step";
  std::printf("steps of +-60 s on a 200 ppm card: worst ppm error %.3f, final %.2f ppm\n", worst_ppm_error,
              clock.drift_ppm());
}
