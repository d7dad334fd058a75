#pragma once
// The schedule of one broadcast day, as loaded from YAML (after templates are applied).
// Every value keeps the SourceMark of where it was written, so later checks can point at it.
#include <chrono>
#include <cstdint>
#include <date/date.h>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scheduler/diagnostics.hpp"
#include "scheduler/speech.hpp"
#include "scheduler/timecode.hpp"

namespace onair {

enum class StartMode { hard, soft };
enum class Between { silence, fill };
enum class FillOrder { shuffle, sequential };
// `speech` until render_speech() has made it a file item on its rendered WAV.
enum class ItemKind { file, relay, silence, speech };

// A `loudness:` key as written on a day (or template, or the station config), a programme
// or an item (docs/loudness.md). Unset fields come from the level above; `off` turns
// normalisation off for everything under it (an item may turn it back on).
struct LoudnessSpec {
  bool off = false;
  std::optional<double> target, true_peak, max_gain;  // LUFS, dBTP, dB
  SourceMark mark;
};

struct Item {
  ItemKind kind = ItemKind::file;
  std::string source;  // file path relative to the media root, or the relay URL
  std::string title;
  std::optional<Duration> cue_in, cue_out;
  Duration fade_in{0}, fade_out{0}, crossfade{0};
  double gain_db = 0.0;
  std::optional<Duration> duration;  // relay and silence length
  std::optional<Duration> until;     // relay end as a time of day
  std::string fallback;              // relay fallback file, relative to the media root
  std::uint64_t uid = 0;             // stable identity across re-plans (set by Timeline)
  std::optional<LoudnessSpec> loudness;
  // `say:` / `say_file:`: what is read, kept once rendered (then kind is file, `source` the
  // rendered WAV's absolute path and `generated` set: it is not under the media root).
  std::optional<SpeechSpec> speech;
  bool generated = false;

  SourceMark mark;  // the item's first key
  SourceMark source_mark, in_mark, out_mark, crossfade_mark, duration_mark, fallback_mark;

  std::string display_title() const;  // title, else the file name, else a description
};

struct Program {
  std::string id;
  bool id_derived = false;  // no `id:` given: made from `at`
  std::string title;
  Duration at{0};           // time of day on the schedule's date
  StartMode start = StartMode::hard;
  std::optional<Duration> end;  // time of day; at or before `at` means the next day
  std::vector<Item> items;
  std::optional<LoudnessSpec> loudness;

  SourceMark mark, id_mark, at_mark, end_mark;
};

struct FillPool {
  std::string dir;  // relative to the media root
  FillOrder order = FillOrder::shuffle;
  SourceMark mark;
};

struct Schedule {
  std::filesystem::path file;
  date::year_month_day date{};
  std::string title;
  std::string station;
  std::string timezone;  // IANA name; empty = the machine's local zone
  Between between = Between::silence;
  std::optional<FillPool> fill;
  std::filesystem::path media_root;  // absolute, resolved per DESIGN.md
  Duration cut_fade = std::chrono::milliseconds(300);  // fade that ends at a hard start
  std::vector<Program> programs;                       // ordered by `at`
  std::vector<std::filesystem::path> templates;        // files this day was built from
  std::optional<LoudnessSpec> loudness;                // the day's (templates, config default)

  SourceMark date_mark, timezone_mark, between_mark, media_root_mark;
};

}  // namespace onair
