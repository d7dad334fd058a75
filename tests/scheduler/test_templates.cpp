// Recurring programmes: a day file built on a template, with weekday filters,
// replacements, omissions and date placeholders.
#include "scheduler/placeholders.hpp"
#include "scheduler/schedule_fixture.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

class Templates : public ScheduleTest {
 protected:
  void SetUp() override {
    write_file(dir / "schedules/templates/weekday.yaml", R"(title: "Chương trình phát thanh ngày {dd}/{mm}/{yyyy}"
station: "Đài Truyền thanh huyện Thanh Thủy"
timezone: Asia/Ho_Chi_Minh
programs:
  - id: morning
    at: "05:30"
    items:
      - file: news/{date}/thoi-su.mp3
  - id: weekend-music
    at: "09:00"
    days: weekends
    items: [{silence: 60}]
  - id: evening
    at: "18:00"
    days: [mon, wednesday, fri, sat]
    items: [{silence: 30}]
)");
  }
};

TEST_F(Templates, DayFileBuildsOnTemplate) {
  media("news/2011-11-26/thoi-su.mp3", 600);
  media("extra.mp3", 60);
  auto l = load(R"(template: weekday
programs:
  - id: noon
    at: "11:00"
    items: [{file: extra.mp3}]
)");
  ASSERT_TRUE(l.schedule) << l.dump();
  EXPECT_FALSE(l.diags.has_errors()) << l.dump();
  const Schedule& s = *l.schedule;
  EXPECT_EQ(s.title, "Chương trình phát thanh ngày 26/11/2011");
  EXPECT_EQ(s.timezone, "Asia/Ho_Chi_Minh");
  // 2011-11-26 is a Saturday: the weekend programme and the Saturday evening are in.
  ASSERT_EQ(s.programs.size(), 4u);
  EXPECT_EQ(s.programs[0].id, "morning");
  EXPECT_EQ(s.programs[0].items[0].source, "news/2011-11-26/thoi-su.mp3");
  EXPECT_EQ(s.programs[1].id, "weekend-music");
  EXPECT_EQ(s.programs[2].id, "noon");  // sorted in by time
  EXPECT_EQ(s.programs[3].id, "evening");
}

TEST_F(Templates, WeekdayFilter) {
  media("news/2011-11-29/thoi-su.mp3", 600);
  auto l = load("template: weekday\n", "schedules/2011-11-29.yaml");  // a Tuesday
  ASSERT_TRUE(l.schedule) << l.dump();
  ASSERT_EQ(l.schedule->programs.size(), 1u) << l.dump();
  EXPECT_EQ(l.schedule->programs[0].id, "morning");
}

TEST_F(Templates, ReplaceAndOmit) {
  media("special.mp3", 60);
  auto l = load(R"(template: weekday
title: "Ngày đặc biệt"
programs:
  - id: morning
    at: "06:00"
    items: [{file: special.mp3}]
  - id: evening
    omit: true
  - id: nothing
    omit: true
)");
  ASSERT_TRUE(l.schedule);
  EXPECT_FALSE(l.diags.has_errors()) << l.dump();
  EXPECT_EQ(l.schedule->title, "Ngày đặc biệt");
  ASSERT_EQ(l.schedule->programs.size(), 2u);
  EXPECT_EQ(l.schedule->programs[0].at, Duration(6h));
  EXPECT_EQ(l.schedule->programs[0].items[0].source, "special.mp3");
  EXPECT_TRUE(l.has_warning("'omit': no programme 'nothing' to remove", 9, 9)) << l.dump();
}

TEST_F(Templates, ErrorsPointIntoTheTemplate) {
  auto l = load("template: weekday\n");
  // The dated news file is missing: the error names the template's line.
  EXPECT_TRUE(l.has_error("media file 'news/2011-11-26/thoi-su.mp3' not found", 8, 15)) << l.dump();
  bool in_template = false;
  for (const auto& d : l.diags.items())
    in_template |= d.mark.file_name().find("templates/weekday.yaml") != std::string::npos;
  EXPECT_TRUE(in_template) << l.dump();
}

TEST_F(Templates, MissingAndCyclicTemplates) {
  auto l = load("template: nosuch\nprograms: []\n");
  EXPECT_TRUE(l.has_error("cannot open", 1, 11)) << l.dump();
  write_file(dir / "schedules/templates/a.yaml", "template: b\n");
  write_file(dir / "schedules/templates/b.yaml", "template: a\n");
  auto l2 = load("template: a\n");
  EXPECT_TRUE(l2.has_error("includes itself")) << l2.dump();
}

TEST_F(Templates, Placeholders) {
  const auto day = date::year(2011) / 11 / 26;
  EXPECT_EQ(expand_placeholders("news/{date}/x.mp3", day).text, "news/2011-11-26/x.mp3");
  EXPECT_EQ(expand_placeholders("{dd}{mm}{yy}-{wd}-{weekday}", day).text, "261111-sat-saturday");
  EXPECT_EQ(expand_placeholders("{date:%d.%m.%Y}", day).text, "26.11.2011");
  EXPECT_EQ(expand_placeholders("{{literal}}", day).text, "{literal}");
  EXPECT_FALSE(expand_placeholders("{nope}", day).text);
  EXPECT_FALSE(expand_placeholders("{date", day).text);
  EXPECT_FALSE(expand_placeholders("{date:%H}", day).text);
}

TEST_F(Templates, BadPlaceholderIsReported) {
  auto l = load("date: 2011-11-26\nprograms:\n  - at: \"06:00\"\n    items: [{file: \"news/{datum}.mp3\"}]\n");
  EXPECT_TRUE(l.has_error("unknown placeholder '{datum}'", 4, 20)) << l.dump();
}
