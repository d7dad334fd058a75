// The daemon airs say: and say_file: items: rendered into the config's speech cache with the
// config's dictionary when a day is loaded, aired as files, and an edit of a say_file text
// (the schedule untouched) is picked up by a reload.
#include "daemon/station_fixture.hpp"

#include "player/decode/prober.hpp"
#include "station/days.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {

const auto D = date::year(2011) / 11 / 26;

std::string text_of(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::filesystem::path> wavs_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec))
    if (e.path().extension() == ".wav") out.push_back(e.path());
  return out;
}

class StationSpeech : public StationTest {
 protected:
  StationConfig speech_config() {
    auto c = config();
    c.speech.cache_dir = dir / "cache/speech";
    c.speech.words.words["HTX"] = "hợp tác xã";  // as a `speech: {dictionary: …}` file gives it
    return c;
  }
  void day() {
    tone("tone.wav", 1000, 2);
    write_file(dir / "media/tin/bao.txt", "HTX Tân Hòa họp lúc 14h.\n");
    schedule("2011-11-26.yaml", R"(programs:
  - id: tin
    at: "06:00"
    items:
      - say: "Xin chào bà con, hôm nay ngày 26/11/2011."
        title: "Lời chào"
      - file: tone.wav
      - say_file: tin/bao.txt
      - file: tone.wav
)");
  }
};

}  // namespace

TEST_F(StationSpeech, SpokenItemsAirFromTheConfiguredCache) {
  day();
  StationHooks hooks;
  hooks.output = output(false);
  hooks.virtual_start = local(D, 5h + 59min + 58s);
  hooks.run_frames = 30 * kRate;
  Station station(speech_config(), std::move(hooks));
  ASSERT_EQ(station.run({}), 0);

  const auto rendered = wavs_in(dir / "cache/speech");
  EXPECT_EQ(rendered.size(), 2u);
  auto records = asrun("2011-11-26");
  std::vector<nlohmann::json> spoken;
  for (const auto& j : records)
    if (j["program"] == "tin" && j["status"] == "played" && j["source"].get<std::string>().ends_with(".wav") &&
        j["source"].get<std::string>().find("cache/speech") != std::string::npos)
      spoken.push_back(j);
  ASSERT_EQ(spoken.size(), 2u) << dump(records);
  EXPECT_EQ(spoken[0]["title"], "Lời chào");
  EXPECT_EQ(spoken[0]["started"], "2011-11-26T06:00:00.000+07:00") << dump(records);
  // The dictionary of the config was used: the sidecar text reads the abbreviation out.
  bool expanded = false;
  for (const auto& w : rendered) {
    auto txt = w;
    txt.replace_extension(".txt");
    if (text_of(txt).find("hợp tác xã") != std::string::npos) expanded = true;
  }
  EXPECT_TRUE(expanded);
  EXPECT_FALSE(station.alarms().is_active(AlarmKind::schedule_invalid)) << station.alarms().active().dump();
}

TEST_F(StationSpeech, EditedSayFileTextIsReloaded) {
  day();
  const auto c = speech_config();
  FfmpegProber prober;
  Alarms alarms;
  StationDays days(c, prober, alarms);
  auto source_of_say_file = [&] {
    auto w = days.window(D);
    for (const auto& p : w->merged().programs)
      if (p.id == "tin") return p.items.at(2).source;
    return std::string();
  };
  const std::string before = source_of_say_file();
  ASSERT_FALSE(before.empty());
  days.reload();
  EXPECT_EQ(source_of_say_file(), before);  // nothing changed: nothing re-rendered
  write_file(dir / "media/tin/bao.txt", "HTX Tân Hòa họp lúc 15h.\n");
  days.reload();
  const std::string after = source_of_say_file();
  EXPECT_NE(after, before);
  EXPECT_TRUE(std::filesystem::exists(after)) << after;
  EXPECT_EQ(wavs_in(dir / "cache/speech").size(), 3u);
}
