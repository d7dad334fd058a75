// Media checks of `onair check`: missing, undecodable, escaping, cue points, normalization.
#include "scheduler/schedule_fixture.hpp"

using namespace onair;
using namespace onair::test;

class Validator : public ScheduleTest {};

TEST_F(Validator, MissingAndUndecodableMedia) {
  write_file(dir / "media/broken.mp3", "garbage");
  MediaInfo bad;
  bad.error = "invalid data found when processing input";
  prober.by_name["broken.mp3"] = bad;
  auto l = load(R"(date: 2011-11-26
programs:
  - at: "06:00"
    items:
      - file: news/none.mp3
      - file: broken.mp3
)");
  EXPECT_TRUE(l.has_error("media file 'news/none.mp3' not found", 5, 15)) << l.dump();
  EXPECT_TRUE(l.has_error("media file 'broken.mp3' cannot be decoded: invalid data found", 6, 15)) << l.dump();
}

TEST_F(Validator, PathsEscapingTheMediaRoot) {
  write_file(dir / "secret.mp3", "");
  prober.add("secret.mp3", 5);
  auto l = load(R"(date: 2011-11-26
programs:
  - at: "06:00"
    items:
      - file: ../secret.mp3
      - file: /etc/passwd
      - file: news/../../secret.mp3
)");
  EXPECT_TRUE(l.has_error("'../secret.mp3': path escapes the media root", 5, 15)) << l.dump();
  EXPECT_TRUE(l.has_error("'/etc/passwd': path escapes the media root", 6, 15)) << l.dump();
  EXPECT_TRUE(l.has_error("'news/../../secret.mp3': path escapes the media root", 7, 15)) << l.dump();
}

TEST_F(Validator, CuePointsBeyondTheMedia) {
  media("short.mp3", 60);
  auto l = load(R"(date: 2011-11-26
programs:
  - at: "06:00"
    items:
      - file: short.mp3
        in: "1:10"
      - file: short.mp3
        out: "1:30"
)");
  EXPECT_TRUE(l.has_error("cue in 1:10 is beyond the end of 'short.mp3' (1:00)", 6, 13)) << l.dump();
  EXPECT_TRUE(l.has_error("cue out 1:30 is beyond the end of 'short.mp3' (1:00)", 8, 14)) << l.dump();
}

TEST_F(Validator, UnicodeNormalizationHint) {
  // "thời sự" saved decomposed (NFD) on disk, typed composed (NFC) in the schedule.
  const std::string nfd = "tho\xcc\x9b\xcc\x80i su\xcc\x9b\xcc\xa3.mp3";
  write_file(dir / ("media/news/" + nfd), "");
  auto l = load("date: 2011-11-26\nprograms:\n  - at: \"06:00\"\n    items:\n      - file: news/thời sự.mp3\n");
  EXPECT_TRUE(l.has_error("not found", 5, 15)) << l.dump();
  EXPECT_TRUE(l.has_error("another Unicode normalization")) << l.dump();
}

TEST_F(Validator, DurationWarnings) {
  write_file(dir / "media/vbr.mp3", "");
  write_file(dir / "media/odd.mp3", "");
  MediaInfo vbr;
  vbr.ok = true;
  vbr.duration = std::chrono::seconds(120);
  vbr.header_duration = std::chrono::seconds(50);
  prober.by_name["vbr.mp3"] = vbr;
  MediaInfo odd;
  odd.ok = true;
  odd.duration = std::chrono::seconds(30);
  odd.duration_estimated = true;
  prober.by_name["odd.mp3"] = odd;
  auto l = load("date: 2011-11-26\nprograms:\n  - at: \"06:00\"\n    items:\n      - file: vbr.mp3\n      - file: odd.mp3\n");
  EXPECT_FALSE(l.diags.has_errors()) << l.dump();
  EXPECT_TRUE(l.has_warning("'vbr.mp3' has a wrong duration in its header (50 s); measured 2:00", 5, 15)) << l.dump();
  EXPECT_TRUE(l.has_warning("the duration of 'odd.mp3' could only be estimated", 6, 15)) << l.dump();
}

TEST_F(Validator, EachFileProbedOnce) {
  media("a.mp3", 10);
  std::string yaml = "date: 2011-11-26\nprograms:\n";
  for (int h = 0; h < 10; ++h)
    yaml += "  - at: \"0" + std::to_string(h) + ":00\"\n    items: [{file: a.mp3}, {file: a.mp3}]\n";
  auto l = load(yaml);
  EXPECT_FALSE(l.diags.has_errors()) << l.dump();
  EXPECT_EQ(prober.calls, 1);
}

TEST_F(Validator, FillPool) {
  auto l = load("date: 2011-11-26\nbetween: fill\nfill: {dir: nofill}\nprograms: []\n");
  EXPECT_TRUE(l.has_error("fill folder 'nofill' not found", 3, 7)) << l.dump();
  media("fill/one.mp3", 100);
  write_file(dir / "media/fill/bad.mp3", "x");
  write_file(dir / "media/fill/readme.txt", "not audio");
  auto l2 = load("date: 2011-11-26\nbetween: fill\nfill: {dir: fill, order: sequential}\nprograms: []\n");
  EXPECT_FALSE(l2.diags.has_errors()) << l2.dump();
  EXPECT_TRUE(l2.has_warning("1 file(s) in fill folder 'fill' cannot be decoded")) << l2.dump();
  ASSERT_EQ(l2.media.fill.size(), 1u);
  EXPECT_EQ(l2.media.fill[0].filename(), "one.mp3");
}
