// The speech cache with the real espeak-ng library (and the espeak-ng command as an external
// engine): what is rendered, what is reused, and how bad voices and engines are reported.
#include <gtest/gtest.h>

#include <fstream>

#include "player/speech/dictionary_file.hpp"
#include "player/speech/espeak.hpp"
#include "player/speech/speech_cache.hpp"
#include "support/test_media.hpp"

using namespace onair;
using namespace onair::test;

namespace {

// Frames and rate of a WAV, read by ffprobe (not by our code).
struct WavInfo {
  long frames = 0;
  int rate = 0;
};
WavInfo probe_wav(const std::filesystem::path& f) {
  auto r = capture("ffprobe -v error -count_packets -select_streams a:0 -show_entries stream=sample_rate,duration_ts "
                   "-of csv=p=0 " + shell_quote(f.string()), false);
  WavInfo w;
  std::sscanf(r.output.c_str(), "%d,%ld", &w.rate, &w.frames);
  return w;
}

struct SpeechCacheTest : ::testing::Test {
  TempDir dir;
  SpeechCache cache{SpeechCacheOptions{dir / "speech", {}, std::nullopt}};
};

const std::string kBulletin = "UBND xã thông báo: 7h30 ngày 26/11/2011 họp tại hội trường thôn 3.";

}  // namespace

TEST_F(SpeechCacheTest, SpeaksAsTheEspeakCommandWouldOnTheSameText) {
  SpeechVoice v;
  v.voice = "vi-VN-x-central";
  v.rate_wpm = 170;
  const SpeechResult r = cache.render(kBulletin, v);
  ASSERT_FALSE(r.file.empty()) << r.error;
  const WavInfo ours = probe_wav(r.file);
  EXPECT_EQ(ours.rate, 22050);
  EXPECT_GT(ours.frames, 22050 * 2) << "a sentence lasts seconds";

  // The command on the normalised text, with the same voice and rate, gives the same length.
  write_file(dir / "spoken.txt", cache.spoken_text(kBulletin));
  ASSERT_EQ(run("espeak-ng -v vi-VN-x-central -s 170 -f " + shell_quote((dir / "spoken.txt").string()) + " -w " +
                shell_quote((dir / "ref.wav").string())),
            0);
  const WavInfo ref = probe_wav(dir / "ref.wav");
  EXPECT_NEAR(static_cast<double>(ours.frames), static_cast<double>(ref.frames), 0.02 * static_cast<double>(ref.frames));
  // What was read is kept beside the WAV, for an operator.
  std::ifstream txt(std::filesystem::path(r.file).replace_extension(".txt"));
  std::string line;
  std::getline(txt, line);
  EXPECT_EQ(line, cache.spoken_text(kBulletin));
  EXPECT_NE(line.find("ủy ban nhân dân"), std::string::npos) << line;
}

TEST_F(SpeechCacheTest, TheSecondRenderIsTheCachedFile) {
  SpeechVoice v;
  const SpeechResult a = cache.render(kBulletin, v);
  ASSERT_FALSE(a.file.empty()) << a.error;
  const auto written = std::filesystem::last_write_time(a.file);
  SpeechCache again{SpeechCacheOptions{dir / "speech", {}, std::nullopt}};  // a later run of onair
  const SpeechResult b = again.render(kBulletin, v);
  EXPECT_EQ(a.file, b.file);
  EXPECT_EQ(again.rendered(), 0u);
  EXPECT_EQ(again.reused(), 1u);
  EXPECT_EQ(std::filesystem::last_write_time(b.file), written);
  // The same words written differently are the same speech: the key is what is read.
  EXPECT_EQ(again.render("UBND xã thông báo: 7h30  ngày 26/11/2011 họp tại hội trường thôn 3.", v).file, a.file);
}

TEST_F(SpeechCacheTest, AnotherVoiceRateOrVariantIsAnotherFile) {
  SpeechVoice base;
  const auto a = cache.render("Xin chào bà con.", base).file;
  SpeechVoice south = base, fast = base, female = base;
  south.voice = "vi-VN-x-south";
  fast.rate_wpm = 220;
  female.variant = "female";
  const auto b = cache.render("Xin chào bà con.", south).file;
  const auto c = cache.render("Xin chào bà con.", fast).file;
  const auto d = cache.render("Xin chào bà con.", female).file;
  for (const auto& f : {a, b, c, d}) ASSERT_FALSE(f.empty());
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
  EXPECT_LT(probe_wav(c).frames, probe_wav(a).frames) << "faster speech is shorter";
  EXPECT_EQ(cache.rendered(), 4u);
  // Voice names are espeak-ng's, in any case.
  SpeechVoice upper = base;
  upper.voice = "VI";
  EXPECT_EQ(cache.render("Xin chào bà con.", upper).file, a);
}

TEST_F(SpeechCacheTest, ABadVoiceSaysWhichVoicesThereAre) {
  SpeechVoice v;
  v.voice = "vi-north";
  auto r = cache.render("Xin chào.", v);
  EXPECT_TRUE(r.file.empty());
  EXPECT_TRUE(r.voice_error);
  EXPECT_NE(r.error.find("unknown voice 'vi-north'"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("vi-VN-x-central"), std::string::npos) << r.error;

  v = SpeechVoice{};
  v.variant = "robot";
  r = cache.render("Xin chào.", v);
  EXPECT_TRUE(r.voice_error);
  EXPECT_NE(r.error.find("unknown variant 'robot'"), std::string::npos) << r.error;
  v = SpeechVoice{};
  v.rate_wpm = 20;
  r = cache.render("Xin chào.", v);
  EXPECT_NE(r.error.find("rate 20 is out of range"), std::string::npos) << r.error;
  EXPECT_FALSE(std::filesystem::exists(dir / "speech")) << "nothing is written for a bad voice";
}

TEST_F(SpeechCacheTest, TextWithNothingToReadIsRefused) {
  auto r = cache.render("… ! ?", SpeechVoice{});
  EXPECT_TRUE(r.file.empty());
  EXPECT_FALSE(r.voice_error);
  EXPECT_NE(r.error.find("nothing to read"), std::string::npos) << r.error;
}

TEST(ExternalTts, TheEspeakCommandAsAnExternalEngine) {
  TempDir dir;
  SpeechCache cache{SpeechCacheOptions{dir / "speech", {}, ExternalTts{{"espeak-ng", "-v", "vi", "--stdin", "--stdout"}, std::chrono::seconds(60)}}};
  const auto r = cache.render("Thông báo của ủy ban nhân dân xã.", SpeechVoice{});
  ASSERT_FALSE(r.file.empty()) << r.error;
  EXPECT_GT(probe_wav(r.file).frames, 22050);
  EXPECT_EQ(cache.render("Thông báo của ủy ban nhân dân xã.", SpeechVoice{}).file, r.file);
  EXPECT_EQ(cache.reused(), 1u);
}

TEST(ExternalTts, FailuresSayWhatTheCommandDid) {
  TempDir dir;
  auto with = [&](std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    SpeechCache c{SpeechCacheOptions{dir / "speech", {}, ExternalTts{std::move(argv), timeout}}};
    return c.render("Xin chào.", SpeechVoice{});
  };
  auto r = with({"/nonexistent/tts"});
  EXPECT_NE(r.error.find("cannot be started"), std::string::npos) << r.error;
  r = with({"ls", "/nonexistent-folder"});
  EXPECT_NE(r.error.find("failed (exit status 2): ls: cannot access"), std::string::npos) << r.error;
  r = with({"cat"});  // echoes the text: not a WAV
  EXPECT_NE(r.error.find("did not write a WAV"), std::string::npos) << r.error;
  const auto before = std::chrono::steady_clock::now();
  r = with({"sleep", "30"}, std::chrono::milliseconds(300));
  EXPECT_NE(r.error.find("did not finish within 0.3 s"), std::string::npos) << r.error;
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(20)) << "killed at the timeout";
  std::size_t files = 0;
  std::error_code ec;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "speech", ec)) ++files;
  EXPECT_EQ(files, 0u) << "a failed render leaves nothing behind";
}

TEST(SpeechDictionaryFile, TheStationsWordsOverrideAndProblemsNameTheLine) {
  TempDir dir;
  write_file(dir / "words.yaml", "# our commune\nHTX: hợp tác xã nông nghiệp\nĐQT: đồi quyết thắng\n");
  Diagnostics diags;
  auto dict = load_speech_dictionary(dir / "words.yaml", diags);
  ASSERT_TRUE(dict) << (diags.items().empty() ? "" : diags.items()[0].format());
  SpeechCache cache{SpeechCacheOptions{dir / "speech", *dict, std::nullopt}};
  EXPECT_EQ(cache.spoken_text("HTX ĐQT họp"), "hợp tác xã nông nghiệp đồi quyết thắng họp");

  write_file(dir / "bad.yaml", "HTX: hợp tác xã\nUB ND: ủy ban\nXYZ:\n");
  Diagnostics bad;
  EXPECT_FALSE(load_speech_dictionary(dir / "bad.yaml", bad));
  ASSERT_EQ(bad.error_count(), 2u);
  EXPECT_EQ(bad.items()[0].mark.line, 2);
  EXPECT_NE(bad.items()[0].message.find("one word"), std::string::npos) << bad.items()[0].format();
  EXPECT_EQ(bad.items()[1].mark.line, 3);
  EXPECT_NE(bad.items()[1].message.find("needs the words to read"), std::string::npos) << bad.items()[1].format();
}
