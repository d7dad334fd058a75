// Spoken time (`say_time:`, issue 15): the text is filled in from the item's air frame when
// the edit list is built, so a soft start that waits, a day that crosses midnight and a
// daylight-saving change all say the time the clock shows as it airs; the slot is fixed by
// the longest reading, so what follows keeps its frames.
#include "scheduler/edl.hpp"
#include "scheduler/speech.hpp"
#include "scheduler/spoken_time.hpp"
#include "scheduler/schedule_fixture.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {

// Every reading lasts 1 s plus 0.1 s per character: the longest reading decides the slot.
class FakeSpeech final : public SpeechRenderer {
 public:
  std::vector<std::string> texts;
  SpeechResult render(const std::string& text, const SpeechVoice& voice) override {
    texts.push_back(text);
    SpeechResult r;
    if (voice.voice == "klingon") {
      r.error = "unknown voice 'klingon'";
      r.voice_error = true;
      return r;
    }
    r.file = "/speech/" + std::to_string(texts.size()) + ".wav";
    r.length = 1s + 100ms * static_cast<long>(text.size());
    return r;
  }
};

struct SpokenTime : ScheduleTest {
  FakeSpeech speech;
  Diagnostics diags;

  // The spoken-time segments' texts of the day `yaml` (one day, built from midnight).
  std::vector<std::string> said(const std::string& yaml, const std::string& name = "schedules/2011-11-26.yaml") {
    write_file(dir / name, yaml);
    auto s = load_schedule(dir / name, {}, diags);
    if (!s) return {};
    render_speech(*s, &speech, diags);
    std::vector<BroadcastDay> days(1);
    days[0].media = validate_media(*s, prober, diags);
    days[0].schedule = std::move(*s);
    Timeline timeline(std::move(days));
    const Plan plan = timeline.plan();
    VirtualClock clock(timeline.local().midnight(), 48000);
    std::vector<std::string> out;
    for (const auto& seg : build_edl(timeline, plan, clock, 0, false)) {
      if (seg.kind != Segment::Kind::spoken_time) continue;
      out.push_back(seg.source);
      last_start = seg.start;
      last_length = seg.length;
      last_title = seg.label.title;
    }
    return out;
  }
  FrameCount last_start = 0, last_length = 0;
  std::string last_title;
  std::string errors() const {
    std::string t;
    for (const auto& d : diags.items()) t += d.format() + "\n";
    return t;
  }
};

}  // namespace

TEST(SpokenTimeText, PlaceholdersAndErrors) {
  EXPECT_EQ(fill_spoken_time("Bây giờ là {H} giờ {M} phút", {17, 5}).text, "Bây giờ là 17 giờ 5 phút");
  EXPECT_EQ(fill_spoken_time("{h} giờ {MM} {buổi}", {17, 5}).text, "5 giờ 05 chiều");
  EXPECT_EQ(fill_spoken_time("{h} giờ {buoi}", {0, 0}).text, "12 giờ sáng");
  EXPECT_EQ(fill_spoken_time("{h} giờ {buổi}", {12, 30}).text, "12 giờ trưa");
  EXPECT_EQ(fill_spoken_time("{H} giờ {buổi}", {19, 0}).text, "19 giờ tối");
  EXPECT_EQ(fill_spoken_time("{H} giờ {buổi}", {23, 0}).text, "23 giờ đêm");
  EXPECT_EQ(fill_spoken_time("{H} giờ {buổi}", {10, 59}).text, "10 giờ sáng");
  EXPECT_EQ(fill_spoken_time("{giờ}", {1, 1}).error,
            "unknown placeholder '{giờ}'; placeholders are {H}, {h}, {M}, {MM} and {buổi}");
  EXPECT_FALSE(fill_spoken_time("Bây giờ là {H", {1, 1}).text);
}

TEST(SpokenTimeText, ClockReadingInTheZoneToTheNearestSecond) {
  const auto* hcm = date::locate_zone("Asia/Ho_Chi_Minh");
  const auto t = TimePoint(date::sys_days(date::year{2011} / 11 / 25) + 22h + 59min + 59s + 600ms);  // 05:59:59.6 +07
  const ClockReading r = clock_reading(t, hcm);
  EXPECT_EQ(r.hour, 6);
  EXPECT_EQ(r.minute, 0);
  const ClockReading before = clock_reading(t - 200ms, hcm);
  EXPECT_EQ(before.hour, 5);
  EXPECT_EQ(before.minute, 59);
}

TEST_F(SpokenTime, SoftStartThatWaitsSaysTheLaterTime) {
  media("long.wav", 150);
  const auto texts = said(R"(timezone: Asia/Ho_Chi_Minh
programs:
  - {id: music, at: "06:00", items: [{file: long.wav}]}
  - id: news
    at: "06:01"
    start: soft
    items: [{say_time: "Bây giờ là {H} giờ {M} phút"}]
)");
  ASSERT_EQ(texts.size(), 1u) << errors();
  // The music ends at 06:02:30: the news waits for it, and says so.
  EXPECT_EQ(texts[0], "Bây giờ là 6 giờ 2 phút");
  EXPECT_EQ(last_title, "Bây giờ là 6 giờ 2 phút");
  EXPECT_EQ(last_start, (6 * 3600 + 150) * 48000);
  // The slot: the longest of the readings rendered at load, plus the margin.
  std::size_t longest = 0;
  for (const auto& t : speech.texts) longest = std::max(longest, t.size());
  EXPECT_EQ(last_length, (48000 + 4800 * static_cast<FrameCount>(longest)) + 48000 / 4);
  EXPECT_EQ(speech.texts.size(), slot_readings().size());
  EXPECT_NE(std::find(speech.texts.begin(), speech.texts.end(), "Bây giờ là 23 giờ 57 phút"), speech.texts.end());
}

TEST_F(SpokenTime, AcrossMidnightAndAtEveryItemOfTheDay) {
  media("a.wav", 20);
  const auto texts = said(R"(timezone: Asia/Ho_Chi_Minh
programs:
  - id: late
    at: "23:59:50"
    items:
      - {file: a.wav}
      - {say_time: "{H} giờ {M} phút {buổi}", title: "Giờ"}
  - id: morning
    at: "05:30"
    items: [{say_time: "Bây giờ là {h} giờ {M} phút {buổi}"}]
)");
  ASSERT_EQ(texts.size(), 2u) << errors();
  EXPECT_EQ(texts[0], "Bây giờ là 5 giờ 30 phút sáng");
  EXPECT_EQ(texts[1], "0 giờ 0 phút sáng");  // 00:00:10 of the next day
  EXPECT_EQ(last_title, "Giờ");
}

TEST_F(SpokenTime, DaylightSavingChangesSayTheClockOnTheWall) {
  media("hour.wav", 3600);
  // Berlin, 31 October 2021: 03:00 CEST becomes 02:00 CET. An hour after 02:30 CEST the
  // wall clock says 02:30 again.
  const auto texts = said(R"(timezone: Europe/Berlin
programs:
  - id: night
    at: "02:30"
    items:
      - {file: hour.wav}
      - {say_time: "{H}:{MM}"}
)",
                          "schedules/2021-10-31.yaml");
  ASSERT_EQ(texts.size(), 1u) << errors();
  EXPECT_EQ(texts[0], "2:30");
}

TEST_F(SpokenTime, BadTemplateAndBadVoiceAreErrorsAtTheirLines) {
  (void)said(R"(timezone: Asia/Ho_Chi_Minh
programs:
  - id: a
    at: "06:00"
    items:
      - {say_time: "Bây giờ là {giờ} giờ"}
      - {say_time: "{H} giờ", voice: klingon}
)");
  const std::string e = errors();
  EXPECT_NE(e.find("2011-11-26.yaml:6:20: error: in 'say_time' 'Bây giờ là {giờ} giờ': unknown placeholder '{giờ}'"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("2011-11-26.yaml:7:40: error: unknown voice 'klingon'"), std::string::npos) << e;
}
