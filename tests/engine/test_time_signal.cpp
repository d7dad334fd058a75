// The time signal (`pips: true`, issue 15): five pips of 0.1 s from `at` − 5 s, the on-time
// pip of 0.5 s starting exactly at `at`, 1 kHz, raised-cosine edges, the programme's items
// after it; what aired before is cut with its fade ending at `at` − 5 s.
#include "engine/engine_fixture.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {
constexpr FrameCount S = kRate;
const std::string kHead = "timezone: Asia/Ho_Chi_Minh\n";

// The frames in [from, from + n) that are not digital silence.
FrameCount sounding(const MemoryOutput& out, FrameCount from, FrameCount n) {
  FrameCount count = 0;
  for (FrameCount k = 0; k < n; ++k) count += out.left(from + k) != 0.0f;
  return count;
}

// Sign changes in [from, from + n): 2 per cycle of a sine.
int crossings(const MemoryOutput& out, FrameCount from, FrameCount n) {
  int c = 0;
  for (FrameCount k = 1; k < n; ++k)
    if ((out.left(from + k - 1) < 0) != (out.left(from + k) < 0)) ++c;
  return c;
}

// A pip of `length` frames at `start`: silence up to it, phase 0 on its frame, the steady
// part a sine of `freq` at `amp`, nothing after it until `quiet_until`.
::testing::AssertionResult pip(const MemoryOutput& out, FrameCount start, FrameCount length, FrameCount quiet_until,
                               double amp, double freq = 1000, bool after_cut = false) {
  // After a cut, the cut fade's last frame is near silence rather than silence.
  if (after_cut ? std::abs(out.left(start - 1)) > 0.01f : out.left(start - 1) != 0.0f) return ::testing::AssertionFailure() << "sound just before the pip at " << start;
  if (out.left(start) != 0.0f) return ::testing::AssertionFailure() << "the pip at " << start << " does not start at phase 0";
  if (out.left(start + 1) == 0.0f) return ::testing::AssertionFailure() << "no pip at frame " << start;
  const FrameCount ramp = 240;  // 5 ms
  for (FrameCount k = ramp; k < length - ramp; ++k) {
    const float want = static_cast<float>(amp * std::sin(2 * std::numbers::pi * freq * static_cast<double>(k) / kRate));
    if (std::abs(out.left(start + k) - want) > 1e-4f)
      return ::testing::AssertionFailure() << "frame " << start + k << ": " << out.left(start + k) << ", want " << want;
  }
  // The edges rise and fall: smaller than the steady level near the ends.
  if (std::abs(out.left(start + 12)) >= amp * 0.1) return ::testing::AssertionFailure() << "no rising edge at " << start;
  const int c = crossings(out, start, length);
  const int want_c = static_cast<int>(2 * freq * static_cast<double>(length) / kRate);
  if (std::abs(c - want_c) > 1) return ::testing::AssertionFailure() << c << " zero crossings, want " << want_c;
  if (const FrameCount n = sounding(out, start + length, quiet_until - start - length); n != 0)
    return ::testing::AssertionFailure() << n << " sounding frames after the pip at " << start;
  return ::testing::AssertionSuccess();
}

const double kPipAmp = std::pow(10.0, -12.0 / 20.0);
}  // namespace

TEST_F(EngineTest, PipsStartOnTheirFramesAtOneKilohertzWithTheirDurations) {
  tone("long.wav", 440, 30);
  tone("news.wav", 660, 3);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: music, at: "05:59:50", items: [{file: long.wav}]}
  - id: news
    at: "06:00"
    pips: true
    items: [{file: news.wav, title: "Thời sự 6 giờ"}]
)"}},
                  5h + 59min + 50s, 15);
  ASSERT_EQ(r->out.frames(), 15 * S);
  // The music airs until 05:59:55 (frame 5 s), its cut fade ending there.
  EXPECT_TRUE(plays(r->out, 0, 440, 0));
  EXPECT_LT(std::abs(r->out.left(5 * S - 1)), 0.01f);
  for (int k = 0; k < 5; ++k)  // 05:59:55 … 05:59:59
    EXPECT_TRUE(pip(r->out, (5 + k) * S, S / 10, (6 + k) * S, kPipAmp, 1000, k == 0)) << "pip " << k + 1;
  EXPECT_TRUE(pip(r->out, 10 * S, S / 2, 10 * S + S / 2, kPipAmp)) << "the on-time pip";
  // The news follows the on-time pip, sample-exactly.
  EXPECT_TRUE(plays(r->out, 10 * S + S / 2, 660, 0));
  EXPECT_TRUE(plays(r->out, 13 * S + S / 2 - 200, 660, 3 * S - 200));

  ASSERT_GE(r->asrun.size(), 4u);
  EXPECT_EQ(r->asrun[0]["status"], "cut");
  EXPECT_EQ(r->asrun[0]["ended"], "2011-11-26T05:59:55.000+07:00");
  EXPECT_EQ(r->asrun[1]["title"], "Tín hiệu giờ");
  EXPECT_EQ(r->asrun[1]["started"], "2011-11-26T05:59:55.000+07:00");
  EXPECT_EQ(r->asrun[1]["status"], "played");
  EXPECT_EQ(r->asrun[2]["started"], "2011-11-26T06:00:00.000+07:00");
  EXPECT_EQ(r->asrun[2]["program"], "news");
  EXPECT_EQ(r->asrun[3]["title"], "Thời sự 6 giờ");
  EXPECT_EQ(r->asrun[3]["started"], "2011-11-26T06:00:00.500+07:00");
  EXPECT_EQ(r->asrun[3]["status"], "played");
  EXPECT_EQ(r->asrun[0]["detail"], "cut after 5 s of 30 s by the time signal of 'news' at 06:00:00.000 (from 05:59:55.000)");
}

TEST_F(EngineTest, PipsJoinedPartWayKeepTheirFramesAndLevel) {
  tone("news.wav", 660, 3);
  // Joined at 06:59:57.3: the pips of 06:59:58 and :59, then the on-time pip, at their frames.
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: news, at: "07:00", pips: {level: -20, frequency: 800}, items: [{file: news.wav}]}
)"}},
                  6h + 59min + 57s + 300ms, 5);
  const FrameCount base = S * 3 / 10;  // frames from the join to 06:59:58 is 0.7 s
  const double amp = std::pow(10.0, -20.0 / 20.0);
  EXPECT_EQ(sounding(r->out, 0, S * 7 / 10), 0);  // the 06:59:57 pip was over at the join
  EXPECT_TRUE(pip(r->out, S - base, S / 10, 2 * S - base, amp, 800));
  EXPECT_TRUE(pip(r->out, 2 * S - base, S / 10, 3 * S - base, amp, 800));
  EXPECT_TRUE(pip(r->out, 3 * S - base, S / 2, 3 * S + S / 2 - base, amp, 800));
  EXPECT_TRUE(plays(r->out, 3 * S + S / 2 - base, 660, 0));
}

TEST_F(EngineTest, PipsAfterSilenceAndOnTheFirstProgrammeOfTheDay) {
  tone("a.wav", 440, 2);
  tone("b.wav", 660, 2);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: first, at: "05:00", pips: true, items: [{file: a.wav}]}
  - {id: second, at: "05:00:10", pips: true, items: [{file: b.wav}]}
)"}},
                  4h + 59min + 50s, 25);
  EXPECT_EQ(sounding(r->out, 0, 5 * S), 0);
  EXPECT_TRUE(pip(r->out, 5 * S, S / 10, 6 * S, kPipAmp));
  EXPECT_TRUE(pip(r->out, 10 * S, S / 2, 10 * S + S / 2, kPipAmp));
  EXPECT_TRUE(plays(r->out, 10 * S + S / 2, 440, 0));
  // a ends at 05:00:02.5, silence until the second programme's first pip at 05:00:05.
  EXPECT_EQ(sounding(r->out, 12 * S + S / 2 + 10, 2 * S + S / 2 - 20), 0);
  EXPECT_TRUE(pip(r->out, 15 * S, S / 10, 16 * S, kPipAmp));
  EXPECT_TRUE(pip(r->out, 20 * S, S / 2, 20 * S + S / 2, kPipAmp));
  EXPECT_TRUE(plays(r->out, 20 * S + S / 2, 660, 0));
}

TEST_F(EngineTest, PipsNeedAHardStartAndAValidSetting) {
  Diagnostics diags;
  (void)day("2011-11-26.yaml", kHead + R"(programs:
  - {id: a, at: "05:00", start: soft, pips: true, items: [{silence: 1}]}
  - {id: b, at: "06:00", pips: {level: 3}, items: [{silence: 1}]}
  - {id: c, at: "07:00", pips: loud, items: [{silence: 1}]}
  - {id: d, at: "08:00", pips: {volume: -3}, items: [{silence: 1}]}
)",
            diags);
  std::string text;
  for (const auto& d : diags.items()) text += d.format() + "\n";
  EXPECT_NE(text.find("2011-11-26.yaml:3:39: error: 'pips' needs a hard start: the last pip marks 05:00:00 exactly, "
                      "and programme 'a' has 'start: soft'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("2011-11-26.yaml:4:40: error:"), std::string::npos) << text;
  EXPECT_NE(text.find("'level'"), std::string::npos) << text;
  EXPECT_NE(text.find("2011-11-26.yaml:5:32: error:"), std::string::npos) << text;
  EXPECT_NE(text.find("'loud'"), std::string::npos) << text;
  EXPECT_NE(text.find("2011-11-26.yaml:6:33: error:"), std::string::npos) << text;
  EXPECT_NE(text.find("volume"), std::string::npos) << text;
}

TEST_F(EngineTest, PipsAtMidnightCutTheDayBefore) {
  tone("long.wav", 440, 30);
  tone("news.wav", 660, 3);
  auto r = render({{"2011-11-26.yaml", kHead + R"(programs:
  - {id: late, at: "23:59:50", items: [{file: long.wav}]}
)"},
                   {"2011-11-27.yaml", kHead + R"(programs:
  - {id: midnight, at: "00:00", pips: true, items: [{file: news.wav}]}
)"}},
                  23h + 59min + 50s, 15);
  ASSERT_EQ(r->out.frames(), 15 * S);
  EXPECT_TRUE(plays(r->out, 0, 440, 0));
  for (int k = 0; k < 5; ++k)  // 23:59:55 … 23:59:59 of the day before
    EXPECT_TRUE(pip(r->out, (5 + k) * S, S / 10, (6 + k) * S, kPipAmp, 1000, k == 0)) << "pip " << k + 1;
  EXPECT_TRUE(pip(r->out, 10 * S, S / 2, 10 * S + S / 2, kPipAmp));
  EXPECT_TRUE(plays(r->out, 10 * S + S / 2, 660, 0));
  ASSERT_GE(r->asrun.size(), 3u);
  EXPECT_EQ(r->asrun[1]["started"], "2011-11-26T23:59:55.000+07:00");
  EXPECT_EQ(r->asrun[1]["day"], "2011-11-27");
  EXPECT_EQ(r->asrun[2]["started"], "2011-11-27T00:00:00.000+07:00");
}
