#pragma once
// The daemon's configuration file (`onair run --config onair.yaml`), documented in
// docs/config.md with a commented example in onair.example.yaml. Every path in it is
// relative to the folder of the config file and is stored here resolved (absolute).
// Every bad value becomes a FILE:LINE:COL diagnostic naming it; nothing throws.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "player/monitor/aircheck.hpp"  // AirCheckFormat
#include "player/speech/normalize_vi.hpp"  // SpeechDictionary
#include "scheduler/diagnostics.hpp"
#include "scheduler/model.hpp"
#include "scheduler/timecode.hpp"

namespace onair {

struct ControlConfig {
  std::string listen = "127.0.0.1:8640";  // as written
  std::string host = "127.0.0.1";         // numeric IPv4/IPv6 (no brackets) or "localhost"
  std::uint16_t port = 8640;
  bool loopback = true;                   // host is 127.0.0.0/8, ::1 or localhost
  std::string token;                      // empty = none (allowed only on loopback)
};

enum class SilenceAction { fill, alarm, off };

struct SilenceConfig {
  double threshold_db = -50.0;                     // dBFS; quieter than this counts as silent
  Duration after = std::chrono::seconds(10);       // silent this long → alarm (and action)
  SilenceAction action = SilenceAction::fill;      // fill: alarm + switch to fill/fallback
};

struct AlarmConfig {
  std::vector<std::string> command;                      // empty = no command; argv, no shell
  Duration min_interval = std::chrono::seconds(300);     // per kind, between command runs
  Duration timeout = std::chrono::seconds(10);           // the command is killed after this
  std::uint64_t disk_min_free_bytes = 1024ull * 1024 * 1024;  // 0 = no disk check
  Duration disk_check_interval = std::chrono::seconds(60);
  Duration stream_down_after = std::chrono::seconds(30);  // a stream output without its server this long
};


struct AirCheckConfig {
  std::filesystem::path dir;                 // one file per hour
  AirCheckFormat format = AirCheckFormat::mp3;
  int bitrate_kbps = 128;                    // default 128 for mp3, 64 for opus
  int retention_days = 31;                   // older files are deleted; 0 = keep forever
};

// `speech:` and `tts:` (docs/speech.md): where say: items are rendered and by what.
struct SpeechConfig {
  std::filesystem::path cache_dir;                 // default ./cache/speech
  std::optional<std::filesystem::path> dictionary; // the station's abbreviations (YAML)
  SpeechDictionary words;                          // loaded from `dictionary` when the config is read
  std::vector<std::string> tts_command;            // `tts: { command: [...] }`; empty = espeak-ng
  Duration tts_timeout = std::chrono::seconds(60);
};

struct StationConfig {
  std::filesystem::path file;                // the config file, absolute
  std::filesystem::path base_dir;            // its folder: relative paths start here

  std::string output = "default";            // default | pa:NAME | wav:ABSPATH | null (the first of `outputs`)
  std::vector<std::string> outputs;          // `outputs:`, also icecast://, listen://; empty: `output` alone
  std::filesystem::path media_root;          // default ./media (must exist)
  std::vector<std::filesystem::path> extra_media_roots;  // symlink targets allowed besides media_root
  std::filesystem::path schedules;           // default ./schedules (must exist)
  std::string timezone;                      // IANA name; empty = the machine's zone
  std::filesystem::path asrun_dir;           // default ./asrun; YYYY-MM-DD.jsonl per day
  std::filesystem::path log_dir;             // default ./log; rotating onair.log
  std::string log_level = "info";            // trace | debug | info | warn | error | critical | off
  ControlConfig control;
  Duration next_day_check = std::chrono::hours(20);  // time of day tomorrow is loaded and checked
  SilenceConfig silence;
  AlarmConfig alarms;
  std::optional<AirCheckConfig> aircheck;    // nullopt = no air-check recording
  std::optional<LoudnessSpec> loudness;      // every day's default `loudness:` (docs/loudness.md)
  SpeechConfig speech;

  // Every output, the master first: `outputs`, or `output` alone.
  std::vector<std::string> output_list() const { return outputs.empty() ? std::vector<std::string>{output} : outputs; }

  // Derived paths.
  std::filesystem::path templates_dir() const { return schedules / "templates"; }
  std::filesystem::path log_file() const { return log_dir / "onair.log"; }
};

// Loads and checks the file. On any error, the diagnostics say what and where, and the
// result is nullopt (the command then exits 2). Warnings do not prevent a result.
std::optional<StationConfig> load_station_config(const std::filesystem::path& path, Diagnostics& diags);

// Parses a control `listen` value "HOST:PORT" ("127.0.0.1:8640", "[::1]:8640",
// "localhost:8640", "0.0.0.0:8640"). Returns false with a reason.
bool parse_listen_address(const std::string& text, ControlConfig& out, std::string& error);

std::string to_string(SilenceAction a);

}  // namespace onair
