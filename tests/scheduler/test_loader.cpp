// Parsing the v1 core and every diagnostic of `onair check`, asserting line and column.
#include "scheduler/schedule_fixture.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

class Loader : public ScheduleTest {};

TEST_F(Loader, ParsesTheDesignExample) {
  media("jingles/opening.mp3", 5);
  media("news/thoi-su.mp3", 800);
  media("fill/backup.mp3", 60);
  media("fill/song.mp3", 200);
  auto l = load(R"(date: 2011-11-26
title: "Chương trình phát thanh ngày 26/11/2011"
station: "Đài Truyền thanh huyện Thanh Thủy"
timezone: Asia/Ho_Chi_Minh
between: silence
fill: { dir: fill, order: shuffle }
programs:
  - id: morning
    title: "Chương trình buổi sáng"
    at: "05:30"
    start: hard
    end: "06:00"
    items:
      - file: jingles/opening.mp3
      - file: news/thoi-su.mp3
        title: "Bản tin thời sự"
        in: 1.5
        out: "12:30"
        fade_in: 0.5
        fade_out: 2
        gain: -3
        crossfade: 3
      - relay: http://127.0.0.1:8000/vov1
        title: "Tiếp sóng VOV1"
        duration: "15:00"
        fallback: fill/backup.mp3
      - silence: 2
)");
  ASSERT_TRUE(l.schedule) << l.dump();
  EXPECT_FALSE(l.diags.has_errors()) << l.dump();
  const Schedule& s = *l.schedule;
  EXPECT_EQ(s.title, "Chương trình phát thanh ngày 26/11/2011");
  EXPECT_EQ(s.station, "Đài Truyền thanh huyện Thanh Thủy");
  EXPECT_EQ(s.timezone, "Asia/Ho_Chi_Minh");
  ASSERT_EQ(s.programs.size(), 1u);
  const Program& p = s.programs[0];
  EXPECT_EQ(p.id, "morning");
  EXPECT_EQ(p.at, Duration(5h + 30min));
  EXPECT_EQ(p.end, Duration(6h));
  ASSERT_EQ(p.items.size(), 4u);
  EXPECT_EQ(p.items[1].cue_in, Duration(1500ms));
  EXPECT_EQ(p.items[1].cue_out, Duration(12min + 30s));
  EXPECT_EQ(p.items[1].fade_out, Duration(2s));
  EXPECT_DOUBLE_EQ(p.items[1].gain_db, -3.0);
  EXPECT_EQ(p.items[1].crossfade, Duration(3s));
  EXPECT_EQ(p.items[2].kind, ItemKind::relay);
  EXPECT_EQ(p.items[2].duration, Duration(15min));
  EXPECT_EQ(p.items[3].kind, ItemKind::silence);
  EXPECT_EQ(p.items[3].duration, Duration(2s));
  EXPECT_EQ(s.media_root, (dir.path() / "media").lexically_normal());
  EXPECT_EQ(p.items[1].source_mark.line, 15);
  EXPECT_EQ(p.items[1].source_mark.column, 15);
}

TEST_F(Loader, DateFromFileName) {
  media("a.mp3", 10);
  auto l = load("programs:\n  - at: \"06:00\"\n    items:\n      - file: a.mp3\n", "schedules/2012-01-31.yaml");
  ASSERT_TRUE(l.schedule);
  EXPECT_FALSE(l.diags.has_errors()) << l.dump();
  EXPECT_EQ(l.schedule->date, date::year(2012) / 1 / 31);
  EXPECT_EQ(l.schedule->programs[0].id, "06:00");  // derived from `at`
}

TEST_F(Loader, NoDateIsAnError) {
  auto l = load("programs: []\n", "schedules/today.yaml");
  EXPECT_TRUE(l.has_error("no date", 1, 1)) << l.dump();
}

TEST_F(Loader, UnknownKeysWithDidYouMean) {
  media("a.mp3", 10);
  auto l = load(R"(date: 2011-11-26
titel: x
programs:
  - at: "06:00"
    itmes: []
    items:
      - file: a.mp3
        fadein: 2
)");
  EXPECT_TRUE(l.has_error("unknown key 'titel' in the schedule; did you mean 'title'?", 2, 1)) << l.dump();
  EXPECT_TRUE(l.has_error("unknown key 'itmes' in a programme; did you mean 'items'?", 5, 5)) << l.dump();
  EXPECT_TRUE(l.has_error("unknown key 'fadein' in an item; did you mean 'fade_in'?", 8, 9)) << l.dump();
}

TEST_F(Loader, WrongTypes) {
  auto l = load(R"(date: 2011-11-26
title: [a, b]
programs:
  - at: "06:00"
    items: file.mp3
  - at: "07:00"
    items:
      - file: { x: 1 }
      - silence: [1]
      - file: a.mp3
        gain: loud
)");
  EXPECT_TRUE(l.has_error("'title' must be text, got a list", 2, 8)) << l.dump();
  EXPECT_TRUE(l.has_error("'items' must be a list of items, got 'file.mp3'", 5, 12)) << l.dump();
  EXPECT_TRUE(l.has_error("'file' must be text, got a mapping", 8, 15)) << l.dump();
  EXPECT_TRUE(l.has_error("'silence' must be text, got a list", 9, 18)) << l.dump();
  EXPECT_TRUE(l.has_error("'gain' must be a number, got 'loud'", 11, 15)) << l.dump();
}

TEST_F(Loader, BadTimesAndDurations) {
  auto l = load(R"(date: 2011-02-30
programs:
  - at: "25:00"
    items:
      - silence: 2
  - at: "07:61"
    end: "7am"
    items:
      - silence: "-5"
      - silence: "1:99"
      - relay: http://x/y
        until: "26:00"
)");
  EXPECT_TRUE(l.has_error("invalid date '2011-02-30'", 1, 7)) << l.dump();
}

TEST_F(Loader, BadTimesAndDurationsInValidDay) {
  auto l = load(R"(date: 2011-11-26
programs:
  - at: "25:00"
    items:
      - silence: 2
  - at: "07:61"
    items:
      - silence: 1
  - at: "08:00"
    end: "7am"
    items:
      - silence: "-5"
      - silence: "1:99"
      - relay: http://x/y
        until: "26:00"
)");
  EXPECT_TRUE(l.has_error("invalid time '25:00' for 'at': hour 25 out of range 00-23", 3, 9)) << l.dump();
  EXPECT_TRUE(l.has_error("invalid time '07:61' for 'at': minutes 61 out of range", 6, 9)) << l.dump();
  EXPECT_TRUE(l.has_error("invalid time '7am' for 'end'", 10, 10)) << l.dump();
  EXPECT_TRUE(l.has_error("invalid duration '-5' for 'silence': must not be negative", 12, 18)) << l.dump();
  EXPECT_TRUE(l.has_error("invalid duration '1:99' for 'silence'", 13, 18)) << l.dump();
  EXPECT_TRUE(l.has_error("invalid time '26:00' for 'until'", 15, 16)) << l.dump();
}

TEST_F(Loader, DuplicateIdsAndOrder) {
  auto l = load(R"(date: 2011-11-26
programs:
  - id: news
    at: "07:00"
    items: [{silence: 1}]
  - id: news
    at: "08:00"
    items: [{silence: 1}]
  - id: early
    at: "06:00"
    items: [{silence: 1}]
)");
  EXPECT_TRUE(l.has_error("duplicate programme id 'news' (first used at line 3)", 6, 9)) << l.dump();
  EXPECT_TRUE(l.has_error("programme 'early' at 06:00:00 is out of order: it comes after 'news' at 08:00:00", 10, 9))
      << l.dump();
}

TEST_F(Loader, RelayRules) {
  auto l = load(R"(date: 2011-11-26
programs:
  - at: "06:00"
    items:
      - relay: http://127.0.0.1:8000/vov1
      - relay: ftp://example.org/x
        duration: 60
      - relay: http://a/b
        duration: 60
        until: "07:00"
)");
  EXPECT_TRUE(l.has_error("a relay needs 'duration:' or 'until:'", 5, 16)) << l.dump();
  EXPECT_TRUE(l.has_error("must be an http:// or https:// URL", 6, 16)) << l.dump();
  EXPECT_TRUE(l.has_error("not both", 10, 9)) << l.dump();
}

TEST_F(Loader, ItemShapeErrors) {
  auto l = load(R"(date: 2011-11-26
programs:
  - at: "06:00"
    items:
      - title: nothing to play
      - file: a.mp3
        silence: 3
      - file: a.mp3
        duration: 10
      - file: a.mp3
        in: 20
        out: 10
)");
  EXPECT_TRUE(l.has_error("an item needs one of 'file:', 'relay:', 'silence:', 'say:', 'say_file:' or 'say_time:'", 5, 9)) << l.dump();
  EXPECT_TRUE(l.has_error("only one of", 7, 9)) << l.dump();
  EXPECT_TRUE(l.has_error("'duration' does not apply to a file item; to shorten a file use 'out'", 9, 9)) << l.dump();
  EXPECT_TRUE(l.has_error("cue out 10 s is not after cue in 20 s", 12, 14)) << l.dump();
}

TEST_F(Loader, UnknownTimezoneSuggestsOne) {
  auto l = load("date: 2011-11-26\ntimezone: Asia/Ho_Chi_Min\nprograms: []\n");
  EXPECT_TRUE(l.has_error("unknown time zone 'Asia/Ho_Chi_Min'", 2, 11)) << l.dump();
  EXPECT_TRUE(l.has_error("did you mean 'Asia/Ho_Chi_Minh'?")) << l.dump();
}

TEST_F(Loader, BadEnumValues) {
  auto l = load("date: 2011-11-26\nbetween: filler\nprograms:\n  - at: \"06:00\"\n    start: sofft\n    items: [{silence: 1}]\n");
  EXPECT_TRUE(l.has_error("invalid value 'filler' for 'between': expected silence | fill; did you mean 'fill'?", 2, 10))
      << l.dump();
  EXPECT_TRUE(l.has_error("invalid value 'sofft' for 'start'", 5, 12)) << l.dump();
}

TEST_F(Loader, FillRequiredForBetweenFill) {
  auto l = load("date: 2011-11-26\nbetween: fill\nprograms: []\n");
  EXPECT_TRUE(l.has_error("'between: fill' needs a 'fill:' pool", 2, 10)) << l.dump();
}

TEST_F(Loader, MediaRootOrder) {
  media("a.mp3", 10);
  write_file(dir / "elsewhere/b.mp3", "");
  prober.add("b.mp3", 10);
  // Default: ../media relative to the schedule's folder.
  auto l1 = load("date: 2011-11-26\nprograms:\n  - at: \"06:00\"\n    items: [{file: a.mp3}]\n");
  EXPECT_FALSE(l1.diags.has_errors()) << l1.dump();
  // media_root: in the file, relative to the file.
  auto l2 = load("date: 2011-11-26\nmedia_root: ../elsewhere\nprograms:\n  - at: \"06:00\"\n    items: [{file: b.mp3}]\n");
  EXPECT_FALSE(l2.diags.has_errors()) << l2.dump();
  // --media-root beats the file.
  LoadOptions opts;
  opts.media_root = dir.path() / "media";
  auto l3 = load("date: 2011-11-26\nmedia_root: ../elsewhere\nprograms:\n  - at: \"06:00\"\n    items: [{file: a.mp3}]\n",
                 "schedules/2011-11-26.yaml", opts);
  EXPECT_FALSE(l3.diags.has_errors()) << l3.dump();
}
