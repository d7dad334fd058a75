#pragma once
// Render tests: media made here as float WAV sine tones (one frequency per item), the
// engine run on a virtual clock into memory, and the output checked sample by sample.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>

#include "player/engine/engine.hpp"
#include "player/decode/prober.hpp"
#include "scheduler/loader.hpp"
#include "player/source/tone.hpp"
#include "support/test_media.hpp"

namespace onair::test {

constexpr int kRate = 48000;
constexpr double kAmp = 0.25;

// A 32-bit float stereo 48 kHz WAV holding amp·sin(2πf·n/48000).
inline void write_sine_wav(const std::filesystem::path& path, double freq, double seconds, double amp = kAmp) {
  std::filesystem::create_directories(path.parent_path());
  const auto frames = static_cast<std::uint32_t>(std::llround(seconds * kRate));
  const std::uint32_t data_bytes = frames * 2 * 4;
  std::ofstream f(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  f.write("RIFF", 4);
  u32(36 + data_bytes);
  f.write("WAVEfmt ", 8);
  u32(16);
  u16(3);  // IEEE float
  u16(2);
  u32(kRate);
  u32(kRate * 8);
  u16(8);
  u16(32);
  f.write("data", 4);
  u32(data_bytes);
  for (std::uint32_t n = 0; n < frames; ++n) {
    const float v = static_cast<float>(amp * std::sin(2 * std::numbers::pi * freq * n / kRate));
    f.write(reinterpret_cast<const char*>(&v), 4);
    f.write(reinterpret_cast<const char*>(&v), 4);
  }
}

inline float sine(double freq, FrameCount n, double amp = kAmp) {
  return static_cast<float>(amp * std::sin(2 * std::numbers::pi * freq * static_cast<double>(n) / kRate));
}

// Collects everything written, running free.
class MemoryOutput final : public Output {
 public:
  std::vector<float> samples;  // interleaved stereo
  AudioFormat open(const AudioFormat& requested) override { return requested; }
  void write(const float* interleaved, FrameCount frames) override {
    samples.insert(samples.end(), interleaved, interleaved + frames * 2);
  }
  void close() override {}
  std::optional<OutputStamp> stamp() const override { return std::nullopt; }
  OutputStats stats() const override { return {}; }
  bool realtime() const override { return false; }
  std::string describe() const override { return "memory"; }
  FrameCount frames() const { return static_cast<FrameCount>(samples.size() / 2); }
  float left(FrameCount f) const { return samples.at(static_cast<std::size_t>(f * 2)); }
};

// Files (and the engine's own tones) only; a relay here is a source that fails at once.
class FileFactory final : public SourceFactory {
 public:
  std::unique_ptr<Source> open(const Segment& s, FrameCount first, const AudioFormat& format) override {
    if (s.kind == Segment::Kind::tone) return make_tone_source(s.tone, first - s.origin, s.length, format);
    FileSourceOptions o;
    o.cue_in = s.cue_in + (first - s.origin);
    return make_file_source(s.kind == Segment::Kind::relay ? "/nonexistent" : s.source, format, o);
  }
};

struct RenderResult {
  MemoryOutput out;
  std::vector<nlohmann::json> asrun;  // end records
  EngineStats stats;
  std::string diags;
};

class EngineTest : public ::testing::Test {
 protected:
  TempDir dir;

  void tone(const std::string& rel, double freq, double seconds) { write_sine_wav(dir / ("media/" + rel), freq, seconds); }

  std::optional<BroadcastDay> day(const std::string& name, const std::string& yaml, Diagnostics& diags) {
    write_file(dir / ("schedules/" + name), yaml);
    auto s = load_schedule(dir / ("schedules/" + name), {}, diags);
    if (!s) return std::nullopt;
    FfmpegProber prober;
    MediaTable media = validate_media(*s, prober, diags);
    return BroadcastDay{std::move(*s), std::move(media)};
  }

  // A timeline of the one day `yaml` (named like a day file); null (and a test failure) if it
  // does not load.
  std::unique_ptr<Timeline> one_day(const std::string& name, const std::string& yaml) {
    Diagnostics diags;
    auto d = day(name, yaml, diags);
    if (!d) {
      std::string text;
      for (const auto& item : diags.items()) text += item.format() + "\n";
      ADD_FAILURE() << "schedule did not load:\n" << text;
      return nullptr;
    }
    std::vector<BroadcastDay> days;
    days.push_back(std::move(*d));
    return std::make_unique<Timeline>(std::move(days));
  }

  // Renders the days from local time `from` (on the first day) for `seconds`.
  std::unique_ptr<RenderResult> render(const std::vector<std::pair<std::string, std::string>>& days, Duration from,
                                       double seconds, std::function<void(const std::filesystem::path&)> before = {}) {
    auto r = std::make_unique<RenderResult>();
    Diagnostics diags;
    std::vector<BroadcastDay> loaded;
    for (const auto& [name, yaml] : days) {
      auto d = day(name, yaml, diags);
      if (!d) break;
      loaded.push_back(std::move(*d));
    }
    for (const auto& d : diags.items()) r->diags += d.format() + "\n";
    if (loaded.size() != days.size()) {
      ADD_FAILURE() << "schedule did not load:\n" << r->diags;
      return r;
    }
    if (before) before(dir.path());
    Timeline timeline(std::move(loaded));
    VirtualClock clock(timeline.local().at(from).time, kRate);
    FileFactory factory;
    const auto asrun_path = dir / "asrun.jsonl";
    std::filesystem::remove(asrun_path);
    {
      AsRunLog log(asrun_path, timeline.local());
      Engine engine(timeline, clock, r->out, factory, &log, AudioFormat{kRate, 2});
      engine.run(static_cast<FrameCount>(seconds * kRate));
      r->stats = engine.stats();
    }
    std::ifstream in(asrun_path);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      if (!j.contains("event")) r->asrun.push_back(j);
    }
    return r;
  }

  // True if out[frame + k] is the tone `freq` at source frame `phase + k` for k < n.
  static ::testing::AssertionResult plays(const MemoryOutput& out, FrameCount frame, double freq, FrameCount phase,
                                          FrameCount n = 200, double amp = kAmp) {
    for (FrameCount k = 0; k < n; ++k) {
      const float want = sine(freq, phase + k, amp), got = out.left(frame + k);
      if (std::abs(want - got) > 2e-4f)
        return ::testing::AssertionFailure() << "frame " << frame + k << ": got " << got << ", want " << want
                                             << " (" << freq << " Hz at source frame " << phase + k << ")";
    }
    return ::testing::AssertionSuccess();
  }
  static ::testing::AssertionResult silent(const MemoryOutput& out, FrameCount frame, FrameCount n) {
    for (FrameCount k = 0; k < n; ++k)
      if (out.left(frame + k) != 0.0f)
        return ::testing::AssertionFailure() << "frame " << frame + k << " is " << out.left(frame + k);
    return ::testing::AssertionSuccess();
  }
};

}  // namespace onair::test
