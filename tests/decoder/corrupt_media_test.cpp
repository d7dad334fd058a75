// Bad media never crashes or hangs the prober or the decoder: each case either plays
// (what can be played) or is refused with a stated reason, quickly.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <random>

#include "decoder/decode_helpers.hpp"
#include "player/ffmpeg/error.hpp"
#include "player/decode/prober.hpp"

namespace onair::test {
namespace {

using Clock = std::chrono::steady_clock;

void write_bytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CorruptMedia : public ::testing::Test {
 protected:
  void SetUp() override {
    mp3_ = dir_ / "good.mp3";
    ffmpeg("-f lavfi -i sine=sample_rate=44100:duration=10 -c:a libmp3lame -b:a 128k " + q(mp3_));
  }

  // Probing must say why the file is refused; decoding must refuse it the same way.
  // Any of the `|`-separated reasons will do.
  void expect_refused(const std::filesystem::path& file, const std::string& reasons) {
    const auto start = Clock::now();
    const MediaInfo info = FfmpegProber().probe(file);
    EXPECT_FALSE(info.ok);
    bool stated = false;
    for (std::size_t from = 0; from <= reasons.size();) {
      const std::size_t bar = std::min(reasons.find('|', from), reasons.size());
      stated = stated || info.error.find(reasons.substr(from, bar - from)) != std::string::npos;
      from = bar + 1;
    }
    EXPECT_TRUE(stated) << "probe said: " << info.error;
    try {
      Decoder decoder(file.string(), AudioFormat{});
      ADD_FAILURE() << "decoder opened " << file;
    } catch (const FfmpegError& e) {
      EXPECT_FALSE(std::string(e.what()).empty());
    }
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  }

  TempDir dir_;
  std::filesystem::path mp3_;
};

TEST_F(CorruptMedia, ZeroBytes) {
  const auto file = dir_ / "empty.mp3";
  write_bytes(file, "");
  expect_refused(file, "empty file");
}

TEST_F(CorruptMedia, RandomBytesNamedMp3) {
  const auto file = dir_ / "random.mp3";
  write_bytes(file, random_bytes(256 * 1024, 42));
  // Random bytes can pass FFmpeg's format probe (as MP3, with no usable parameters).
  expect_refused(file, "not a readable media file|no playable audio stream|cannot decode");
}

TEST_F(CorruptMedia, TextNamedMp3) {
  const auto file = dir_ / "notes.mp3";
  write_bytes(file, "This is not audio.\n");
  expect_refused(file, "not a readable media file");
}

TEST_F(CorruptMedia, NoAudioStream) {
  const auto file = dir_ / "picture.png";
  ffmpeg("-f lavfi -i color=c=red:s=32x32 -frames:v 1 " + q(file));
  expect_refused(file, "no audio stream");
}

TEST_F(CorruptMedia, AbsurdSampleRateIsRefusedQuickly) {
  // Found by fuzzing: a WAV header claiming 704 MHz made the resampler take minutes and
  // gigabytes to set up. Bytes 24–27 of a canonical WAV are the sample rate.
  const auto wav = dir_ / "good.wav";
  ffmpeg("-f lavfi -i sine=sample_rate=8000:duration=1 -c:a pcm_s16le " + q(wav));
  std::string bytes = read_bytes(wav);
  ASSERT_EQ(bytes.substr(12, 4), "fmt ");
  const std::uint32_t rate = 704'651'072;
  bytes.replace(24, 4, reinterpret_cast<const char*>(&rate), 4);
  const auto file = dir_ / "704mhz.wav";
  write_bytes(file, bytes);
  expect_refused(file, "unsupported sample rate 704651072 Hz");
}

TEST_F(CorruptMedia, TruncatedToItsFirstFrame) {
  const auto file = dir_ / "stub.mp3";
  write_bytes(file, read_bytes(mp3_).substr(0, 300));
  const MediaInfo info = FfmpegProber().probe(file);
  EXPECT_FALSE(info.ok);
  EXPECT_FALSE(info.error.empty());
}

TEST_F(CorruptMedia, TruncatedHalfPlaysWhatIsThere) {
  const auto file = dir_ / "half.mp3";
  const std::string bytes = read_bytes(mp3_);
  write_bytes(file, bytes.substr(0, bytes.size() / 2));
  const MediaInfo info = FfmpegProber().probe(file);
  ASSERT_TRUE(info.ok) << info.error;
  EXPECT_NEAR(info.duration.count() / 1e6, 5.0, 0.2);
  const Decoded d = decode_all(file);
  EXPECT_EQ(d.end, DecodeEnd::end_of_data);
  EXPECT_NEAR(static_cast<double>(d.frames), info.duration.count() * 0.048, 2.0);
}

TEST_F(CorruptMedia, WrongExtensionIsDecodedByContent) {
  const auto wav_as_mp3 = dir_ / "really-a-wav.mp3";
  ffmpeg("-f lavfi -i sine=sample_rate=44100:duration=2 -c:a pcm_s16le -f wav " + q(wav_as_mp3));
  const auto mp3_as_wav = dir_ / "really-an-mp3.wav";
  std::filesystem::copy_file(mp3_, mp3_as_wav);
  const MediaInfo a = FfmpegProber().probe(wav_as_mp3), b = FfmpegProber().probe(mp3_as_wav);
  ASSERT_TRUE(a.ok) << a.error;
  ASSERT_TRUE(b.ok) << b.error;
  EXPECT_EQ(a.codec, "pcm_s16le");
  EXPECT_EQ(b.codec, "mp3");
  EXPECT_EQ(decode_all(wav_as_mp3).frames, 96'000);
  EXPECT_EQ(decode_all(mp3_as_wav).frames, 480'000);
}

TEST_F(CorruptMedia, HugeId3TagIsSkipped) {
  // A 24 MB ID3v2 tag (as a badly tagged file with giant cover art would have).
  const std::uint32_t size = 24 * 1024 * 1024;
  std::string tag = "ID3";
  tag += '\x03';
  tag += '\x00';
  tag += '\x00';
  for (int shift : {21, 14, 7, 0}) tag += static_cast<char>((size >> shift) & 0x7f);  // syncsafe
  tag += std::string(size, '\0');
  const auto file = dir_ / "tagged.mp3";
  write_bytes(file, tag + read_bytes(mp3_));
  const MediaInfo info = FfmpegProber().probe(file);
  ASSERT_TRUE(info.ok) << info.error;
  EXPECT_NEAR(info.duration.count() / 1e6, 10.0, 0.001);
  const Decoded d = decode_all(file);
  EXPECT_EQ(d.end, DecodeEnd::end_of_data);
  EXPECT_EQ(d.frames, 480'000);
}

TEST_F(CorruptMedia, GarbageInTheMiddleIsSkippedAndAccounted) {
  for (const std::string ext : {".mp3", ".aac"}) {
    SCOPED_TRACE(ext);
    const auto clean = dir_ / ("clean" + ext), file = dir_ / ("damaged" + ext);
    ffmpeg("-f lavfi -i sine=sample_rate=44100:duration=10 -b:a 128k " + q(clean));
    std::string bytes = read_bytes(clean);
    std::mt19937 rng(7);
    for (int k = 2; k < 7; ++k)  // five 300-byte holes
      for (std::size_t i = bytes.size() * k / 8, e = i + 300; i < e; ++i) bytes[i] = static_cast<char>(rng());
    write_bytes(file, bytes);

    const MediaInfo info = FfmpegProber().probe(file);
    ASSERT_TRUE(info.ok) << info.error;
    const Decoded d = decode_all(file);
    EXPECT_EQ(d.end, DecodeEnd::end_of_data) << d.error;
    EXPECT_GT(d.stats.skipped_packets, 0);
    EXPECT_GT(d.stats.lost, std::chrono::milliseconds(20));
    // Most of the audio still plays; what was lost is roughly what is missing.
    const double played = static_cast<double>(d.frames) / 48000;
    EXPECT_GT(played, 9.0);
    EXPECT_NEAR(played + std::chrono::duration<double>(d.stats.lost).count(), 10.0, 0.6);
  }
}

TEST_F(CorruptMedia, AllGarbageAfterTheStartEndsWithAReason) {
  // A valid beginning, then nothing but noise: the decoder gives up with a reason
  // instead of skipping for ever (bounded by max_consecutive_errors).
  const auto file = dir_ / "rotten.aac";
  ffmpeg("-f lavfi -i sine=sample_rate=44100:duration=1 -b:a 128k " + q(file));
  std::string bytes = read_bytes(file);
  std::mt19937 rng(9);
  for (std::size_t i = bytes.size() / 4; i < bytes.size(); ++i) bytes[i] = static_cast<char>(rng());
  bytes += random_bytes(2 * 1024 * 1024, 11);
  write_bytes(file, bytes);
  const auto start = Clock::now();
  DecoderOptions options;
  options.max_consecutive_errors = 20;
  const Decoded d = decode_all(file, {}, options);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  ASSERT_EQ(d.end, DecodeEnd::error);
  EXPECT_NE(d.error.find("undecodable data"), std::string::npos) << d.error;
  EXPECT_NEAR(static_cast<double>(d.frames) / 48000, 0.25, 0.1);  // the good quarter played
}

TEST_F(CorruptMedia, DirectoryAndFifoAreRefusedWithoutBlocking) {
  expect_refused(dir_.path(), "not a regular file");
  const auto fifo = dir_ / "pipe.mp3";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_refused(fifo, "not a regular file");
}

}  // namespace
}  // namespace onair::test
