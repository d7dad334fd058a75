// The station when its as-run folder cannot be written (disk full, read-only, a day's file
// that cannot be made at midnight): what airs is unchanged, the asrun_write alarm is raised
// and cleared, and the file ends up with every record, in order, with no torn line.
#include <mutex>

#include "daemon/station_fixture.hpp"
#include "support/tmpfs_mount.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {

const auto D = date::year(2011) / 11 / 26;

// A paced null output that keeps what it is given (for checking what aired).
class CaptureOutput final : public Output {
 public:
  explicit CaptureOutput(std::vector<float>& samples, bool paced) : samples_(samples) {
    NullOutputOptions o;
    o.realtime = paced;
    inner_ = std::make_unique<NullOutput>(o);
  }
  AudioFormat open(const AudioFormat& requested) override { return inner_->open(requested); }
  void write(const float* interleaved, FrameCount frames) override {
    samples_.insert(samples_.end(), interleaved, interleaved + frames * 2);
    inner_->write(interleaved, frames);
  }
  void close() override { inner_->close(); }
  std::optional<OutputStamp> stamp() const override { return inner_->stamp(); }
  OutputStats stats() const override { return inner_->stats(); }
  bool realtime() const override { return inner_->realtime(); }
  std::string describe() const override { return "capture"; }

 private:
  std::vector<float>& samples_;
  std::unique_ptr<NullOutput> inner_;
};

std::string text_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

::testing::AssertionResult no_torn_line(const std::filesystem::path& file) {
  const std::string text = text_of(file);
  if (text.empty() || text.back() != '\n') return ::testing::AssertionFailure() << "empty or no final line end:\n" << text;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (nlohmann::json::parse(line, nullptr, false).is_discarded())
      return ::testing::AssertionFailure() << "line " << n << " is torn: " << line;
  return ::testing::AssertionSuccess();
}

// The tone `freq` from its first sample at `frame` (so the item started on its frame).
::testing::AssertionResult starts_at(const std::vector<float>& s, FrameCount frame, double freq) {
  for (FrameCount k = 0; k < 480; ++k) {
    const auto i = static_cast<std::size_t>((frame + k) * 2);
    if (i >= s.size()) return ::testing::AssertionFailure() << "only " << s.size() / 2 << " frames aired";
    if (std::abs(s[i] - sine(freq, k)) > 1e-4f)
      return ::testing::AssertionFailure() << freq << " Hz not at frame " << frame << " + " << k << ": " << s[i]
                                           << " instead of " << sine(freq, k);
  }
  return ::testing::AssertionSuccess();
}

class AsRunFaultTest : public StationTest {
 protected:
  TmpfsMount disk;
  const std::vector<double> freqs{440, 550, 660, 770};

  // Four 1.5 s items from 06:00:01; the station starts at 06:00:00 and runs 8 s.
  void four_items() {
    std::string items;
    for (std::size_t i = 0; i < freqs.size(); ++i) {
      tone("t" + std::to_string(i) + ".wav", freqs[i], 1.5);
      items += std::string(i ? ", " : "") + "{file: t" + std::to_string(i) + ".wav}";
    }
    schedule("2011-11-26.yaml", "programs:\n  - {id: p, at: \"06:00:01\", items: [" + items + "]}\n");
  }

  // Runs the station into `asrun_dir`; `during` runs beside it while it plays (paced).
  int play(const std::filesystem::path& asrun_dir, std::vector<float>& aired, bool paced,
           std::function<void(Station&)> during = {}) {
    StationHooks hooks;
    hooks.output = std::make_unique<CaptureOutput>(aired, paced);
    hooks.virtual_start = local(D, 6h);
    hooks.run_frames = 8 * kRate;
    hooks.monitor_period = 50ms;
    auto c = config();
    c.asrun_dir = asrun_dir;
    Station station(c, std::move(hooks));
    std::jthread beside;
    if (during) beside = std::jthread([&] { during(station); });
    const int rc = station.run({});
    if (beside.joinable()) beside.join();
    EXPECT_FALSE(station.alarms().is_active(AlarmKind::asrun_write)) << station.alarms().active().dump();
    return rc;
  }

  void expect_aired_unchanged(const std::vector<float>& aired) {
    EXPECT_EQ(aired.size(), static_cast<std::size_t>(8 * kRate * 2));
    for (std::size_t i = 0; i < freqs.size(); ++i)
      EXPECT_TRUE(starts_at(aired, static_cast<FrameCount>((1.0 + 1.5 * static_cast<double>(i)) * kRate), freqs[i]));
  }

  // The reference: the same run into a folder that never fails.
  std::string reference_asrun() {
    std::vector<float> aired;
    EXPECT_EQ(play(dir / "ref-asrun", aired, false), 0);
    return text_of(dir / "ref-asrun/2011-11-26.jsonl");
  }

  static bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }
};

// What the side thread saw of the alarm while the station played.
struct Seen {
  std::mutex mutex;
  bool raised = false, cleared = false;
  std::string message;
};

void watch_alarm(Station& station, Seen& seen, const std::function<void()>& fix) {
  auto& alarms = station.alarms();
  const bool raised = [&] {
    const auto until = std::chrono::steady_clock::now() + 6s;
    while (!alarms.is_active(AlarmKind::asrun_write)) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }();
  {
    std::lock_guard lock(seen.mutex);
    seen.raised = raised;
    for (const auto& a : alarms.active())
      if (a["kind"] == "asrun_write") seen.message = a["message"];
  }
  std::this_thread::sleep_for(2500ms);  // records of two more items pile up meanwhile
  fix();
  const auto until = std::chrono::steady_clock::now() + 4s;
  while (alarms.is_active(AlarmKind::asrun_write) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  std::lock_guard lock(seen.mutex);
  seen.cleared = !alarms.is_active(AlarmKind::asrun_write);
}

}  // namespace

TEST_F(AsRunFaultTest, FullDiskKeepsPlayoutAlarmsAndWritesEveryRecordWhenSpaceReturns) {
  four_items();
  const std::string expected = reference_asrun();
  if (const auto why = disk.mount(dir / "asrun", 64); !why.empty()) GTEST_SKIP() << "needs a tmpfs (root): " << why;
  TmpfsMount::fill(dir / "asrun/filler");
  std::vector<float> aired;
  Seen seen;
  ASSERT_EQ(play(dir / "asrun", aired, true,
                 [&](Station& s) { watch_alarm(s, seen, [&] { std::filesystem::remove(dir / "asrun/filler"); }); }),
            0);
  expect_aired_unchanged(aired);
  EXPECT_TRUE(seen.raised) << "no asrun_write alarm while the disk was full";
  EXPECT_NE(seen.message.find("2011-11-26.jsonl"), std::string::npos) << seen.message;
  EXPECT_NE(seen.message.find("No space left on device"), std::string::npos) << seen.message;
  EXPECT_NE(seen.message.find("waiting in memory"), std::string::npos) << seen.message;
  EXPECT_TRUE(seen.cleared) << "the alarm stayed up after space came back";
  const auto file = dir / "asrun/2011-11-26.jsonl";
  EXPECT_TRUE(no_torn_line(file));
  EXPECT_EQ(text_of(file), expected);  // every line, in order, each once
}

TEST_F(AsRunFaultTest, ReadOnlyFolderKeepsPlayoutAlarmsAndRecordsResumeWhenWritable) {
  four_items();
  const std::string expected = reference_asrun();
  if (const auto why = disk.mount(dir / "asrun", 256); !why.empty()) GTEST_SKIP() << "needs a tmpfs (root): " << why;
  std::vector<float> aired;
  Seen seen;
  bool remounted = true;
  ASSERT_EQ(play(dir / "asrun", aired, true,
                 [&](Station& s) {
                   std::this_thread::sleep_for(700ms);  // a few records written first
                   remounted = disk.set_read_only(true);
                   if (!remounted) return;
                   watch_alarm(s, seen, [&] { remounted = disk.set_read_only(false); });
                 }),
            0);
  ASSERT_TRUE(remounted) << "remount: " << std::strerror(errno);
  expect_aired_unchanged(aired);
  EXPECT_TRUE(seen.raised) << "no asrun_write alarm while the folder was read-only";
  EXPECT_NE(seen.message.find("Read-only file system"), std::string::npos) << seen.message;
  EXPECT_TRUE(seen.cleared) << "the alarm stayed up after the folder was writable again";
  const auto file = dir / "asrun/2011-11-26.jsonl";
  EXPECT_TRUE(no_torn_line(file));
  EXPECT_EQ(text_of(file), expected);
}

// At midnight the engine opens the new day's file; one that cannot be made (here a folder
// is in its place) must not throw into the engine: playout goes on and its records wait.
TEST_F(AsRunFaultTest, NewDayFileThatCannotBeMadeAtMidnightDoesNotStopPlayout) {
  tone("late.wav", 440, 3);
  tone("sunday.wav", 660, 2);
  schedule("2011-11-26.yaml", "programs:\n  - {id: late, at: \"23:59:56\", items: [{file: late.wav}]}\n");
  schedule("2011-11-27.yaml", "programs:\n  - {id: morning, at: \"00:00:02\", items: [{file: sunday.wav}]}\n");
  auto run_into = [&](const std::filesystem::path& asrun_dir, std::vector<float>& aired,
                      const std::function<void(Station&)>& after) {
    StationHooks hooks;
    hooks.output = std::make_unique<CaptureOutput>(aired, false);
    hooks.virtual_start = local(D, 23h + 59min + 55s);
    hooks.run_frames = 10 * kRate;
    auto c = config();
    c.asrun_dir = asrun_dir;
    Station station(c, std::move(hooks));
    EXPECT_EQ(station.run({}), 0);
    after(station);
  };
  std::vector<float> ref_aired, aired;
  run_into(dir / "ref-asrun", ref_aired, [](Station&) {});
  const std::string expected = text_of(dir / "ref-asrun/2011-11-27.jsonl");
  ASSERT_NE(expected.find("sunday.wav"), std::string::npos) << expected;

  const auto blocked = dir / "asrun/2011-11-27.jsonl";
  std::filesystem::create_directories(blocked / "not-a-file");
  run_into(dir / "asrun", aired, [&](Station& station) {
    EXPECT_TRUE(station.alarms().is_active(AlarmKind::asrun_write)) << station.alarms().active().dump();
    const auto active = station.alarms().active().dump();
    EXPECT_NE(active.find("2011-11-27.jsonl"), std::string::npos) << active;
    EXPECT_NE(active.find("Is a directory"), std::string::npos) << active;
    std::filesystem::remove_all(blocked);  // the station writes what waits when it closes
  });
  EXPECT_EQ(aired, ref_aired);  // playout did not stop or change
  EXPECT_TRUE(starts_at(aired, 7 * kRate, 660)) << "Sunday's item did not start at 00:00:02";
  EXPECT_EQ(text_of(dir / "asrun/2011-11-26.jsonl"), text_of(dir / "ref-asrun/2011-11-26.jsonl"));
  EXPECT_EQ(text_of(blocked), expected);
}
