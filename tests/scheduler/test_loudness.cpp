// Loudness normalisation in the schedule: `loudness:` keys (day, template, config default,
// programme, item), their errors, the gain rule, the measurements validate_media asks for,
// its warnings, and what build_edl puts into each Segment.
#include <cmath>
#include <limits>

#include "scheduler/edl.hpp"
#include "scheduler/loudness.hpp"
#include "scheduler/schedule_fixture.hpp"
#include "scheduler/timeline.hpp"

using namespace onair;
using namespace onair::test;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

LoudnessMeasure lm(double i, double tp, double lra = 5.0) { return LoudnessMeasure{i, lra, tp}; }

class Loudness : public ScheduleTest {
 protected:
  void SetUp() override {
    media("a.mp3", 60);
    media("b.mp3", 60);
    media("c.mp3", 60);
    prober.loudness["a.mp3"] = lm(-23, -8);
    prober.loudness["b.mp3"] = lm(-10, -0.5);
    prober.loudness["c.mp3"] = lm(-30, -20);
  }
  std::vector<Segment> edl(const Loaded& l) {
    std::vector<BroadcastDay> days;
    days.push_back({*l.schedule, l.media});
    Timeline t(std::move(days));
    const Plan plan = t.plan();
    VirtualClock clock(t.local().midnight(), 48000);
    std::vector<Segment> out;
    for (auto& s : build_edl(t, plan, clock, 0, false))
      if (s.kind == Segment::Kind::file || s.kind == Segment::Kind::relay || s.kind == Segment::Kind::fill)
        out.push_back(s);
    return out;
  }
};

}  // namespace

TEST(LoudnessGain, BringsTheItemToTheTarget) {
  const LoudnessSettings s{};  // -16 LUFS, -1 dBTP, +12 dB
  auto g = loudness_gain(s, lm(-23, -10), 0.0);
  EXPECT_DOUBLE_EQ(g.gain_db, 7.0);
  EXPECT_TRUE(g.reaches_target());
  g = loudness_gain(s, lm(-9, 0.5), 0.0);  // hot master: turned down, the peak follows
  EXPECT_DOUBLE_EQ(g.gain_db, -7.0);
  EXPECT_TRUE(g.reaches_target());
  g = loudness_gain(s, lm(-23, -10), -2.5);  // the item's own gain comes on top
  EXPECT_DOUBLE_EQ(g.gain_db, 4.5);
}

TEST(LoudnessGain, CappedByMaxGainAndByTheCeiling) {
  const LoudnessSettings s{-16, -1, 12};
  auto g = loudness_gain(s, lm(-32, -20), 0.0);
  EXPECT_DOUBLE_EQ(g.gain_db, 12.0);
  EXPECT_TRUE(g.capped_by_max_gain);
  EXPECT_DOUBLE_EQ(g.wanted_db, 16.0);
  g = loudness_gain(s, lm(-20, -3), 0.0);  // +4 dB would peak at +1 dBTP
  EXPECT_DOUBLE_EQ(g.gain_db, 2.0);
  EXPECT_TRUE(g.capped_by_ceiling);
  g = loudness_gain(LoudnessSettings{-16, -1, 30}, lm(-40, -18), 0.0);  // both: the ceiling is tighter
  EXPECT_DOUBLE_EQ(g.gain_db, 17.0);
  EXPECT_TRUE(g.capped_by_ceiling && !g.capped_by_max_gain);
  g = loudness_gain(s, lm(-kInf, -kInf), 1.0);  // digital silence: only the item's gain
  EXPECT_TRUE(g.silent);
  EXPECT_DOUBLE_EQ(g.gain_db, 1.0);
}

TEST_F(Loudness, NothingWrittenNothingMeasured) {
  auto l = load(R"(date: 2011-11-26
programs:
  - at: "06:00"
    items:
      - file: a.mp3
        gain: -3
)");
  ASSERT_FALSE(l.diags.has_errors()) << l.dump();
  EXPECT_TRUE(prober.measured.empty());
  const auto segs = edl(l);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_DOUBLE_EQ(segs[0].gain_db, -3.0);
  EXPECT_FALSE(segs[0].loudness.agc);
  EXPECT_FLOAT_EQ(segs[0].loudness.ceiling_dbtp, -1.0f);
}

TEST_F(Loudness, DayKeyNormalisesEveryItemAndTheCueRangeIsMeasured) {
  auto l = load(R"(date: 2011-11-26
loudness: { target: -16, true_peak: -1, max_gain: 12 }
programs:
  - at: "06:00"
    items:
      - file: a.mp3
        in: "0:05"
        out: "0:50"
        gain: 1
      - file: b.mp3
      - relay: http://example.org/live
        duration: "10:00"
        fallback: c.mp3
)");
  ASSERT_FALSE(l.diags.has_errors()) << l.dump();
  ASSERT_EQ(prober.measured.size(), 2u);  // the relay's fallback is levelled by the AGC, not measured
  EXPECT_EQ(prober.measured[0], (CueRange{5'000'000, 50'000'000}));
  EXPECT_EQ(prober.measured[1], (CueRange{0, -1}));
  const auto segs = edl(l);
  ASSERT_EQ(segs.size(), 3u);
  EXPECT_DOUBLE_EQ(segs[0].gain_db, 8.0);   // -23 -> -16, plus gain 1
  EXPECT_DOUBLE_EQ(segs[1].gain_db, -6.0);  // -10 -> -16
  EXPECT_FALSE(segs[0].loudness.agc);
  EXPECT_TRUE(segs[2].loudness.agc);
  EXPECT_FLOAT_EQ(segs[2].loudness.target_lufs, -16.0f);
  EXPECT_FLOAT_EQ(segs[2].loudness.ceiling_dbtp, -1.0f);
}

TEST_F(Loudness, ProgrammeAndItemOverridesAndTemplateInheritance) {
  write_file(dir / "schedules/templates/base.yaml", "loudness: { target: -23, true_peak: -2 }\n");
  auto l = load(R"(date: 2011-11-26
template: base
programs:
  - at: "06:00"
    loudness: off
    items:
      - file: a.mp3
      - file: b.mp3
        loudness: { target: -19 }
  - at: "07:00"
    items:
      - file: a.mp3
      - file: c.mp3
        loudness: { max_gain: 20 }
)");
  ASSERT_FALSE(l.diags.has_errors()) << l.dump();
  const auto segs = edl(l);
  ASSERT_EQ(segs.size(), 4u);
  EXPECT_DOUBLE_EQ(segs[0].gain_db, 0.0);  // programme off: untouched
  EXPECT_FLOAT_EQ(segs[0].loudness.ceiling_dbtp, -1.0f);
  EXPECT_DOUBLE_EQ(segs[1].gain_db, -9.0 + 0.0 + 0.0);  // -10 -> -19, peak -0.5 - 9 under -2
  EXPECT_FLOAT_EQ(segs[1].loudness.ceiling_dbtp, -2.0f);  // the template's ceiling still applies
  EXPECT_DOUBLE_EQ(segs[2].gain_db, 0.0);  // -23 is the template's target
  EXPECT_DOUBLE_EQ(segs[3].gain_db, 7.0);  // -30 -> -23 (max_gain 20 is not reached)
  EXPECT_FLOAT_EQ(segs[3].loudness.target_lufs, -23.0f);
}

TEST_F(Loudness, ConfigDefaultIsUnderTheDayFile) {
  LoadOptions o;
  o.loudness = LoudnessSpec{false, -18.0, std::nullopt, std::nullopt, {}};
  auto l = load(R"(date: 2011-11-26
programs:
  - at: "06:00"
    items:
      - file: a.mp3
)",
                "schedules/2011-11-26.yaml", o);
  ASSERT_FALSE(l.diags.has_errors()) << l.dump();
  EXPECT_DOUBLE_EQ(edl(l)[0].gain_db, 5.0);
  auto off = load(R"(date: 2011-11-26
loudness: off
programs:
  - at: "06:00"
    items:
      - file: a.mp3
)",
                  "schedules/2011-11-26.yaml", o);
  EXPECT_DOUBLE_EQ(edl(off)[0].gain_db, 0.0);
}

TEST_F(Loudness, UnmeasurableFileGoesToTheAgc) {
  media("odd.mp3", 30);
  auto l = load(R"(date: 2011-11-26
loudness: on
programs:
  - at: "06:00"
    items:
      - file: odd.mp3
)");
  EXPECT_TRUE(l.has_warning("the loudness of 'odd.mp3' could not be measured", 6, 9)) << l.dump();
  const auto segs = edl(l);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_TRUE(segs[0].loudness.agc);
  EXPECT_DOUBLE_EQ(segs[0].gain_db, 0.0);
}

TEST_F(Loudness, FillFollowsTheDay) {
  media("fill/f1.mp3", 600);
  prober.loudness["f1.mp3"] = lm(-20, -6);
  auto l = load(R"(date: 2011-11-26
loudness: { target: -16 }
between: fill
fill: fill
programs:
  - at: "06:00"
    items:
      - file: a.mp3
  - at: "06:05"
    items:
      - file: a.mp3
)");
  ASSERT_FALSE(l.diags.has_errors()) << l.dump();
  bool saw_fill = false;
  for (const auto& s : edl(l))
    if (s.kind == Segment::Kind::fill) {
      saw_fill = true;
      EXPECT_DOUBLE_EQ(s.gain_db, 4.0);
    }
  EXPECT_TRUE(saw_fill);
}

TEST_F(Loudness, WarningsWhenTheTargetCannotBeReached) {
  media("silent.mp3", 30);
  prober.loudness["silent.mp3"] = lm(-kInf, -kInf, 0);
  media("peaky.mp3", 30);
  prober.loudness["peaky.mp3"] = lm(-22, -2);
  auto l = load(R"(date: 2011-11-26
loudness: { target: -16, true_peak: -1, max_gain: 12 }
programs:
  - at: "06:00"
    items:
      - file: c.mp3
      - file: silent.mp3
      - file: peaky.mp3
      - file: a.mp3
)");
  EXPECT_TRUE(l.has_warning("'c.mp3' measures -30.0 LUFS: it needs +14.0 dB to reach -16 LUFS but max_gain allows +12 dB",
                            6, 9))
      << l.dump();
  EXPECT_TRUE(l.has_warning("'silent.mp3' is digital silence", 7, 9)) << l.dump();
  EXPECT_TRUE(l.has_warning("'peaky.mp3' measures -22.0 LUFS with true peak -2.0 dBTP", 8, 9)) << l.dump();
  EXPECT_FALSE(l.has_warning("'a.mp3'")) << l.dump();
}

TEST_F(Loudness, BadValuesNameTheirPlace) {
  auto l = load(R"(date: 2011-11-26
loudness: { target: loud, true_peak: 2, max_gain: 40, knee: 3 }
programs:
  - at: "06:00"
    loudness: [ -16 ]
    items:
      - file: a.mp3
        loudness: { target: -50 }
      - silence: 10
        loudness: off
)");
  EXPECT_TRUE(l.has_error("'target' must be a number, got 'loud'", 2, 21)) << l.dump();
  EXPECT_TRUE(l.has_error("'true_peak' value 2 is out of range -9 to 0", 2, 38)) << l.dump();
  EXPECT_TRUE(l.has_error("'max_gain' value 40 is out of range 0 to 30", 2, 51)) << l.dump();
  EXPECT_TRUE(l.has_error("knee", 2, 55)) << l.dump();
  EXPECT_TRUE(l.has_error("'loudness' must be off, on or a mapping", 5, 15)) << l.dump();
  EXPECT_TRUE(l.has_error("'target' value -50 is out of range -40 to -5", 8, 29)) << l.dump();
  EXPECT_TRUE(l.has_error("'loudness' does not apply to a silence item", 10, 9)) << l.dump();
}
