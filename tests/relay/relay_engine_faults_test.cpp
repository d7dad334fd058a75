// A relay slot inside a rendered schedule, against servers that accept and then stall:
// (a) TCP accepted, not a byte sent; (b) HTTP headers, then nothing; (c) a few seconds of
// stream, then nothing for ever. What airs (the fallback from the slot's first frame or
// right after the last stream frame, no silence), the next item and the next hard start on
// their exact frames, and the as-run record of the slot.
#include "engine/engine_fixture.hpp"
#include "player/source/factory.hpp"
#include "support/stream_server.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {

constexpr FrameCount S = kRate;
constexpr double kStreamHz = 440, kFallbackHz = 1000;
using Clock = std::chrono::steady_clock;

// Share of `freq` in the power of the left channel over [from, from + n).
double tone_share(const MemoryOutput& out, FrameCount from, FrameCount n, double freq) {
  const double coeff = 2.0 * std::cos(2.0 * std::numbers::pi * freq / kRate);
  double s1 = 0, s2 = 0, energy = 0;
  for (FrameCount i = 0; i < n; ++i) {
    const double v = out.left(from + i);
    energy += v * v;
    const double s = v + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  if (energy <= 0) return 0;
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (energy * static_cast<double>(n) / 2.0);
}

// One letter per 100 ms of [from, to): S stream, F fallback, 0 digital silence, ? mixed.
std::string heard(const MemoryOutput& out, FrameCount from, FrameCount to) {
  std::string t;
  for (FrameCount f = from; f + S / 10 <= to; f += S / 10) {
    bool zero = true;
    for (FrameCount k = 0; k < S / 10 && zero; ++k) zero = out.left(f + k) == 0.0f;
    t += zero ? '0' : tone_share(out, f, S / 10, kStreamHz) > 0.6 ? 'S' : tone_share(out, f, S / 10, kFallbackHz) > 0.6 ? 'F' : '?';
  }
  return t;
}

// No run of digital silence longer than 1 ms in [from, to).
::testing::AssertionResult no_dropout(const MemoryOutput& out, FrameCount from, FrameCount to) {
  FrameCount run = 0;
  for (FrameCount f = from; f < to; ++f) {
    run = out.left(f) == 0.0f ? run + 1 : 0;
    if (run > S / 1000) return ::testing::AssertionFailure() << "silence around frame " << f;
  }
  return ::testing::AssertionSuccess();
}

// Real relays with short limits; files with their cue.
class Factory final : public SourceFactory {
 public:
  std::unique_ptr<Source> open(const Segment& s, FrameCount first, const AudioFormat& format) override {
    if (s.kind == Segment::Kind::relay) {
      RelayOptions o;
      o.connect_timeout = 2s;
      o.stall_limit = 1s;
      o.retry_interval = 1s;
      o.ring_frames = 3 * S;
      return make_relay_source(s.source, s.fallback, format, o);
    }
    FileSourceOptions o;
    o.cue_in = s.cue_in + (first - s.origin);
    return make_file_source(s.source, format, o);
  }
};

class RelayEngineFaults : public EngineTest {
 protected:
  // one at 06:00: a (1 s), the relay (`slot` s, fallback fb.wav), c (1 s); two at 06:00:12.
  std::unique_ptr<RenderResult> render_relay(const std::string& url, int slot) {
    tone("a.wav", 550, 1), tone("fb.wav", kFallbackHz, 10), tone("c.wav", 660, 1), tone("d.wav", 880, 1);
    const std::string yaml = "timezone: Asia/Ho_Chi_Minh\nprograms:\n"
                             "  - {id: one, at: \"06:00\", items: [{file: a.wav}, {relay: \"" + url +
                             "\", duration: " + std::to_string(slot) + ", fallback: fb.wav}, {file: c.wav}]}\n"
                             "  - {id: two, at: \"06:00:12\", items: [{file: d.wav}]}\n";
    auto r = std::make_unique<RenderResult>();
    Diagnostics diags;
    auto d = day("2011-11-26.yaml", yaml, diags);
    for (const auto& x : diags.items()) r->diags += x.format() + "\n";
    if (!d) {
      ADD_FAILURE() << "schedule did not load:\n" << r->diags;
      return r;
    }
    std::vector<BroadcastDay> days;
    days.push_back(std::move(*d));
    Timeline timeline(std::move(days));
    VirtualClock clock(timeline.local().at(6h).time, kRate);
    Factory factory;
    const auto path = dir / "asrun.jsonl";
    {
      AsRunLog log(path, timeline.local());
      Engine engine(timeline, clock, r->out, factory, &log, AudioFormat{kRate, 2});
      engine.run(13 * S);
      r->stats = engine.stats();
    }
    for (const auto& j : read_json_lines(path))
      if (!j.contains("event")) r->asrun.push_back(j);
    return r;
  }
  static const nlohmann::json* record(const RenderResult& r, const std::string& program, int item) {
    for (const auto& j : r.asrun)
      if (j["program"] == program && j["item"] == item) return &j;
    return nullptr;
  }
  // The slot (1 s .. 1 s + slot) aired only the fallback, from its first sample; c and d exact.
  void expect_fallback_slot(const RenderResult& r, int slot) {
    EXPECT_TRUE(plays(r.out, S - 200, 550, S - 200));
    EXPECT_TRUE(plays(r.out, S, kFallbackHz, 0, slot * S));  // the fallback, sample exact
    EXPECT_TRUE(plays(r.out, (1 + slot) * S, 660, 0));        // c on the slot's end
    EXPECT_TRUE(plays(r.out, 12 * S, 880, 0));                // two on 06:00:12
    const auto* relay = record(r, "one", 1);
    ASSERT_NE(relay, nullptr);
    EXPECT_EQ((*relay)["status"], "failed");
    EXPECT_EQ((*relay)["played_s"], static_cast<double>(slot));
    EXPECT_EQ((*relay)["started"], "2011-11-26T06:00:01.000+07:00");
    const std::string detail = (*relay)["detail"];
    EXPECT_NE(detail.find("fallback aired 00:00–00:0" + std::to_string(slot)), std::string::npos) << detail;
    const auto* c = record(r, "one", 2);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ((*c)["started"], (*relay)["ended"]);
    std::printf("slot recorded: %s — %s\n", (*relay)["status"].get<std::string>().c_str(), detail.c_str());
  }
};

}  // namespace

// (a) The server's kernel accepts; the server never sends a byte, not even headers.
TEST_F(RelayEngineFaults, AcceptedButSilentServerAirsTheFallbackFromTheSlotStart) {
  StreamServer server({"--mute"});
  const auto start = Clock::now();
  auto r = render_relay(server.url(), 4);
  expect_fallback_slot(*r, 4);
  const std::string detail = (*record(*r, "one", 1))["detail"];
  EXPECT_NE(detail.find("stream failed to open"), std::string::npos) << detail;
  EXPECT_LT(Clock::now() - start, 60s) << "the render hung on the silent server";
}

// (b) HTTP headers, then nothing.
TEST_F(RelayEngineFaults, HeadersThenNothingAirsTheFallbackFromTheSlotStart) {
  make_tone(dir / "stream.mp3", kStreamHz, 10, "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
  StreamServer server({(dir / "stream.mp3").string(), "--stall-after", "0"});
  auto r = render_relay(server.url(), 4);
  expect_fallback_slot(*r, 4);
}

// (c) The stream airs, then stalls for ever mid-slot: the fallback follows the last stream
// frame with no silence, the slot is `played` with the switch in its detail, c is on time.
TEST_F(RelayEngineFaults, StreamThatStallsMidSlotSwitchesToTheFallbackWithoutAGap) {
  make_tone(dir / "stream.mp3", kStreamHz, 10, "-c:a libmp3lame -b:a 128k -write_xing 0 -id3v2_version 0");
  StreamServer server({(dir / "stream.mp3").string(), "--burst", "2", "--stall-after", "3"});
  constexpr int slot = 8;
  auto r = render_relay(server.url(), slot);
  const std::string t = heard(r->out, S, (1 + slot) * S);
  SCOPED_TRACE(t);
  // Stream first, then the fallback to the end of the slot; never silence.
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t.front(), 'S');
  EXPECT_EQ(t.back(), 'F');
  const auto first_f = t.find('F');
  ASSERT_NE(first_f, std::string::npos);
  EXPECT_EQ(t.find('S', first_f), std::string::npos) << "the stream came back in a stalled slot";
  EXPECT_GE(first_f, 10u) << "less than 1 s of stream aired";
  EXPECT_EQ(t.find('0'), std::string::npos);
  EXPECT_TRUE(no_dropout(r->out, S, (1 + slot) * S));
  EXPECT_TRUE(plays(r->out, (1 + slot) * S, 660, 0));
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));
  const auto* relay = record(*r, "one", 1);
  ASSERT_NE(relay, nullptr);
  EXPECT_EQ((*relay)["status"], "played");
  EXPECT_EQ((*relay)["played_s"], static_cast<double>(slot));
  const std::string detail = (*relay)["detail"];
  EXPECT_NE(detail.find("stream stalled"), std::string::npos) << detail;
  EXPECT_NE(detail.find("fallback aired"), std::string::npos) << detail;
  const auto* c = record(*r, "one", 2);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["started"], "2011-11-26T06:00:09.000+07:00");
  std::printf("heard: %s\nslot recorded: played — %s\n", t.c_str(), detail.c_str());
}
