// Fuzz target body: bytes → schedule file → load, validate, plan, report, edit list.
#include <fstream>
#include <functional>

#include "station/day_pipeline.hpp"
#include "cli/plan_report.hpp"
#include "fuzz/input_file.hpp"
#include "fuzz/targets.hpp"
#include "scheduler/edl.hpp"
#include "scheduler/timeline.hpp"

namespace onair::fuzz {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Media facts without FFmpeg: names decide, so the fuzzer can reach every branch by
// naming files (see schedule.dict): "*bad*" cannot be decoded, "*short*" lasts 2 s,
// "*vbr*" has a wrong header duration, anything else lasts 1–600 s by its name's hash.
class NameProber final : public MediaProber {
 public:
  MediaInfo probe(const fs::path& file) override {
    const std::string name = file.filename().string();
    MediaInfo info;
    if (name.find("bad") != std::string::npos) {
      info.error = "invalid data found when processing input";
      return info;
    }
    info.ok = true;
    info.sample_rate = 44100;
    info.channels = 2;
    info.codec = "mp3";
    const auto seconds = name.find("short") != std::string::npos ? 2 : 1 + std::hash<std::string>{}(name) % 600;
    info.duration = std::chrono::seconds(seconds);
    if (name.find("vbr") != std::string::npos) info.header_duration = info.duration * 3;
    return info;
  }
};

constexpr const char* kDailyTemplate = R"(title: "Chương trình ngày {dd}/{mm}/{yyyy}"
timezone: Asia/Ho_Chi_Minh
between: fill
fill: { dir: fill, order: sequential }
programs:
  - id: morning
    at: "05:30"
    end: "05:45"
    items: [{file: jingle.wav, crossfade: 1}, {file: news.mp3, fade_out: 1}]
  - id: evening
    at: "18:00"
    days: weekends
    items: [{relay: "http://127.0.0.1:8000/vov1", duration: "10:00", fallback: fill/one.mp3}]
)";

// A media root holding the files the dictionary names (empty: only names matter).
class MediaFolder {
 public:
  explicit MediaFolder(const fs::path& root) : root_(root) {
    for (const char* rel : {"news.mp3", "jingle.wav", "a.mp3", "b.flac", "short.mp3", "bad.mp3", "vbr.mp3",
                            "feature.ogg", "fill/one.mp3", "fill/two.mp3", "fill/bad.mp3", "empty/readme.txt",
                            "tin-tuc/ban-tin-26112011.mp3", "templates/default.yaml"}) {
      fs::create_directories((root_ / rel).parent_path());
      std::ofstream(root_ / rel) << "";
    }
    // `template: daily` beside the input file.
    fs::create_directories(root_.parent_path() / "templates");
    std::ofstream(root_.parent_path() / "templates/daily.yaml") << kDailyTemplate;
  }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

void run(const fs::path& file, const fs::path& media_root, std::optional<date::year_month_day> day) {
  NameProber prober;
  Diagnostics diags;
  LoadOptions options;
  options.media_root = media_root;
  options.date = day;
  auto loaded = load_day(file, options, prober, diags);
  for (const auto& d : diags.items()) (void)d.format();
  if (!loaded || !loaded->day) return;
  (void)plan_text(*loaded);
  (void)plan_json(*loaded).dump();
  // The player's view: one day on a timeline, its edit list from midnight.
  std::vector<BroadcastDay> days(1);
  days[0].schedule = loaded->schedule;
  days[0].media = loaded->media;
  Timeline timeline(std::move(days));
  const Plan plan = timeline.plan();
  VirtualClock clock(timeline.local().midnight(), 48000);
  (void)build_edl(timeline, plan, clock, 0, false);
}

}  // namespace

void schedule_input(std::span<const std::uint8_t> bytes) {
  static InputFile input(".yaml");
  static MediaFolder media(input.folder() / "media");
  const fs::path& file = input.write(bytes);
  run(file, media.root(), std::nullopt);
  // Templates only build with a date given; the same bytes as a template for a Saturday.
  run(file, media.root(), date::year_month_day{date::year{2011}, date::month{11}, date::day{26}});
}

}  // namespace onair::fuzz
