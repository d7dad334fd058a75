// FFmpeg opens only what onair allows: a playlist or concat script inside the media
// root that names a file outside it is refused by the prober and the decoder (so it can
// neither pass `check` nor air), and a FIFO is refused without being opened.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>

#include "player/decode/decoder.hpp"
#include "player/decode/prober.hpp"
#include "player/ffmpeg/error.hpp"
#include "support/test_media.hpp"

namespace onair {
namespace {

using namespace std::chrono_literals;

struct Confinement : ::testing::Test {
  test::TempDir dir;
  std::filesystem::path root = dir / "media";
  std::filesystem::path outside = dir / "outside" / "secret.wav";
  void SetUp() override {
    std::filesystem::create_directories(root);
    test::make_tone(outside, 440, 2);
  }
};

TEST_F(Confinement, HlsPlaylistNamingAFileOutsideIsRefused) {
  test::write_file(root / "list.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n" + outside.string() +
                                           "\n#EXT-X-ENDLIST\n");
  const MediaInfo info = FfmpegProber().probe(root / "list.m3u8");
  EXPECT_FALSE(info.ok);
  EXPECT_NE(info.error.find("hls"), std::string::npos) << info.error;
  EXPECT_NE(info.error.find("self-contained"), std::string::npos) << info.error;
  EXPECT_THROW(Decoder((root / "list.m3u8").string(), AudioFormat{}), FfmpegError);
}

TEST_F(Confinement, FfconcatNamingAFileOutsideIsRefused) {
  test::write_file(root / "list.ffconcat", "ffconcat version 1.0\nfile '" + outside.string() + "'\n");
  const MediaInfo info = FfmpegProber().probe(root / "list.ffconcat");
  EXPECT_FALSE(info.ok);
  EXPECT_NE(info.error.find("concat"), std::string::npos) << info.error;
  EXPECT_THROW(Decoder((root / "list.ffconcat").string(), AudioFormat{}), FfmpegError);
}

TEST_F(Confinement, PlaylistNamedLikeAudioIsStillRefused) {
  // The extension does not decide: FFmpeg probes the bytes.
  test::write_file(root / "song.mp3", "#EXTM3U\n#EXTINF:2.0,\n" + outside.string() + "\n#EXT-X-ENDLIST\n");
  const MediaInfo info = FfmpegProber().probe(root / "song.mp3");
  EXPECT_FALSE(info.ok);
  EXPECT_EQ(info.duration, Duration{0});
}

TEST_F(Confinement, OrdinaryFileStillPlays) {
  test::make_tone(root / "tone.mp3", 440, 1, "-c:a libmp3lame -b:a 128k");
  const MediaInfo info = FfmpegProber().probe(root / "tone.mp3");
  EXPECT_TRUE(info.ok) << info.error;
  Decoder d((root / "tone.mp3").string(), AudioFormat{});
  std::vector<float> buf(4096 * 2);
  EXPECT_GT(d.read(buf.data(), 4096), 0);
}

TEST_F(Confinement, FifoIsRefusedWithoutBlocking) {
  const auto fifo = root / "pipe.wav";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  // Opening a FIFO with no writer would block forever: these return at all only if
  // nothing opened it.
  const MediaInfo info = FfmpegProber().probe(fifo);
  EXPECT_FALSE(info.ok);
  EXPECT_NE(info.error.find("regular file"), std::string::npos) << info.error;
  try {
    Decoder d(fifo.string(), AudioFormat{});
    FAIL() << "a FIFO opened";
  } catch (const FfmpegError& e) {
    EXPECT_NE(std::string(e.what()).find("FIFO"), std::string::npos) << e.what();
  }
}

TEST_F(Confinement, DeviceIsRefused) {
  try {
    Decoder d("/dev/zero", AudioFormat{});
    FAIL() << "a device opened";
  } catch (const FfmpegError& e) {
    EXPECT_NE(std::string(e.what()).find("device"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace onair
