// A new timeline (the daemon's day window moving on at midnight, a reload) must never
// disturb what is already on air or pre-rolled: a crossfade in progress, or the cut fade
// that ends at a hard start, airs sample for sample as it would have without the swap.
#include "engine/engine_fixture.hpp"
#include "player/pcm/envelope.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {

constexpr FrameCount S = kRate;  // frames per second
const std::string kHead = "timezone: Asia/Ho_Chi_Minh\n";

class TimelineSwapTest : public EngineTest {
 protected:
  std::vector<BroadcastDay> load(const std::vector<std::pair<std::string, std::string>>& days) {
    Diagnostics diags;
    std::vector<BroadcastDay> out;
    for (const auto& [name, yaml] : days)
      if (auto d = day(name, yaml, diags)) out.push_back(std::move(*d));
    EXPECT_FALSE(diags.has_errors());
    EXPECT_EQ(out.size(), days.size());
    return out;
  }

  // Renders `first` from local time `from` for `seconds`; once output frame `swap_at` is
  // reached, the engine is handed `second` (as the daemon's monitor does).
  // `remembered`, when given, gets Engine::remembered() just before and just after the swap;
  // `skip_at`, when given, is when the operator skips what is on air.
  std::unique_ptr<RenderResult> render_with_swap(std::vector<BroadcastDay> first, std::vector<BroadcastDay> second,
                                                 Duration from, double seconds, FrameCount swap_at,
                                                 std::pair<std::size_t, std::size_t>* remembered = nullptr,
                                                 FrameCount skip_at = -1) {
    auto r = std::make_unique<RenderResult>();
    auto before = std::make_shared<const Timeline>(std::move(first));
    auto after = std::make_shared<const Timeline>(std::move(second));
    VirtualClock clock(before->local().at(from).time, kRate);
    FileFactory factory;
    const auto asrun_path = dir / "asrun.jsonl";
    std::filesystem::remove(asrun_path);
    {
      AsRunLog log(asrun_path, before->local());
      EngineOptions options;
      options.block = 256;  // the swap lands within a few ms of `swap_at`
      Engine* engine_ptr = nullptr;
      bool swapped = false, measured = false, skipped = false;
      options.progress = [&](FrameCount frame) {
        if (skip_at >= 0 && !skipped && frame >= skip_at) {
          skipped = true;
          engine_ptr->skip();
        }
        if (swapped && !measured && remembered) {  // the swap applies before the next block
          measured = true;
          remembered->second = engine_ptr->remembered();
        }
        if (!swapped && frame >= swap_at) {
          swapped = true;
          if (remembered) remembered->first = engine_ptr->remembered();
          engine_ptr->replace_timeline(after);
        }
      };
      Engine engine(before, clock, r->out, factory, &log, AudioFormat{kRate, 2}, options);
      engine_ptr = &engine;
      engine.run(static_cast<FrameCount>(seconds * kRate));
      r->stats = engine.stats();
      EXPECT_TRUE(swapped);
    }
    r->asrun = read_json_lines(asrun_path);
    std::erase_if(r->asrun, [](const nlohmann::json& j) { return j.contains("event"); });
    return r;
  }

  static const nlohmann::json* find(const RenderResult& r, const std::string& program, int item) {
    for (const auto& j : r.asrun)
      if (j["program"] == program && j["item"] == item) return &j;
    return nullptr;
  }

  static std::string dump(const RenderResult& r) {
    std::string s;
    for (const auto& j : r.asrun) s += j.dump() + "\n";
    return s;
  }
};

const std::string kSat = kHead + R"(programs:
  - {id: late, at: "23:59:50", items: [{file: late.wav}]}
)";
const std::string kSun = kHead + R"(programs:
  - {id: h00, at: "00:00", items: [{file: a.wav, crossfade: 2}, {file: b.wav}]}
  - {id: h01, at: "00:01", items: [{file: c.wav}]}
)";
const std::string kMon = kHead + R"(programs:
  - {id: mon, at: "06:00", items: [{file: c.wav}]}
)";

}  // namespace

// The soak's case: the window [Sat, Sun] becomes [Sun, Mon] just after midnight, while
// a.wav is on air and b.wav (which crossfades in over a's last 2 s) is not yet pre-rolled;
// and the same swap once b is pre-rolled, and during the crossfade itself.
TEST_F(TimelineSwapTest, MidnightWindowKeepsACrossfadeAsPlanned) {
  tone("late.wav", 220, 8);
  tone("a.wav", 440, 15);
  tone("b.wav", 660, 20);
  tone("c.wav", 880, 5);
  // From 23:59:50: a at 10 s (midnight), b at 23 s (a's last 2 s), b ends at 43 s.
  const FrameCount a0 = 10 * S, b0 = 23 * S;
  for (const FrameCount swap : {a0 - S / 10, a0 + S / 10, a0 + 6 * S, b0 - S, b0 + S / 2, b0 + 3 * S / 2}) {
    SCOPED_TRACE("swap at frame " + std::to_string(swap));
    auto first = load({{"2011-11-26.yaml", kSat}, {"2011-11-27.yaml", kSun}});
    auto second = load({{"2011-11-27.yaml", kSun}, {"2011-11-28.yaml", kMon}});
    auto r = render_with_swap(std::move(first), std::move(second), 23h + 59min + 50s, 50, swap);
    EXPECT_TRUE(plays(r->out, a0, 440, 0, S));
    EXPECT_TRUE(plays(r->out, a0 + 5 * S, 440, 5 * S, 8 * S));  // a alone up to the overlap
    for (FrameCount f = b0; f < b0 + 2 * S; f += 997) {  // the whole equal-power overlap, in step
      const double x = static_cast<double>(f - b0) / (2 * S);
      const auto in = static_cast<float>(std::sin(x * std::numbers::pi / 2));
      const auto out = static_cast<float>(std::cos(x * std::numbers::pi / 2));
      ASSERT_NEAR(r->out.left(f), out * sine(440, f - a0) + in * sine(660, f - b0), 2e-4f) << "frame " << f;
    }
    EXPECT_TRUE(plays(r->out, b0 + 2 * S, 660, 2 * S, 10 * S));  // b alone from its 2 s: no jump
    EXPECT_TRUE(plays(r->out, b0 + 18 * S, 660, 18 * S, 2 * S - 1));
    EXPECT_TRUE(silent(r->out, b0 + 20 * S, S));
    const auto* a = find(*r, "h00", 0);
    const auto* b = find(*r, "h00", 1);
    ASSERT_TRUE(a && b) << dump(*r);
    EXPECT_EQ((*a)["status"], "played") << dump(*r);
    EXPECT_EQ((*a)["started"], "2011-11-27T00:00:00.000+07:00");
    EXPECT_EQ((*a)["ended"], "2011-11-27T00:00:15.000+07:00");
    EXPECT_EQ((*b)["status"], "played") << dump(*r);
    EXPECT_EQ((*b)["offset_ms"], 0) << dump(*r);
    EXPECT_EQ((*b)["started"], "2011-11-27T00:00:13.000+07:00");
    EXPECT_EQ((*b)["ended"], "2011-11-27T00:00:33.000+07:00");
    EXPECT_DOUBLE_EQ((*b)["played_s"].get<double>(), 20.0) << dump(*r);
    EXPECT_EQ(r->stats.failures, 0);
  }
}

// A swap while the item on air fades out to a hard start: the cut fade and the hard start
// stay exact, and the item on air is recorded cut at the hard start.
TEST_F(TimelineSwapTest, SwapDuringTheCutFadeBeforeAHardStartKeepsIt) {
  tone("late.wav", 220, 30);
  tone("a.wav", 440, 5);
  tone("b.wav", 660, 20);
  tone("c.wav", 880, 5);
  const std::string sat = "cut_fade: 1\n" + kSat;
  for (const FrameCount swap : {S, 9 * S, 10 * S - S / 2, 10 * S - S / 10}) {
    SCOPED_TRACE("swap at frame " + std::to_string(swap));
    auto first = load({{"2011-11-26.yaml", sat}, {"2011-11-27.yaml", kSun}});
    auto second = load({{"2011-11-27.yaml", kSun}, {"2011-11-28.yaml", kMon}});
    auto r = render_with_swap(std::move(first), std::move(second), 23h + 59min + 50s, 20, swap);
    EXPECT_TRUE(plays(r->out, 0, 220, 0, 8 * S));   // late.wav before its fade
    for (FrameCount f = 9 * S; f < 10 * S; f += 499) {  // the 1 s cut fade ends at midnight
      const auto x = static_cast<double>(10 * S - f) / S;
      const auto gain = static_cast<float>(fade_curve(FadeShape::s_curve, x));
      ASSERT_NEAR(r->out.left(f), gain * sine(220, f), 2e-4f) << "frame " << f;
    }
    EXPECT_TRUE(plays(r->out, 10 * S, 440, 0, 3 * S));  // h00 on the second
    const auto* late = find(*r, "late", 0);
    const auto* a = find(*r, "h00", 0);
    ASSERT_TRUE(late && a) << dump(*r);
    EXPECT_EQ((*late)["status"], "cut") << dump(*r);
    EXPECT_EQ((*late)["ended"], "2011-11-27T00:00:00.000+07:00");
    EXPECT_EQ((*a)["status"], "played") << dump(*r);
    EXPECT_EQ((*a)["offset_ms"], 0);
    EXPECT_EQ((*a)["started"], "2011-11-27T00:00:00.000+07:00");
  }
}

// Months on air: when the window moves on at midnight, what the engine remembered of the
// day that left it (late.wav's length, skipped by the operator; Saturday's anchors) is dropped; Sunday's stays
// and Sunday airs as planned.
TEST_F(TimelineSwapTest, MidnightWindowForgetsTheDayThatLeft) {
  tone("late.wav", 220, 8);
  tone("a.wav", 440, 15);
  tone("b.wav", 660, 20);
  tone("c.wav", 880, 5);
  const FrameCount a0 = 10 * S;
  auto first = load({{"2011-11-26.yaml", kSat}, {"2011-11-27.yaml", kSun}});
  auto second = load({{"2011-11-27.yaml", kSun}, {"2011-11-28.yaml", kMon}});
  std::pair<std::size_t, std::size_t> remembered{0, 0};
  auto r = render_with_swap(std::move(first), std::move(second), 23h + 59min + 50s, 50, a0 + 6 * S, &remembered, 2 * S);
  // Before: late.wav's length (skipped at 23:59:52) and its start's anchor (23:59:50).
  // After: only midnight's anchor, which the re-plan at the swap commits (Sunday, on air).
  EXPECT_EQ(remembered.first, 2u);
  EXPECT_EQ(remembered.second, 1u) << "Saturday's length and anchor are forgotten";
  EXPECT_TRUE(plays(r->out, a0, 440, 0, 12 * S));
  const auto* a = find(*r, "h00", 0);
  const auto* b = find(*r, "h00", 1);
  ASSERT_TRUE(a && b) << dump(*r);
  EXPECT_EQ((*a)["status"], "played") << dump(*r);
  EXPECT_EQ((*b)["status"], "played") << dump(*r);
  EXPECT_EQ((*b)["started"], "2011-11-27T00:00:13.000+07:00");
}
