// An emergency break-in on a sink with a render-ahead ring: the engine takes back what the
// sink has not played (Output::retract) and the cut fade starts at the frame about to play,
// so the render-ahead never delays the bulletin. The simulated device below keeps half a
// second queued, as the sound card's ring does; what it has "played" is what stays in
// `samples` once retracted frames are removed.
#include <gtest/gtest.h>

#include <fstream>

#include "engine/fake_device_clock.hpp"
#include "player/asrun/log.hpp"
#include "player/engine/engine.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {

constexpr auto kLatency = 40ms;
constexpr FrameCount kRing = kRate / 2;  // 500 ms rendered ahead

// Plays at the nominal rate; a write returns once the ring (kRing frames) is full again,
// so played = written - kRing. retract() removes unplayed frames from the end.
class RingDevice final : public Output {
 public:
  RingDevice(FakeWall& wall) : wall_(wall) {}
  std::vector<float> samples;
  std::function<void(FrameCount played)> on_write;
  FrameCount retracted = 0;

  AudioFormat open(const AudioFormat& requested) override { return requested; }
  void write(const float* interleaved, FrameCount frames) override {
    if (on_write) on_write(played());
    samples.insert(samples.end(), interleaved, interleaved + frames * 2);
    wall_.mono = dac(played()) - kLatency;
  }
  FrameCount retract(FrameCount most, FrameCount keep) override {
    const FrameCount take = std::clamp<FrameCount>(std::min(most, written() - played() - keep), 0, most);
    samples.resize(samples.size() - static_cast<std::size_t>(take * 2));
    retracted += take;
    return take;
  }
  FrameCount retractable() const override { return written() - played(); }
  FrameCount retract_capacity() const override { return kRing; }
  void close() override {}
  std::optional<OutputStamp> stamp() const override {
    const FrameCount f = played();
    return OutputStamp{f, dac(f), 1};
  }
  OutputStats stats() const override { return {}; }
  bool realtime() const override { return true; }
  std::string describe() const override { return "simulated card with a ring"; }
  FrameCount written() const { return static_cast<FrameCount>(samples.size() / 2); }
  FrameCount played() const { return std::max<FrameCount>(0, written() - kRing); }
  float left(FrameCount f) const { return samples.at(static_cast<std::size_t>(f * 2)); }

 private:
  MonoTime dac(FrameCount f) const {
    return FakeWall::kMono0 + kLatency + std::chrono::nanoseconds(f * 1'000'000'000LL / kRate);
  }
  FakeWall& wall_;
};

struct AirRun {
  std::vector<float> samples;
  std::vector<nlohmann::json> asrun, starts;
  FrameCount requested_at = -1;  // the device's played frame when the break-in was asked for
  FrameCount written_at = -1;    // what had been rendered by then
  FrameCount retracted = 0;
  float left(FrameCount f) const { return samples.at(static_cast<std::size_t>(f * 2)); }
  std::string dump() const {
    std::string s;
    for (const auto& j : asrun)
      s += j.value("title", "") + " | " + j.value("status", "") + " | " + j.value("started", "") + " → " +
           j.value("ended", "") + " | " + j.value("detail", "") + "\n";
    return s;
  }
  FrameCount frames() const { return static_cast<FrameCount>(samples.size() / 2); }
};

class BreakInRetract : public EngineTest {
 protected:
  // Plays `yaml` from `from`; when the device has played `at` frames, asks for `b` (twice:
  // the second `again` frames later, when again > 0).
  AirRun run(const std::string& yaml, Duration from, double seconds, FrameCount at, BreakIn b, FrameCount again = 0) {
    AirRun r;
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
    RingDevice device(wall);
    RealClock clock([&] { return device.stamp(); }, wall, kRate, kLatency);
    FileFactory factory;
    const auto path = dir / "asrun.jsonl";
    std::filesystem::remove(path);
    {
      AsRunLog log(path, timeline.local());
      EngineOptions o;
      o.realtime = true;
      o.realtime_wait = 60s;  // never airs silence for a slow test machine
      Engine engine(timeline, clock, device, factory, &log, AudioFormat{kRate, 2}, o);
      int asked = 0;
      device.on_write = [&](FrameCount played) {
        if (asked == 0 && played >= at) {
          r.requested_at = played;
          r.written_at = device.written();
          engine.break_in(b);
          ++asked;
        } else if (asked == 1 && again > 0 && played >= r.requested_at + again) {
          BreakIn second = b;
          if (second.bulletin) second.bulletin->id += "-2";
          engine.break_in(second);
          ++asked;
        }
      };
      engine.run(static_cast<FrameCount>(seconds * kRate));
    }
    r.retracted = device.retracted;
    if (::testing::Test::HasFailure() || getenv("ONAIR_TEST_DUMP")) {
    }
    r.samples = std::move(device.samples);
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      (j.contains("event") ? r.starts : r.asrun).push_back(j);
    }
    return r;
  }

  BreakIn emergency(double seconds, bool tone = false) {
    tone_file("alert.wav", 1000, seconds);
    BreakIn b;
    b.source = (dir / "media/alert.wav").string();
    b.display_source = "alert.wav";
    b.title = "Cảnh báo lũ khẩn cấp";
    b.length = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
    b.loudness = {};
    b.bulletin = BulletinTag{"b-1", BulletinLevel::emergency, 1};
    b.attention_tone = tone;
    b.note = "interrupted by emergency bulletin b-1";
    return b;
  }
  void tone_file(const std::string& rel, double freq, double seconds) { tone(rel, freq, seconds); }

  // The first frame at or after `from` where the 1 kHz alert plays.
  static FrameCount first_alert_frame(const AirRun& r, FrameCount from) {
    for (FrameCount f = from; f + 200 < r.frames(); ++f) {
      bool all = true;
      for (FrameCount k = 0; k < 200 && all; k += 7) all = std::abs(r.left(f + k) - sine(1000, k)) < 2e-4f;
      if (all) return f;
    }
    return -1;
  }
};

const std::string kDay = R"(date: 2011-11-26
programs:
  - id: news
    at: "06:00"
    items:
      - file: a.wav
      - file: b.wav
)";

}  // namespace

// The alert's first frame is a cut fade (0.3 s) after the frame the device was about to
// play, plus the 60 ms kept: not after the half second rendered ahead.
TEST_F(BreakInRetract, TheRenderAheadDoesNotDelayTheEmergency) {
  tone("a.wav", 440, 30);
  tone("b.wav", 550, 30);
  const FrameCount at = 10 * kRate;
  const AirRun r = run(kDay, 6h, 32, at, emergency(2.0));
  SCOPED_TRACE(r.dump());
  ASSERT_GE(r.requested_at, at);
  EXPECT_GT(r.retracted, kRing / 2) << "the render-ahead was taken back";
  const FrameCount alert = first_alert_frame(r, r.requested_at);
  ASSERT_GE(alert, 0) << "the alert never aired";
  const FrameCount delay = alert - r.requested_at;
  const FrameCount bound = kRate * 3 / 10 + kRate * 60 / 1000 + 2048;  // fade + kept + a block or two
  EXPECT_LE(delay, bound) << "alert " << delay * 1000 / kRate << " ms after the request";
  EXPECT_LT(alert, r.written_at) << "it starts inside what had been rendered ahead";
  // Up to the fade, the first item goes on without a jump: the tone is continuous across
  // the frame the engine went back to, then fades (never louder than it was).
  const FrameCount from = alert - kRate * 3 / 10;
  for (FrameCount f = from - 500; f < from + 20; ++f)
    ASSERT_NEAR(r.left(f), sine(440, f), 2e-3) << "frame " << f << " (went back to " << from << ")";
  for (FrameCount f = from; f < alert; f += 97) ASSERT_LE(std::abs(r.left(f)), kAmp + 1e-3);
  EXPECT_LT(std::abs(r.left(alert - 10)), 0.02f) << "faded out by the alert";
  // The as-run: a.wav cut where the fade ends, the alert with its bulletin and level, then
  // the schedule joined at its offset.
  ASSERT_GE(r.asrun.size(), 3u);
  EXPECT_EQ(r.asrun[0]["title"], "a.wav");
  EXPECT_EQ(r.asrun[0]["status"], "cut");
  EXPECT_EQ(r.asrun[0]["detail"], "interrupted by emergency bulletin b-1");
  EXPECT_NEAR(r.asrun[0]["played_s"].get<double>(), static_cast<double>(alert) / kRate, 0.002);
  EXPECT_EQ(r.asrun[1]["bulletin"], "b-1");
  EXPECT_EQ(r.asrun[1]["level"], "emergency");
  EXPECT_EQ(r.asrun[1]["status"], "played");
  EXPECT_EQ(r.asrun[1]["program"], "bulletin");
  EXPECT_NEAR(r.asrun[1]["played_s"].get<double>(), 2.0, 0.002);
  EXPECT_EQ(r.asrun[2]["title"], "a.wav");
  EXPECT_EQ(r.asrun[2]["status"], "joined");
  // a.wav rejoined where the schedule has it: 440 Hz at the wall-clock offset.
  const FrameCount rejoin = alert + 2 * kRate;
  for (FrameCount f = rejoin + 10; f < rejoin + 300; f += 13) ASSERT_NEAR(r.left(f), sine(440, f), 2e-3) << f;
}

// With the attention tone, 853 Hz beeps come first, at the same moment the alert would.
TEST_F(BreakInRetract, TheAttentionToneComesFirst) {
  tone("a.wav", 440, 30);
  tone("b.wav", 550, 30);
  const AirRun r = run(kDay, 6h, 20, 5 * kRate, emergency(1.0, true));
  SCOPED_TRACE(r.dump());
  const FrameCount alert = first_alert_frame(r, r.requested_at);
  ASSERT_GE(alert, 0);
  const FrameCount tone_start = alert - frames_in(kAttentionToneLength, kRate);
  EXPECT_LE(tone_start - r.requested_at, kRate * 36 / 100 + 2048);
  ASSERT_GE(r.asrun.size(), 3u);
  EXPECT_EQ(r.asrun[1]["title"], "Tín hiệu chú ý");
  EXPECT_EQ(r.asrun[1]["level"], "emergency");
  EXPECT_EQ(r.asrun[2]["title"], "Cảnh báo lũ khẩn cấp");
  // A beep is there (not silence), 50 ms into the tone.
  float peak = 0;
  for (FrameCount f = tone_start + 2400; f < tone_start + 4800; ++f) peak = std::max(peak, std::abs(r.left(f)));
  EXPECT_GT(peak, 0.2f);
}

// A second emergency during the first cuts it the same way; then the schedule rejoins.
TEST_F(BreakInRetract, TwoEmergenciesInARow) {
  tone("a.wav", 440, 30);
  tone("b.wav", 550, 30);
  const AirRun r = run(kDay, 6h, 32, 4 * kRate, emergency(3.0), kRate);
  SCOPED_TRACE(r.dump());
  std::vector<std::string> seen;
  for (const auto& j : r.asrun) seen.push_back(j["title"].get<std::string>() + ":" + j["status"].get<std::string>());
  ASSERT_GE(r.asrun.size(), 4u) << ::testing::PrintToString(seen);
  EXPECT_EQ(r.asrun[1]["bulletin"], "b-1");
  EXPECT_EQ(r.asrun[1]["status"], "cut");
  EXPECT_EQ(r.asrun[2]["bulletin"], "b-1-2");
  EXPECT_EQ(r.asrun[2]["status"], "played");
  EXPECT_EQ(r.asrun[3]["status"], "joined");
  // The first alert aired about 1 s - 0.36 s before the second cut it.
  EXPECT_NEAR(r.asrun[1]["played_s"].get<double>(), 1.0, 0.1);
}

// A hard start due while an emergency airs: the emergency finishes, then the programme joins
// at its offset (the documented default).
TEST_F(BreakInRetract, AHardStartDuringAnEmergencyJoinsAfterIt) {
  tone("a.wav", 440, 30);
  tone("b.wav", 550, 30);
  tone("c.wav", 660, 15);
  const std::string day = R"(date: 2011-11-26
programs:
  - id: news
    at: "06:00"
    items:
      - file: a.wav
  - id: weather
    at: "06:00:12"
    items:
      - file: c.wav
)";
  // Asked for 3 s before the hard start; the alert lasts 5 s.
  const AirRun r = run(day, 6h, 30, 9 * kRate, emergency(5.0));
  SCOPED_TRACE(r.dump());
  ASSERT_GE(r.asrun.size(), 3u);
  EXPECT_EQ(r.asrun[1]["level"], "emergency");
  EXPECT_EQ(r.asrun[1]["status"], "played");
  EXPECT_EQ(r.asrun[2]["program"], "weather");
  EXPECT_EQ(r.asrun[2]["status"], "joined");
  const FrameCount alert = first_alert_frame(r, r.requested_at);
  const FrameCount back = alert + 5 * kRate;
  // c.wav at its wall-clock offset: it started (under the alert) at 12 s.
  for (FrameCount f = back + 10; f < back + 300; f += 13) ASSERT_NEAR(r.left(f), sine(660, f - 12 * kRate), 2e-3) << f;
}
