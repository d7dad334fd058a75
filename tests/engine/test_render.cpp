// Every item starts at its exact frame: hard and soft starts, end, overrun cuts,
// crossfades, cue points, fill trimming, failures replaced without a gap, joins, midnight.
#include "engine/engine_fixture.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {
constexpr FrameCount S = kRate;  // frames per second
const std::string kHead = "timezone: Asia/Ho_Chi_Minh\n";
}  // namespace

TEST_F(EngineTest, HardStartsAndBackToBackItemsAreSampleExact) {
  tone("a.wav", 440, 3);
  tone("b.wav", 660, 2);
  tone("c.wav", 880, 5);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: b.wav}]}
  - {id: two, at: "06:00:07", items: [{file: c.wav}]}
)"}},
                  5h + 59min + 58s, 15);
  ASSERT_EQ(r->out.frames(), 15 * S);
  EXPECT_TRUE(silent(r->out, 0, 2 * S));                     // nothing before 06:00
  EXPECT_TRUE(plays(r->out, 2 * S, 440, 0));                 // a at 06:00:00 exactly
  EXPECT_TRUE(plays(r->out, 5 * S - 200, 440, 3 * S - 200));  // a's last frames
  EXPECT_TRUE(plays(r->out, 5 * S, 660, 0));                 // b follows gaplessly
  EXPECT_TRUE(silent(r->out, 7 * S, 2 * S));                 // gap of silence
  EXPECT_TRUE(plays(r->out, 9 * S, 880, 0));                 // two at 06:00:07
  ASSERT_GE(r->asrun.size(), 4u);
  EXPECT_EQ(r->asrun[0]["status"], "played");
  EXPECT_EQ(r->asrun[0]["started"], "2011-11-26T06:00:00.000+07:00");
  EXPECT_EQ(r->asrun[0]["offset_ms"], 0);
  EXPECT_EQ(r->asrun[1]["started"], "2011-11-26T06:00:03.000+07:00");
  EXPECT_EQ(r->asrun[2]["status"], "silence");
}

TEST_F(EngineTest, OverrunIsCutWithAFadeThatEndsAtTheHardStart) {
  tone("long.wav", 440, 10);
  tone("next.wav", 660, 3);
  auto r = render({{"2011-11-26.yaml", kHead + R"(cut_fade: 0.5
programs:
  - {id: one, at: "06:00", items: [{file: long.wav}, {file: next.wav}]}
  - {id: two, at: "06:00:04", items: [{file: next.wav}]}
)"}},
                  6h, 6);
  EXPECT_TRUE(plays(r->out, 0, 440, 0, 3 * S));            // untouched before the cut fade
  EXPECT_TRUE(plays(r->out, 4 * S, 660, 0));               // two at exactly 06:00:04
  // The cut fade: full level 0.5 s before, nearly silent on the last frame before `at`.
  EXPECT_NEAR(std::abs(r->out.left(4 * S - 1)), 0.0f, 1e-4f);
  EXPECT_GT(std::abs(r->out.left(static_cast<FrameCount>(3.5 * S) - 12)), 0.1f * kAmp);
  bool cut = false, skipped = false;
  for (const auto& j : r->asrun) {
    if (j["program"] == "one" && j["item"] == 0) cut = j["status"] == "cut" && j["ended"] == "2011-11-26T06:00:04.000+07:00";
    if (j["program"] == "one" && j["item"] == 1) skipped = j["status"] == "skipped";
  }
  EXPECT_TRUE(cut);
  EXPECT_TRUE(skipped);
}

TEST_F(EngineTest, SoftStartFollowsTheItemOnAir) {
  tone("a.wav", 440, 3);
  tone("b.wav", 550, 3);
  tone("c.wav", 660, 2);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: b.wav}, {file: a.wav}]}
  - {id: two, at: "06:00:04", start: soft, items: [{file: c.wav}]}
)"}},
                  6h, 10);
  EXPECT_TRUE(plays(r->out, 3 * S, 550, 0));
  EXPECT_TRUE(plays(r->out, 6 * S, 660, 0));  // after b ends, not at 06:00:04
  EXPECT_TRUE(silent(r->out, 8 * S, S));
}

TEST_F(EngineTest, ProgrammeEndCuts) {
  tone("a.wav", 440, 5);
  auto r = render({{"2011-11-26.yaml", kHead + R"(cut_fade: 0
programs:
  - {id: one, at: "06:00", end: "06:00:02.5", items: [{file: a.wav}]}
)"}},
                  6h, 4);
  EXPECT_TRUE(plays(r->out, S * 5 / 2 - 100, 440, S * 5 / 2 - 100, 100));
  EXPECT_TRUE(silent(r->out, S * 5 / 2, S));
}

TEST_F(EngineTest, CueInOutFadesAndGain) {
  tone("a.wav", 440, 10);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - id: one
    at: "06:00"
    items:
      - {file: a.wav, in: 1.5, out: 4, gain: -6.0206, fade_in: 0.1, fade_out: 0.2}
)"}},
                  6h, 3);
  EXPECT_TRUE(plays(r->out, S / 10, 440, S * 3 / 2 + S / 10, 1000, kAmp / 2));  // cue-in phase, half gain
  EXPECT_EQ(r->out.left(0), 0.0f);                                            // fade in starts at 0
  EXPECT_TRUE(silent(r->out, S * 5 / 2, S / 2));                               // out at 2.5 s of air
  EXPECT_LT(std::abs(r->out.left(S * 5 / 2 - 1)), 1e-3f);                      // faded out
}

TEST_F(EngineTest, CrossfadeIsEqualPower) {
  tone("a.wav", 440, 3);
  tone("b.wav", 660, 3);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav, crossfade: 1}, {file: b.wav}]}
)"}},
                  6h, 6);
  // b starts at 2 s; halfway through the overlap both gains are cos(π/4).
  const FrameCount mid = 2 * S + S / 2;
  const float g = static_cast<float>(std::sqrt(0.5));
  const float want = g * sine(440, mid) + g * sine(660, S / 2);
  EXPECT_NEAR(r->out.left(mid), want, 2e-3f);
  EXPECT_TRUE(plays(r->out, 3 * S, 660, S));  // after the overlap: b alone
  EXPECT_TRUE(silent(r->out, 5 * S, S / 2));
}

TEST_F(EngineTest, FillIsTrimmedToEndAtTheNextHardStart) {
  tone("a.wav", 440, 1);
  tone("fill/f1.wav", 300, 2);
  tone("b.wav", 660, 1);
  auto r = render({{"2011-11-26.yaml", kHead + R"(between: fill
fill: {dir: fill, order: sequential}
cut_fade: 0.25
programs:
  - {id: one, at: "06:00", items: [{file: a.wav}]}
  - {id: two, at: "06:00:06", items: [{file: b.wav}]}
)"}},
                  6h, 8);
  EXPECT_TRUE(plays(r->out, 1 * S, 300, 0));       // fill right after a
  EXPECT_TRUE(plays(r->out, 3 * S, 300, 0));       // next round of the pool
  EXPECT_TRUE(plays(r->out, 5 * S, 300, 0, S / 2));  // the last filler, trimmed
  EXPECT_LT(std::abs(r->out.left(6 * S - 1)), 1e-3f);
  EXPECT_TRUE(plays(r->out, 6 * S, 660, 0));       // two on the frame
  int fills = 0;
  for (const auto& j : r->asrun) fills += j["status"] == "fill";
  EXPECT_EQ(fills, 3);
}

TEST_F(EngineTest, FailedItemIsReplacedWithoutAGap) {
  tone("a.wav", 440, 2);
  tone("gone.wav", 550, 2);
  tone("c.wav", 660, 2);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: gone.wav}, {file: c.wav}]}
)"}},
                  6h, 6, [](const std::filesystem::path& d) { std::filesystem::remove(d / "media/gone.wav"); });
  EXPECT_TRUE(plays(r->out, 2 * S, 660, 0));  // c takes gone's place at once
  EXPECT_TRUE(silent(r->out, 4 * S, S));
  bool failed = false;
  for (const auto& j : r->asrun)
    if (j["item"] == 1) failed = j["status"] == "failed" && !j["detail"].get<std::string>().empty();
  EXPECT_TRUE(failed);
  EXPECT_EQ(r->stats.failures, 1);
}

TEST_F(EngineTest, CorruptItemFailsAndTheNextFollows) {
  tone("a.wav", 440, 2);
  tone("c.wav", 660, 2);
  write_file(dir / "media/bad.wav", "RIFF garbage that is not audio");
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: bad.wav}, {file: c.wav}]}
)"}},
                  6h, 5);
  EXPECT_TRUE(plays(r->out, 2 * S, 660, 0));
}

TEST_F(EngineTest, JoinInProgressStartsAtTheRightOffset) {
  tone("a.wav", 440, 10);
  tone("b.wav", 660, 2);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: b.wav}]}
)"}},
                  6h + 3s + 250ms, 9);
  EXPECT_TRUE(plays(r->out, 0, 440, 3 * S + S / 4));           // joined 3.25 s in
  EXPECT_TRUE(plays(r->out, 6 * S + 3 * S / 4, 660, 0));       // b at 06:00:10
  ASSERT_FALSE(r->asrun.empty());
  EXPECT_EQ(r->asrun[0]["status"], "joined");
  EXPECT_EQ(r->asrun[0]["started"], "2011-11-26T06:00:03.250+07:00");
  EXPECT_EQ(r->asrun[0]["offset_ms"], 3250);
}

TEST_F(EngineTest, MidnightContinuesIntoTheNextDay) {
  tone("late.wav", 440, 10);
  tone("early.wav", 660, 3);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: late, at: "23:59:55", items: [{file: late.wav}]}
)"},
                   {"2011-11-27.yaml", kHead + R"(programs:
  - {id: early, at: "00:00:08", items: [{file: early.wav}]}
)"}},
                  23h + 59min + 50s, 25);
  EXPECT_TRUE(plays(r->out, 5 * S, 440, 0));
  EXPECT_TRUE(plays(r->out, 10 * S, 440, 5 * S));    // through midnight, no jump
  EXPECT_TRUE(plays(r->out, 18 * S, 660, 0));        // next day's 00:00:08
  EXPECT_LT(std::abs(r->out.left(18 * S - 1)), 1e-3f);  // late was cut there
  bool early_day = false;
  for (const auto& j : r->asrun)
    if (j["program"] == "early") early_day = j["day"] == "2011-11-27" && j["started"] == "2011-11-27T00:00:08.000+07:00";
  EXPECT_TRUE(early_day);
}

TEST_F(EngineTest, SilenceItemsAreDigitalSilence) {
  tone("a.wav", 440, 1);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {silence: 1.5}, {file: a.wav}]}
)"}},
                  6h, 4);
  EXPECT_TRUE(silent(r->out, S, S * 3 / 2));
  EXPECT_TRUE(plays(r->out, S * 5 / 2, 440, 0));
}
