// The timeline: hard, soft, end, crossfade, overrun, gaps, midnight, DST.
#include "scheduler/schedule_fixture.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

class Planner : public ScheduleTest {
 protected:
  void SetUp() override {
    media("a.mp3", 60);
    media("b.mp3", 120);
    media("long.mp3", 3600);
  }
  static const PlannedItem& item(const Loaded& l, std::size_t program, std::size_t index) {
    for (const auto& it : l.plan.items)
      if (it.program == program && it.item == index) return it;
    throw std::runtime_error("no such item");
  }
};

TEST_F(Planner, HardStartsBackToBack) {
  auto l = load(R"(date: 2011-11-26
timezone: Asia/Ho_Chi_Minh
programs:
  - id: one
    at: "05:30"
    items: [{file: a.mp3}, {file: b.mp3, in: 10, out: 70}, {silence: 2.5}]
)");
  ASSERT_FALSE(l.diags.has_errors()) << l.dump();
  EXPECT_EQ(clock(l, item(l, 0, 0).start), "05:30:00.000");
  EXPECT_EQ(clock(l, item(l, 0, 1).start), "05:31:00.000");
  EXPECT_EQ(item(l, 0, 1).source_offset, Duration(10s));
  EXPECT_EQ(clock(l, item(l, 0, 2).start), "05:32:00.000");
  EXPECT_EQ(clock(l, item(l, 0, 2).end), "05:32:02.500");
  EXPECT_EQ(l.day->iso(item(l, 0, 0).start), "2011-11-26T05:30:00.000+07:00");
}

TEST_F(Planner, CrossfadeOverlapsTheNextItem) {
  auto l = load(R"(date: 2011-11-26
programs:
  - at: "06:00"
    items: [{file: a.mp3, crossfade: 3}, {file: b.mp3}]
)");
  EXPECT_EQ(clock(l, item(l, 0, 1).start), "06:00:57.000");
  EXPECT_EQ(clock(l, item(l, 0, 1).end), "06:02:57.000");
}

TEST_F(Planner, OverrunIsCutAtTheNextHardStart) {
  auto l = load(R"(date: 2011-11-26
programs:
  - id: morning
    at: "06:00"
    items: [{file: a.mp3}, {file: b.mp3}, {file: a.mp3, title: Tail}]
  - id: news
    at: "06:02"
    items: [{file: a.mp3}]
)");
  EXPECT_EQ(item(l, 0, 1).status, PlanStatus::cut);
  EXPECT_EQ(clock(l, item(l, 0, 1).end), "06:02:00.000");
  EXPECT_EQ(item(l, 0, 2).status, PlanStatus::skipped);
  EXPECT_EQ(clock(l, item(l, 1, 0).start), "06:02:00.000");
  EXPECT_TRUE(l.has_warning("programme 'morning' overruns the hard start of 'news' at 06:02:00.000 by 2:00; "
                            "cut: item 2 'b.mp3' (cut after 1:00 of 2:00); skipped: item 3 'Tail'",
                            3, 5))
      << l.dump();
}

TEST_F(Planner, SoftStartWaitsForTheItemOnAir) {
  auto l = load(R"(date: 2011-11-26
programs:
  - id: morning
    at: "06:00"
    items: [{file: a.mp3}, {file: b.mp3}, {file: a.mp3}]
  - id: talk
    at: "06:01:30"
    start: soft
    items: [{file: a.mp3}]
)");
  // b.mp3 is on air at 06:01:30 (06:01:00–06:03:00); talk follows it, the last item is dropped.
  EXPECT_EQ(item(l, 0, 1).status, PlanStatus::play);
  EXPECT_EQ(item(l, 0, 2).status, PlanStatus::skipped);
  EXPECT_EQ(clock(l, item(l, 1, 0).start), "06:03:00.000");
  EXPECT_EQ(l.plan.programs[1].late, Duration(90s));
  EXPECT_TRUE(l.has_warning("soft start of 'talk' waits 1:30", 7, 9)) << l.dump();
}

TEST_F(Planner, SoftStartWithNothingOnAirIsOnTime) {
  auto l = load(R"(date: 2011-11-26
programs:
  - {id: a, at: "06:00", items: [{file: a.mp3}]}
  - {id: b, at: "06:05", start: soft, items: [{file: a.mp3}]}
)");
  EXPECT_EQ(clock(l, item(l, 1, 0).start), "06:05:00.000");
}

TEST_F(Planner, ProgrammeEndCutsItsItems) {
  auto l = load(R"(date: 2011-11-26
programs:
  - id: m
    at: "06:00"
    end: "06:01:30"
    items: [{file: a.mp3}, {file: b.mp3}, {file: a.mp3}]
)");
  EXPECT_EQ(item(l, 0, 1).status, PlanStatus::cut);
  EXPECT_EQ(clock(l, item(l, 0, 1).end), "06:01:30.000");
  EXPECT_EQ(item(l, 0, 2).status, PlanStatus::skipped);
  EXPECT_TRUE(l.has_warning("programme 'm' overruns its end at 06:01:30.000 by 2:30")) << l.dump();
}

TEST_F(Planner, GapsAreReportedWithWhatFillsThem) {
  media("fill/song.mp3", 200);
  auto l = load(R"(date: 2011-11-26
between: fill
fill: {dir: fill}
programs:
  - {id: a, at: "06:00", items: [{file: a.mp3}]}
  - {id: b, at: "06:05", items: [{file: a.mp3}]}
)");
  ASSERT_EQ(l.plan.gaps.size(), 1u);
  EXPECT_EQ(clock(l, l.plan.gaps[0].start), "06:01:00.000");
  EXPECT_EQ(clock(l, l.plan.gaps[0].end), "06:05:00.000");
  EXPECT_EQ(l.plan.gaps[0].filled_with, Between::fill);
  EXPECT_TRUE(l.has_warning("gap of 4:00 before programme 'b' (06:01:00.000 to 06:05:00.000), filled with fill", 6, 17))
      << l.dump();
}

TEST_F(Planner, MidnightIsCrossed) {
  auto l = load(R"(date: 2011-11-26
timezone: Asia/Ho_Chi_Minh
programs:
  - id: late
    at: "23:30"
    items: [{file: long.mp3}]
  - id: relay
    at: "23:45"
    start: soft
    items:
      - relay: http://127.0.0.1/x
        until: "00:30"
)");
  // The soft relay waits for the hour-long file, which ends after midnight.
  EXPECT_EQ(clock(l, item(l, 0, 0).end), "00:30:00.000+1");
  EXPECT_EQ(clock(l, item(l, 1, 0).start), "00:30:00.000+1");
  EXPECT_EQ(l.day->iso(item(l, 0, 0).end), "2011-11-27T00:30:00.000+07:00");
  // until 00:30 is reached at the moment the relay would start: it is the next night's.
  auto l2 = load(R"(date: 2011-11-26
programs:
  - id: relay
    at: "23:45"
    items:
      - relay: http://127.0.0.1/x
        until: "00:30"
)");
  EXPECT_EQ(item(l2, 0, 0).end - item(l2, 0, 0).start, Duration(45min));
}

TEST_F(Planner, EndBeforeAtMeansNextDay) {
  auto l = load(R"(date: 2011-11-26
programs:
  - {id: night, at: "23:59", end: "00:00:30", items: [{file: a.mp3}, {file: a.mp3}]}
)");
  EXPECT_EQ(clock(l, item(l, 0, 0).end), "00:00:00.000+1");
  EXPECT_EQ(clock(l, item(l, 0, 1).end), "00:00:30.000+1");
  EXPECT_EQ(item(l, 0, 1).status, PlanStatus::cut);
}

TEST_F(Planner, OnAirAtFindsItemAndOffset) {
  auto l = load(R"(date: 2011-11-26
programs:
  - {id: a, at: "06:00", items: [{file: a.mp3}, {file: b.mp3}]}
  - {id: b, at: "07:00", items: [{file: a.mp3}]}
)");
  auto t = item(l, 0, 1).start + 12345ms;
  auto on = on_air_at(l.plan, t);
  ASSERT_TRUE(on);
  EXPECT_EQ(l.plan.items[on->item].item, 1u);
  EXPECT_EQ(on->offset, Duration(12345ms));
  EXPECT_FALSE(on_air_at(l.plan, item(l, 0, 1).end + 1s));  // the gap
}

TEST_F(Planner, MissingMediaPlansAsZeroButIsFlagged) {
  auto l = load("date: 2011-11-26\nprograms:\n  - at: \"06:00\"\n    items: [{file: none.mp3}, {file: a.mp3}]\n");
  EXPECT_TRUE(l.plan.items[0].unknown_length);
  EXPECT_EQ(clock(l, l.plan.items[1].start), "06:00:00.000");
}

// Europe/Berlin: 2021-03-28 02:00 → 03:00 (CET → CEST); 2021-10-31 03:00 → 02:00.
TEST_F(Planner, DaylightSavingSpringForward) {
  auto l = load(R"(date: 2021-03-28
timezone: Europe/Berlin
programs:
  - {id: before, at: "01:30", items: [{file: a.mp3}]}
  - {id: lost, at: "02:30", items: [{file: a.mp3}]}
  - {id: after, at: "03:30", items: [{file: a.mp3}]}
)", "schedules/2021-03-28.yaml");
  EXPECT_EQ(l.day->iso(item(l, 0, 0).start), "2021-03-28T01:30:00.000+01:00");
  EXPECT_EQ(l.plan.gaps.size(), 1u) << l.dump();
  // 02:30 does not exist: it airs an hour later in wall-clock terms, 03:30 CEST.
  EXPECT_EQ(l.day->iso(item(l, 1, 0).start), "2021-03-28T03:30:00.000+02:00");
  EXPECT_TRUE(l.has_warning("at 02:30:00 does not exist on 2021-03-28 in Europe/Berlin", 5, 20)) << l.dump();
  EXPECT_EQ(l.day->iso(item(l, 2, 0).start), "2021-03-28T03:30:00.000+02:00");
  // Both start at the same instant: the later one is a hard start that cuts nothing.
  EXPECT_EQ(item(l, 1, 0).status, PlanStatus::skipped);
}

TEST_F(Planner, DaylightSavingFallBack) {
  auto l = load(R"(date: 2021-10-31
timezone: Europe/Berlin
programs:
  - {id: twice, at: "02:30", items: [{file: a.mp3}]}
  - {id: later, at: "04:00", items: [{file: a.mp3}]}
)", "schedules/2021-10-31.yaml");
  EXPECT_EQ(l.day->iso(item(l, 0, 0).start), "2021-10-31T02:30:00.000+02:00");
  EXPECT_TRUE(l.has_warning("at 02:30:00 occurs twice on 2021-10-31 in Europe/Berlin", 4, 21)) << l.dump();
  // The day is 25 hours long: 02:30 CEST to 04:00 CET is 2.5 h.
  EXPECT_EQ(item(l, 1, 0).start - item(l, 0, 0).start, Duration(150min));
}

TEST_F(Planner, StationZoneHasNoDstWarnings) {
  auto l = load("date: 2011-11-26\ntimezone: Asia/Ho_Chi_Minh\nprograms:\n  - {at: \"02:30\", items: [{file: a.mp3}]}\n");
  EXPECT_EQ(l.diags.items().size(), 0u) << l.dump();
}
