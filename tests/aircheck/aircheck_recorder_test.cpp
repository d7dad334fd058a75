// The air-check recorder end to end: audio written through TeeOutput on a virtual clock,
// the files checked with the ffmpeg/ffprobe commands.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cmath>
#include <csignal>
#include <cstring>
#include <numbers>
#include <sstream>
#include <vector>

#include "player/monitor/aircheck.hpp"
#include "player/output/tee.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kRate = 48000;
constexpr int kCh = 2;
constexpr FrameCount kMp3Frame = 1152;
const char* const kZone = "Asia/Ho_Chi_Minh";

// A trivial sink: keeps a count and a checksum of what it was given.
class MemoryOutput final : public Output {
 public:
  AudioFormat open(const AudioFormat& requested) override {
    format_ = requested;
    open_ = true;
    return requested;
  }
  void write(const float* interleaved, FrameCount frames) override {
    for (FrameCount i = 0; i < frames * format_.channels; ++i) sum_ += interleaved[i];
    written_ += frames;
  }
  void close() override { open_ = false; }
  std::optional<OutputStamp> stamp() const override { return std::nullopt; }
  OutputStats stats() const override {
    OutputStats s;
    s.written = written_;
    return s;
  }
  bool realtime() const override { return false; }
  std::string describe() const override { return "memory"; }

  bool is_open() const { return open_; }
  double sum() const { return sum_; }

 private:
  AudioFormat format_;
  FrameCount written_ = 0;
  double sum_ = 0;
  bool open_ = false;
};

TimePoint local_time(int hh, int mm, int ss) {
  LocalDay day(kZone, date::year(2011) / 11 / 26);
  return day.at(std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss)).time;
}

// Stereo test signal: 440 Hz before frame `switch_at`, 880 Hz from it on.
struct ToneWriter {
  explicit ToneWriter(FrameCount switch_frame) : switch_at(switch_frame) {}
  FrameCount switch_at;
  FrameCount frame = 0;
  double sum = 0;
  std::vector<float> block;

  void write(Output& out, FrameCount frames, FrameCount block_frames = 1024) {
    while (frames > 0) {
      const FrameCount n = std::min(frames, block_frames);
      block.resize(static_cast<std::size_t>(n * kCh));
      for (FrameCount i = 0; i < n; ++i) {
        const FrameCount f = frame + i;
        const double freq = f < switch_at ? 440.0 : 880.0;
        const auto v = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * freq * double(f) / kRate));
        block[static_cast<std::size_t>(i * kCh)] = v;
        block[static_cast<std::size_t>(i * kCh + 1)] = v;
        sum += v;
        sum += v;
      }
      out.write(block.data(), n);
      frame += n;
      frames -= n;
    }
  }
};

std::vector<float> decode_mono(const fs::path& file) {
  const auto r = test::capture("ffmpeg -nostdin -v error -i " + test::shell_quote(file.string()) +
                                   " -af 'pan=mono|c0=c0' -f f32le -ar 48000 -",
                               false);
  EXPECT_EQ(r.exit_code, 0) << "ffmpeg could not decode " << file;
  std::vector<float> out(r.output.size() / sizeof(float));
  std::memcpy(out.data(), r.output.data(), out.size() * sizeof(float));
  return out;
}

double rms(const std::vector<float>& s, std::size_t from, std::size_t to) {
  double acc = 0;
  to = std::min(to, s.size());
  if (from >= to) return 0;
  for (std::size_t i = from; i < to; ++i) acc += double(s[i]) * s[i];
  return std::sqrt(acc / double(to - from));
}

// Dominant frequency of a clean tone from its rising zero crossings.
double frequency(const std::vector<float>& s, std::size_t from, std::size_t to) {
  to = std::min(to, s.size());
  int crossings = 0;
  for (std::size_t i = from + 1; i < to; ++i)
    if (s[i - 1] < 0 && s[i] >= 0) ++crossings;
  return crossings / (double(to - from) / kRate);
}

std::string probe_tags(const fs::path& file) {
  const auto r = test::capture("ffprobe -v error -show_entries format_tags:stream_tags -of default=nw=1 " +
                               test::shell_quote(file.string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

AirCheckOptions options_for(const fs::path& folder, AirCheckFormat format = AirCheckFormat::mp3) {
  AirCheckOptions o;
  o.folder = folder;
  o.format = format;
  o.time_zone = kZone;
  o.station = "Đài Truyền thanh huyện Thanh Thủy";
  return o;
}

// Records 20 s starting at 10:59:50 and checks the two hour files.
void record_across_the_hour(AirCheckFormat format, FrameCount tolerance) {
  test::TempDir dir;
  VirtualClock clock(local_time(10, 59, 50), kRate);
  auto memory = std::make_unique<MemoryOutput>();
  MemoryOutput* inner = memory.get();
  TeeOutput tee(std::move(memory), clock, TeeOptions{options_for(dir.path(), format), std::nullopt, {}});
  ASSERT_EQ(tee.open({kRate, kCh}), (AudioFormat{kRate, kCh}));
  ASSERT_TRUE(tee.aircheck());

  ToneWriter tone(10 * kRate);  // the switch is exactly at 11:00:00
  tone.write(tee, 20 * kRate);
  tee.close();
  EXPECT_FALSE(inner->is_open());
  EXPECT_EQ(inner->stats().written, 20 * kRate);
  EXPECT_DOUBLE_EQ(inner->sum(), tone.sum);  // forwarded unchanged

  const auto stats = tee.aircheck()->stats();
  EXPECT_EQ(stats.errors, 0) << stats.last_error;
  EXPECT_FALSE(stats.failing);
  EXPECT_EQ(stats.files_opened, 2);
  EXPECT_EQ(stats.files_completed, 2);
  EXPECT_EQ(stats.frames_in, 20 * kRate);
  EXPECT_EQ(stats.frames_recorded, 20 * kRate);
  EXPECT_EQ(stats.frames_dropped, 0);
  EXPECT_TRUE(stats.current_file.empty());

  const std::string ext = to_string(format);
  const fs::path h10 = dir / ("2011-11-26/10." + ext), h11 = dir / ("2011-11-26/11." + ext);
  ASSERT_TRUE(fs::exists(h10));
  ASSERT_TRUE(fs::exists(h11));
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 2u);

  const auto a = decode_mono(h10);
  const auto b = decode_mono(h11);
  EXPECT_NEAR(static_cast<double>(a.size()), 10.0 * kRate, static_cast<double>(tolerance));
  EXPECT_NEAR(static_cast<double>(b.size()), 10.0 * kRate, static_cast<double>(tolerance));
  // The content is the tone (RMS of a 0.5 sine: 0.354), 440 Hz before the hour and 880 Hz
  // after it, right up to the split.
  EXPECT_NEAR(rms(a, 4800, a.size() - 4800), 0.354, 0.03);
  EXPECT_NEAR(rms(b, 4800, b.size() - 4800), 0.354, 0.03);
  EXPECT_NEAR(frequency(a, 0, a.size()), 440.0, 3.0);
  EXPECT_NEAR(frequency(b, 0, b.size()), 880.0, 3.0);
  EXPECT_NEAR(frequency(a, a.size() - 4800, a.size()), 440.0, 25.0);
  EXPECT_NEAR(frequency(b, 0, 4800), 880.0, 25.0);

  const std::string tags10 = probe_tags(h10);
  EXPECT_NE(tags10.find("air-check 2011-11-26 10:00"), std::string::npos) << tags10;
  EXPECT_NE(tags10.find("2011-11-26T10:59:50.000+07:00"), std::string::npos) << tags10;
  EXPECT_NE(tags10.find("Thanh Thủy"), std::string::npos) << tags10;
  const std::string tags11 = probe_tags(h11);
  EXPECT_NE(tags11.find("2011-11-26T11:00:00.000+07:00"), std::string::npos) << tags11;
}

// FFmpeg's decoders trim the encoder delay and padding (MP3: the LAME tag written by the
// muxer's trailer; Ogg Opus: pre-skip and the last granule position), so each hour file
// decodes to exactly the frames of its hour: the tolerance is 0, which also proves the
// split is at the exact frame rather than at a block boundary.
TEST(AirCheckRecorder, Mp3FilesSplitExactlyAtTheHour) {
  record_across_the_hour(AirCheckFormat::mp3, 0);
}

TEST(AirCheckRecorder, OpusFilesSplitExactlyAtTheHour) {
  record_across_the_hour(AirCheckFormat::opus, 0);
}

TEST(AirCheckRecorder, TheCurrentFileIsDecodableBeforeItIsFinished) {
  for (const auto format : {AirCheckFormat::mp3, AirCheckFormat::opus}) {
    test::TempDir dir;
    VirtualClock clock(local_time(10, 20, 0), kRate);
    TeeOutput tee(std::make_unique<MemoryOutput>(), clock, TeeOptions{options_for(dir.path(), format), {}, {}});
    tee.open({kRate, kCh});
    ToneWriter tone(1'000'000'000);
    tone.write(tee, 6 * kRate);
    ASSERT_TRUE(tee.aircheck()->flush());
    const fs::path current = dir / (std::string("2011-11-26/10.") + to_string(format));
    ASSERT_TRUE(fs::exists(current));
    EXPECT_EQ(tee.aircheck()->stats().current_file, current.string());
    // What a crash now would leave: a copy of the file as it is on disk.
    const fs::path crashed = dir / (std::string("crash.") + to_string(format));
    fs::copy_file(current, crashed);
    const auto s = decode_mono(crashed);
    // At most the encoder's look-ahead (MP3) or the last unfinished Ogg page (Opus,
    // 250 ms pages) is missing.
    EXPECT_GT(s.size(), static_cast<std::size_t>(5.6 * kRate)) << to_string(format);
    EXPECT_LE(s.size(), static_cast<std::size_t>(6 * kRate + kMp3Frame)) << to_string(format);
    EXPECT_NEAR(frequency(s, 0, s.size()), 440.0, 5.0);
    tee.close();
    EXPECT_NEAR(static_cast<double>(decode_mono(current).size()), 6.0 * kRate, 2.0 * kMp3Frame);
  }
}

TEST(AirCheckRecorder, ARestartWithinTheHourKeepsTheEarlierFile) {
  test::TempDir dir;
  for (int run = 0; run < 2; ++run) {
    VirtualClock clock(local_time(10, 20, run * 10), kRate);
    AirCheckRecorder rec(options_for(dir.path()), {kRate, kCh});
    std::vector<float> block(1024 * kCh, 0.25f);
    for (int i = 0; i < 100; ++i) rec.write(block.data(), 1024, clock.time_of(i * 1024));
    rec.close();
    EXPECT_EQ(rec.stats().errors, 0) << rec.stats().last_error;
  }
  EXPECT_TRUE(fs::exists(dir / "2011-11-26/10.mp3"));
  EXPECT_TRUE(fs::exists(dir / "2011-11-26/10_2010.mp3"));
}

TEST(AirCheckRecorder, RetentionRunsAtStartAndAtEachHourChange) {
  test::TempDir dir;
  for (const char* f : {"2011-08-01/05.mp3", "2011-08-01/notes.txt", "2011-08-28/09.mp3", "2011-08-28/10.opus",
                        "2011-11-20/09.mp3", "2011-08-02/playlist.mp3"})
    test::write_file(dir / f, "x");
  VirtualClock clock(local_time(10, 59, 50), kRate);
  TeeOutput tee(std::make_unique<MemoryOutput>(), clock, TeeOptions{options_for(dir.path()), {}, {}});
  tee.open({kRate, kCh});
  ToneWriter tone(0);
  tone.write(tee, 5 * kRate);  // 10:59:50 .. 10:59:55: the start's sweep, cutoff 2011-08-28 10:59:50
  ASSERT_TRUE(tee.aircheck()->flush());
  EXPECT_FALSE(fs::exists(dir / "2011-08-01/05.mp3"));
  EXPECT_FALSE(fs::exists(dir / "2011-08-28/09.mp3"));
  EXPECT_TRUE(fs::exists(dir / "2011-08-28/10.opus"));
  tone.write(tee, 10 * kRate);  // past 11:00: cutoff 2011-08-28 11:00
  tee.close();
  EXPECT_FALSE(fs::exists(dir / "2011-08-28/10.opus"));
  EXPECT_TRUE(fs::exists(dir / "2011-08-01/notes.txt"));
  EXPECT_TRUE(fs::exists(dir / "2011-08-02/playlist.mp3"));
  EXPECT_TRUE(fs::exists(dir / "2011-11-20/09.mp3"));
  EXPECT_TRUE(fs::exists(dir / "2011-11-26/10.mp3"));
  EXPECT_TRUE(fs::exists(dir / "2011-11-26/11.mp3"));
  EXPECT_EQ(tee.aircheck()->stats().files_deleted, 3);
}

// Routes the "aircheck" logger into a string for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog() {
    spdlog::drop("aircheck");
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    logger_ = std::make_shared<spdlog::logger>("aircheck", sink);
    spdlog::register_logger(logger_);
  }
  ~CapturedLog() { spdlog::drop("aircheck"); }
  std::string text() {
    logger_->flush();
    return out_.str();
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
};

TEST(AirCheckRecorder, AnUnwritableFolderIsLoggedAndNeverThrown) {
  test::TempDir dir;
  test::write_file(dir / "blocker", "a file where a folder should be");
  CapturedLog log;
  VirtualClock clock(local_time(10, 59, 50), kRate);
  auto memory = std::make_unique<MemoryOutput>();
  MemoryOutput* inner = memory.get();
  {
    TeeOutput tee(std::move(memory), clock, TeeOptions{options_for(dir / "blocker" / "aircheck"), {}, {}});
    ASSERT_NO_THROW(tee.open({kRate, kCh}));
    ToneWriter tone(0);
    ASSERT_NO_THROW(tone.write(tee, 20 * kRate));
    ASSERT_NO_THROW(tee.close());
    EXPECT_EQ(inner->stats().written, 20 * kRate);  // the broadcast went on
    const auto stats = tee.aircheck()->stats();
    EXPECT_EQ(stats.files_opened, 0);
    EXPECT_EQ(stats.errors, 2);  // one attempt per hour: 10:00 and 11:00
    EXPECT_EQ(stats.frames_unrecorded, 20 * kRate);
    EXPECT_NE(stats.last_error.find("blocker"), std::string::npos) << stats.last_error;
    EXPECT_TRUE(stats.failing);
  }
  const std::string text = log.text();
  EXPECT_NE(text.find("cannot record"), std::string::npos) << text;
  EXPECT_NE(text.find("retrying at the next hour"), std::string::npos) << text;
}

TEST(AirCheckRecorder, AFullDiskStopsTheHourAndRecordingResumesNextHour) {
  test::TempDir dir;
  CapturedLog log;
  // A file size limit stands in for a full disk: writes past it fail with EFBIG.
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  VirtualClock clock(local_time(10, 59, 50), kRate);
  TeeOutput tee(std::make_unique<MemoryOutput>(), clock, TeeOptions{options_for(dir.path()), {}, {}});
  tee.open({kRate, kCh});
  ToneWriter tone(0);
  rlimit small = old_limit;
  small.rlim_cur = 40'000;  // ~3 s at 96 kbit/s
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  tone.write(tee, 10 * kRate - 1024);  // up to 10:59:59.98
  const bool flushed = tee.aircheck()->flush();
  setrlimit(RLIMIT_FSIZE, &old_limit);
  ASSERT_TRUE(flushed);
  EXPECT_GE(tee.aircheck()->stats().errors, 1);
  EXPECT_TRUE(tee.aircheck()->stats().failing);
  EXPECT_TRUE(tee.aircheck()->stats().current_file.empty());
  tone.write(tee, 10 * kRate + 1024);
  ASSERT_TRUE(tee.aircheck()->flush());
  EXPECT_FALSE(tee.aircheck()->stats().failing);  // recording again
  ASSERT_NO_THROW(tee.close());
  std::signal(SIGXFSZ, old_handler);

  const auto stats = tee.aircheck()->stats();
  EXPECT_EQ(stats.files_opened, 2);
  EXPECT_EQ(stats.files_completed, 1);
  EXPECT_GT(stats.frames_unrecorded, 5 * kRate);
  const auto partial = decode_mono(dir / "2011-11-26/10.mp3");  // what reached the disk plays
  EXPECT_GT(partial.size(), static_cast<std::size_t>(kRate));
  EXPECT_LE(fs::file_size(dir / "2011-11-26/10.mp3"), 40'000u);
  const auto next = decode_mono(dir / "2011-11-26/11.mp3");
  EXPECT_NEAR(static_cast<double>(next.size()), 10.0 * kRate, 2.0 * kMp3Frame);
  EXPECT_NE(log.text().find("recording stops until the next hour"), std::string::npos) << log.text();
}

TEST(AirCheckRecorder, AFullRingDropsInsteadOfBlocking) {
  test::TempDir dir;
  AirCheckOptions o = options_for(dir.path());
  o.buffer = 100ms;  // a tiny ring (the recorder keeps at least 8192 frames)
  VirtualClock clock(local_time(10, 20, 0), kRate);
  AirCheckRecorder rec(o, {kRate, kCh});
  std::vector<float> block(1024 * kCh, 0.25f);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) rec.write(block.data(), 1024, clock.time_of(FrameCount(i) * 1024));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 2s);  // 42 s of audio handed over without waiting for the encoder
  // One more block once the worker has caught up shows it where the timeline continues.
  ASSERT_TRUE(rec.flush());
  rec.write(block.data(), 1024, clock.time_of(2000 * 1024));
  rec.close();
  const auto s = rec.stats();
  EXPECT_EQ(s.frames_in, 2001 * 1024);
  EXPECT_GT(s.frames_dropped, 0);  // the producer is far faster than the encoder
  EXPECT_EQ(s.errors, 0) << s.last_error;
  // Whatever was dropped was recorded as silence: the file still covers the whole span.
  EXPECT_EQ(s.frames_recorded, 2001 * 1024);
  const auto decoded = decode_mono(dir / "2011-11-26/10.mp3");
  EXPECT_NEAR(static_cast<double>(decoded.size()), 2001.0 * 1024, 2.0 * kMp3Frame);
}

TEST(AirCheckRecorder, RejectsBadOptions) {
  const AudioFormat f{kRate, kCh};
  AirCheckOptions o = options_for("/tmp/x");
  EXPECT_EQ(AirCheckRecorder::validate(o, f), "");
  o.folder.clear();
  EXPECT_NE(AirCheckRecorder::validate(o, f), "");
  o = options_for("/tmp/x");
  o.time_zone = "Mars/Olympus_Mons";
  EXPECT_NE(AirCheckRecorder::validate(o, f), "");
  EXPECT_THROW(AirCheckRecorder(o, f), std::invalid_argument);
  o = options_for("/tmp/x");
  o.bitrate = 1'000'000;
  EXPECT_NE(AirCheckRecorder::validate(o, f), "");
  o.bitrate = 0;
  o.retention_days = -1;
  EXPECT_NE(AirCheckRecorder::validate(o, f), "");
  EXPECT_EQ(aircheck_bitrate(options_for("/x")), 96'000);
  EXPECT_EQ(aircheck_bitrate(options_for("/x", AirCheckFormat::opus)), 64'000);
  EXPECT_EQ(parse_aircheck_format("opus"), AirCheckFormat::opus);
  EXPECT_FALSE(parse_aircheck_format("wav"));
}

TEST(AirCheckRecorder, OtherFormatsAreConverted) {
  // 44.1 kHz mono into Opus (48 kHz only) and 6 channels into MP3 (stereo at most).
  for (const auto& [format, af] : {std::pair{AirCheckFormat::opus, AudioFormat{44100, 1}},
                                   std::pair{AirCheckFormat::mp3, AudioFormat{48000, 6}}}) {
    test::TempDir dir;
    VirtualClock clock(local_time(10, 20, 0), af.sample_rate);
    AirCheckRecorder rec(options_for(dir.path(), format), af);
    std::vector<float> block(static_cast<std::size_t>(1000 * af.channels));
    for (FrameCount f = 0; f < 3 * af.sample_rate; f += 1000) {
      for (FrameCount i = 0; i < 1000; ++i)
        for (int c = 0; c < af.channels; ++c)
          block[static_cast<std::size_t>(i * af.channels + c)] =
              static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * 440.0 * double(f + i) / af.sample_rate));
      rec.write(block.data(), 1000, clock.time_of(f));
    }
    rec.close();
    EXPECT_EQ(rec.stats().errors, 0) << rec.stats().last_error;
    const auto s = decode_mono(dir / (std::string("2011-11-26/10.") + to_string(format)));
    EXPECT_NEAR(static_cast<double>(s.size()), 3.0 * kRate, 2.0 * kMp3Frame);
    EXPECT_NEAR(frequency(s, 0, s.size()), 440.0, 5.0);
  }
}

TEST(TeeOutput, DelegatesAndFeedsTheSilenceDetector) {
  VirtualClock clock(local_time(10, 20, 0), kRate);
  SilenceOptions so;
  so.duration = 2s;
  TeeOutput tee(std::make_unique<MemoryOutput>(), clock, TeeOptions{std::nullopt, so, {}});
  EXPECT_EQ(tee.describe(), "memory");
  EXPECT_FALSE(tee.realtime());
  EXPECT_FALSE(tee.stamp());
  EXPECT_FALSE(tee.silence());  // built by open()
  tee.open({kRate, kCh});
  EXPECT_FALSE(tee.aircheck());
  ASSERT_TRUE(tee.silence());
  ToneWriter tone(0);
  tone.write(tee, kRate);
  EXPECT_FALSE(tee.silence()->silent());
  std::vector<float> zeros(1024 * kCh, 0.0f);
  for (int i = 0; i < 100; ++i) tee.write(zeros.data(), 1024);
  EXPECT_TRUE(tee.silence()->silent());
  EXPECT_NEAR(static_cast<double>(*tee.silence()->silent_since()), kRate, 2.0);
  EXPECT_EQ(tee.frames_written(), kRate + 100 * 1024);
  EXPECT_EQ(tee.stats().written, kRate + 100 * 1024);
  tee.close();
}

TEST(TeeOutput, RecordsOnlyOnceItHasAClock) {
  test::TempDir dir;
  TeeOutput tee(std::make_unique<MemoryOutput>(), TeeOptions{options_for(dir.path()), {}, {}});
  tee.open({kRate, kCh});
  std::vector<float> block(1024 * kCh, 0.25f);
  tee.write(block.data(), 1024);  // no clock yet: not recorded
  VirtualClock clock(local_time(10, 20, 0), kRate);
  tee.set_clock(clock);
  tee.write(block.data(), 1024);
  tee.close();
  EXPECT_EQ(tee.aircheck()->stats().frames_recorded, 1024);
  EXPECT_TRUE(fs::exists(dir / "2011-11-26/10.mp3"));
}

TEST(TeeOutput, BadAirCheckOptionsDoNotStopTheBroadcast) {
  AirCheckOptions o;  // no folder
  VirtualClock clock(local_time(10, 20, 0), kRate);
  TeeOutput tee(std::make_unique<MemoryOutput>(), clock, TeeOptions{o, {}, {}});
  EXPECT_NO_THROW(tee.open({kRate, kCh}));
  EXPECT_FALSE(tee.aircheck());
  std::vector<float> block(1024 * kCh, 0.25f);
  tee.write(block.data(), 1024);
  EXPECT_EQ(tee.stats().written, 1024);
}

}  // namespace
}  // namespace onair
