// Media that changes between `check` (probe) and air time: deleted, truncated (cleanly, mid-
// frame, garbage tail), replaced by a zero-byte file — before the engine opens it and after
// it pre-rolled it. What airs (sample by sample) and what the as-run records: no gap, the next
// hard start exact, a failed item named with its reason, a short item with its real length.
#include <random>
#include <thread>

#include "engine/engine_fixture.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {
constexpr FrameCount S = kRate;
const std::string kHead = "timezone: Asia/Ho_Chi_Minh\n";
constexpr std::uintmax_t kWavHeader = 44;  // write_sine_wav's header; 8 bytes a frame

// Something done to the media while the engine runs, once it has output `at` frames.
struct Meddle {
  FrameCount at;
  std::function<void()> act;
};

// Waits (up to 30 s) until this process has `file` open and has read at least `pos` bytes of
// it: the engine's pre-roll worker got there. Found through /proc, so no timing guess.
bool wait_read(const std::filesystem::path& file, std::uintmax_t pos) {
  const auto target = std::filesystem::canonical(file);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
      std::error_code ec2;
      if (std::filesystem::read_symlink(e.path(), ec2) != target) continue;
      std::ifstream info("/proc/self/fdinfo/" + e.path().filename().string());
      std::string key;
      std::uintmax_t value = 0;
      if (info >> key >> value && key == "pos:" && value >= pos) return true;
    }
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

void truncate_to(const std::filesystem::path& p, std::uintmax_t bytes) { std::filesystem::resize_file(p, bytes); }

// Overwrites the file from byte `from` to its end with random bytes (size unchanged).
void garble_tail(const std::filesystem::path& p, std::uintmax_t from) {
  const auto size = std::filesystem::file_size(p);
  std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(from));
  std::mt19937 rng(7);
  for (auto i = from; i < size; ++i) f.put(static_cast<char>(rng() & 0xFF));
}

class MediaFaults : public EngineTest {
 protected:
  // As EngineTest::render (one day, checked before the run), with `meddle` applied mid-run.
  std::unique_ptr<RenderResult> render_meddling(const std::string& yaml, Duration from, double seconds,
                                                std::vector<Meddle> meddle) {
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
    VirtualClock clock(timeline.local().at(from).time, kRate);
    FileFactory factory;
    const auto asrun_path = dir / "asrun.jsonl";
    std::filesystem::remove(asrun_path);
    EngineOptions options;
    std::size_t next = 0;
    options.progress = [&](FrameCount frame) {
      while (next < meddle.size() && frame >= meddle[next].at) meddle[next++].act();
    };
    {
      AsRunLog log(asrun_path, timeline.local());
      Engine engine(timeline, clock, r->out, factory, &log, AudioFormat{kRate, 2}, options);
      engine.run(static_cast<FrameCount>(seconds * kRate));
      r->stats = engine.stats();
    }
    EXPECT_EQ(next, meddle.size()) << "not every change was made";

    for (const auto& j : read_json_lines(asrun_path))
      if (!j.contains("event")) r->asrun.push_back(j);
    return r;
  }

  static const nlohmann::json* record(const RenderResult& r, const std::string& program, int item) {
    for (const auto& j : r.asrun)
      if (j["program"] == program && j["item"] == item) return &j;
    return nullptr;
  }
  // First frame in [from, to) where `freq` starts from phase 0.
  static FrameCount find_start(const MemoryOutput& out, double freq, FrameCount from, FrameCount to) {
    for (FrameCount f = from; f < to; ++f)
      if (std::abs(out.left(f) - sine(freq, 0)) < 2e-4f && plays(out, f, freq, 0, 400)) return f;
    return -1;
  }
  // Every sample a number within +12 dBFS (what FileSource lets through).
  static bool all_sane(const MemoryOutput& out) {
    return std::all_of(out.samples.begin(), out.samples.end(), [](float v) { return std::isfinite(v) && std::abs(v) <= 4.0f; });
  }
  // No run of digital silence longer than 1 ms in [from, to): nothing dropped out.
  static ::testing::AssertionResult no_dropout(const MemoryOutput& out, FrameCount from, FrameCount to) {
    FrameCount run = 0;
    for (FrameCount f = from; f < to; ++f) {
      run = out.left(f) == 0.0f ? run + 1 : 0;
      if (run > S / 1000) return ::testing::AssertionFailure() << "silence around frame " << f;
    }
    return ::testing::AssertionSuccess();
  }
};

// one: a (2 s) · x (the victim, 4 s) · c (2 s); two at 06:00:12, hard.
const std::string kThree = kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: x.wav}, {file: c.wav}]}
  - {id: two, at: "06:00:12", items: [{file: d.wav}]}
)";

}  // namespace

// Deleted after check, before the engine opens it: failed, c takes its slot on the frame.
TEST_F(MediaFaults, DeletedBeforePrerollFailsAndTheNextTakesItsFrame) {
  tone("a.wav", 440, 2), tone("x.wav", 550, 4), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  // x airs at 2 s and pre-rolls 8 s ahead: at frame 0 already. Deleting at once (before
  // the engine ran) is the "between check and air" case.
  auto r = render(
      {{"2011-11-26.yaml", kThree}}, 6h, 14, [](const std::filesystem::path& d) { std::filesystem::remove(d / "media/x.wav"); });
  EXPECT_TRUE(plays(r->out, 2 * S - 200, 440, 2 * S - 200));
  EXPECT_TRUE(plays(r->out, 2 * S, 660, 0));  // c on x's first frame
  EXPECT_TRUE(silent(r->out, 4 * S, 8 * S));  // nothing else until the hard start
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));  // two exactly at 06:00:12
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["status"], "failed");
  EXPECT_NE((*x)["source"].get<std::string>().find("x.wav"), std::string::npos);
  EXPECT_NE((*x)["detail"].get<std::string>().find("No such file"), std::string::npos) << (*x)["detail"];
  EXPECT_EQ((*x)["played_s"], 0.0);
  EXPECT_EQ((*x)["started"], "2011-11-26T06:00:02.000+07:00");
  const auto* c = record(*r, "one", 2);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["status"], "played");
  EXPECT_EQ((*c)["started"], "2011-11-26T06:00:02.000+07:00");
  EXPECT_EQ(r->stats.failures, 1);
}

// Deleted mid-run but before its pre-roll (the engine has not opened it yet).
TEST_F(MediaFaults, DeletedWhileTheEngineRunsBeforeItOpensIt) {
  tone("a.wav", 440, 12), tone("x.wav", 550, 4), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  const std::string yaml = kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: x.wav}, {file: c.wav}]}
  - {id: two, at: "06:00:20", items: [{file: d.wav}]}
)";
  auto r = render_meddling(yaml, 6h, 22, {{S, [&] { std::filesystem::remove(dir / "media/x.wav"); }}});
  EXPECT_TRUE(plays(r->out, 12 * S - 200, 440, 12 * S - 200));
  EXPECT_TRUE(plays(r->out, 12 * S, 660, 0));
  EXPECT_TRUE(silent(r->out, 14 * S, 6 * S));
  EXPECT_TRUE(plays(r->out, 20 * S, 880, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["status"], "failed");
  EXPECT_NE((*x)["detail"].get<std::string>().find("No such file"), std::string::npos) << (*x)["detail"];
}

// Replaced by a zero-byte file before air: failed with the reason; no gap.
TEST_F(MediaFaults, ZeroByteFileBeforeAirFails) {
  tone("a.wav", 440, 2), tone("x.wav", 550, 4), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  auto r = render({{"2011-11-26.yaml", kThree}}, 6h, 14,
                  [](const std::filesystem::path& d) { truncate_to(d / "media/x.wav", 0); });
  EXPECT_TRUE(plays(r->out, 2 * S, 660, 0));
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["status"], "failed");
  EXPECT_FALSE((*x)["detail"].get<std::string>().empty());
  std::printf("zero-byte detail: %s\n", (*x)["detail"].get<std::string>().c_str());
}

// Cut to its header: the file opens but holds no audio. Recorded failed, with a reason.
TEST_F(MediaFaults, HeaderOnlyFileFailsWithAReason) {
  tone("a.wav", 440, 2), tone("x.wav", 550, 4), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  auto r = render({{"2011-11-26.yaml", kThree}}, 6h, 14,
                  [](const std::filesystem::path& d) { truncate_to(d / "media/x.wav", kWavHeader); });
  EXPECT_TRUE(plays(r->out, 2 * S, 660, 0));
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["status"], "failed");
  EXPECT_FALSE((*x)["detail"].get<std::string>().empty()) << "a failure must say why";
  std::printf("header-only detail: %s\n", (*x)["detail"].get<std::string>().c_str());
}

// A clean cut of the data chunk (the header still claims 4 s): x airs its 1.5 s, recorded
// with its real length, and c follows on the very next frame.
TEST_F(MediaFaults, TruncatedDataChunkAirsShortAndTheNextFollowsOnTheFrame) {
  tone("a.wav", 440, 2), tone("x.wav", 550, 4), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  auto r = render({{"2011-11-26.yaml", kThree}}, 6h, 14, [](const std::filesystem::path& d) {
    truncate_to(d / "media/x.wav", kWavHeader + static_cast<std::uintmax_t>(S * 3 / 2) * 8);
  });
  const FrameCount end = 2 * S + S * 3 / 2;
  EXPECT_TRUE(plays(r->out, end - 200, 550, S * 3 / 2 - 200));
  EXPECT_TRUE(plays(r->out, end, 660, 0));
  EXPECT_TRUE(silent(r->out, end + 2 * S, 12 * S - end - 2 * S));
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["status"], "played");
  EXPECT_EQ((*x)["played_s"], 1.5);
  EXPECT_EQ((*x)["planned_s"], 4.0);
  EXPECT_EQ((*x)["ended"], "2011-11-26T06:00:03.500+07:00");
  EXPECT_NE((*x)["detail"].get<std::string>().find("shorter than probed"), std::string::npos) << (*x)["detail"];
  const auto* c = record(*r, "one", 2);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["started"], "2011-11-26T06:00:03.500+07:00");
}

// Cut mid-frame (the last frame half there): the whole frames air, the torn one is dropped.
TEST_F(MediaFaults, TruncatedMidFrameDropsOnlyTheTornFrame) {
  tone("a.wav", 440, 2), tone("x.wav", 550, 4), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  const FrameCount whole = S + 12345;
  auto r = render({{"2011-11-26.yaml", kThree}}, 6h, 14, [&](const std::filesystem::path& d) {
    truncate_to(d / "media/x.wav", kWavHeader + static_cast<std::uintmax_t>(whole) * 8 + 5);
  });
  const FrameCount end = 2 * S + whole;
  EXPECT_TRUE(plays(r->out, end - 200, 550, whole - 200));
  EXPECT_TRUE(plays(r->out, end, 660, 0));
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["status"], "played");
  EXPECT_NEAR((*x)["played_s"].get<double>(), static_cast<double>(whole) / S, 0.001);
}

// Garbage instead of the last 2 s of a float WAV: whatever the bytes decode to must not reach
// the output as NaN, infinity or beyond full scale; the item keeps its slot, d stays exact.
TEST_F(MediaFaults, GarbageTailNeverAirsNonFiniteSamples) {
  tone("a.wav", 440, 2), tone("x.wav", 550, 4), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  auto r = render({{"2011-11-26.yaml", kThree}}, 6h, 14, [](const std::filesystem::path& d) {
    garble_tail(d / "media/x.wav", kWavHeader + static_cast<std::uintmax_t>(2 * S) * 8 + 3);
  });
  EXPECT_TRUE(plays(r->out, 2 * S, 550, 0, 2 * S - 1));  // the intact part
  EXPECT_TRUE(all_sane(r->out));
  EXPECT_TRUE(plays(r->out, 6 * S, 660, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["played_s"], 4.0);
  EXPECT_NE((*x)["detail"].get<std::string>().find("invalid sample"), std::string::npos) << (*x).dump();
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));
}

// An MP3 (made with ffmpeg, probed at 6 s) cut to about half, mid-frame: it airs what is
// there, the as-run says how long, and b starts on the frame after its last sample.
TEST_F(MediaFaults, TruncatedMp3AirsShortWithoutAGap) {
  make_tone(dir / "media/x.mp3", 550, 6, "-c:a libmp3lame -b:a 128k");
  tone("a.wav", 440, 2), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  const std::string yaml = kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: x.mp3}, {file: c.wav}]}
  - {id: two, at: "06:00:12", items: [{file: d.wav}]}
)";
  const auto size = std::filesystem::file_size(dir / "media/x.mp3");
  auto r = render({{"2011-11-26.yaml", yaml}}, 6h, 14, [&](const std::filesystem::path& d) {
    truncate_to(d / "media/x.mp3", size / 2 + 211);  // not on a frame boundary
  });
  const FrameCount c_at = find_start(r->out, 660, 4 * S, 6 * S);
  ASSERT_GT(c_at, 0) << "c did not start between 4 and 6 s";
  EXPECT_TRUE(no_dropout(r->out, 0, c_at + S));  // a, x up to its last sample, c
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["status"], "played");
  EXPECT_NEAR((*x)["played_s"].get<double>(), static_cast<double>(c_at - 2 * S) / S, 0.0011);
  EXPECT_NE((*x)["detail"].get<std::string>().find("shorter than probed"), std::string::npos) << (*x)["detail"];
  const auto* c = record(*r, "one", 2);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["started"], (*x)["ended"]);
}

// Random bytes over the second half of an MP3: corrupt packets are skipped (and said), the
// output stays finite, the item never overruns its slot and d is exact.
TEST_F(MediaFaults, Mp3WithAGarbageTailIsRecordedAndBounded) {
  make_tone(dir / "media/x.mp3", 550, 6, "-c:a libmp3lame -b:a 128k");
  tone("a.wav", 440, 2), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  const std::string yaml = kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: x.mp3}, {file: c.wav}]}
  - {id: two, at: "06:00:12", items: [{file: d.wav}]}
)";
  const auto size = std::filesystem::file_size(dir / "media/x.mp3");
  auto r = render({{"2011-11-26.yaml", yaml}}, 6h, 14,
                  [&](const std::filesystem::path& d) { garble_tail(d / "media/x.mp3", size / 2); });
  EXPECT_TRUE(all_sane(r->out));
  const FrameCount c_at = find_start(r->out, 660, 3 * S, 8 * S + 1);
  ASSERT_GT(c_at, 0) << "c did not follow x";
  EXPECT_TRUE(no_dropout(r->out, 0, 2 * S + S * 5 / 2));  // the intact half at least
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  const auto* c = record(*r, "one", 2);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["started"], (*x)["ended"]);
  EXPECT_NEAR((*x)["played_s"].get<double>(), static_cast<double>(c_at - 2 * S) / S, 0.0011);
  std::printf("garbage-tail mp3: %s, %.3f s, %s\n", (*x)["status"].get<std::string>().c_str(),
              (*x)["played_s"].get<double>(), (*x)["detail"].get<std::string>().c_str());
}

// --- after the engine opened it (pre-roll, 8 s ahead) ---------------------------------------

// Unlinking a file the engine already has open changes nothing: the open file airs in full.
TEST_F(MediaFaults, DeletedAfterPrerollStillAirsInFull) {
  tone("a.wav", 440, 4), tone("x.wav", 550, 4), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  auto r = render_meddling(kThree, 6h, 14, {{S, [&] {
                                 ASSERT_TRUE(wait_read(dir / "media/x.wav", kWavHeader));
                                 std::filesystem::remove(dir / "media/x.wav");
                               }}});
  EXPECT_TRUE(plays(r->out, 4 * S, 550, 0));
  EXPECT_TRUE(plays(r->out, 8 * S - 200, 550, 4 * S - 200));
  EXPECT_TRUE(plays(r->out, 8 * S, 660, 0));
  EXPECT_TRUE(plays(r->out, 12 * S, 880, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["status"], "played");
  EXPECT_EQ((*x)["played_s"], 4.0);
}

// Truncated in place (as `cp /dev/null x.wav` or a failed copy does) after the engine opened
// it and buffered its start: what was read airs, then c follows on the frame; recorded short.
TEST_F(MediaFaults, TruncatedInPlaceAfterPrerollEndsShortWithoutAGap) {
  tone("a.wav", 440, 4), tone("x.wav", 550, 6), tone("c.wav", 660, 2), tone("d.wav", 880, 2);
  const std::string yaml = kHead + R"(programs:
  - {id: one, at: "06:00", items: [{file: a.wav}, {file: x.wav}, {file: c.wav}]}
  - {id: two, at: "06:00:14", items: [{file: d.wav}]}
)";
  auto r = render_meddling(yaml, 6h, 16, {{S, [&] {
                                 // Wait until a second of x was read (the ring holds 2 s).
                                 ASSERT_TRUE(wait_read(dir / "media/x.wav", kWavHeader + S * 8));
                                 truncate_to(dir / "media/x.wav", 0);
                               }}});
  // The source buffered a couple of seconds before the cut; that much airs, no more.
  const FrameCount c_at = find_start(r->out, 660, 4 * S, 10 * S + 1);
  ASSERT_GT(c_at, 4 * S) << "c did not follow x";
  EXPECT_TRUE(plays(r->out, 4 * S, 550, 0, c_at - 4 * S));  // x, intact up to c
  EXPECT_TRUE(plays(r->out, 14 * S, 880, 0));
  const auto* x = record(*r, "one", 1);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["status"], "played");
  EXPECT_NEAR((*x)["played_s"].get<double>(), static_cast<double>(c_at - 4 * S) / S, 0.0011);
  EXPECT_LT((*x)["played_s"].get<double>(), 6.0);
  EXPECT_FALSE((*x)["detail"].get<std::string>().empty());
  std::printf("truncated after pre-roll: aired %.3f s of 6 s: %s\n", (*x)["played_s"].get<double>(),
              (*x)["detail"].get<std::string>().c_str());
}
