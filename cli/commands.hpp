#pragma once
// The subcommands. Each returns the process exit code.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace onair {

struct CommonOptions {
  std::optional<std::filesystem::path> media_root;
  std::vector<std::filesystem::path> extra_media_roots;  // --extra-media-root, repeatable
  std::optional<std::filesystem::path> probe_cache;  // empty: default location
  bool no_probe_cache = false;
  std::optional<std::filesystem::path> speech_cache;       // rendered `say:` items; default: cache dir/speech
  std::optional<std::filesystem::path> speech_dictionary;  // the station's abbreviations (YAML)
};

struct SayArgs {
  std::string text;                            // "-": standard input
  std::optional<std::filesystem::path> file;   // --file: UTF-8 text
  std::string voice = "vi";
  int rate = 160;
  int pitch = 50;
  std::string variant;
  std::optional<std::filesystem::path> out;    // --out FILE.wav
  bool print_text = false;
};

struct RenderArgs {
  std::string schedule;
  std::string from, to;
  std::string out;
  std::optional<std::filesystem::path> asrun;
  // Rehearsal: "LEVEL:FILE@TIME[,repeat=N][,tone]" (LEVEL emergency | priority).
  std::vector<std::string> inject;
};

struct PlayArgs {
  std::string schedule;
  std::vector<std::string> output{"default"};  // the first that is not a stream is the clock master
  std::optional<std::filesystem::path> asrun;
  std::optional<std::string> from;  // rehearse: play as if the wall clock said this time
};

int cmd_check(const std::vector<std::string>& schedules, const CommonOptions& common);
int cmd_plan(const std::string& schedule, bool json, const CommonOptions& common);
int cmd_render(const RenderArgs& args, const CommonOptions& common);
int cmd_play(const PlayArgs& args, const CommonOptions& common);
int cmd_devices();
int cmd_say(const SayArgs& args, const CommonOptions& common);
int cmd_report(const std::string& asrun_path, bool csv);
int cmd_run(const std::string& config_file, const std::optional<std::string>& log_level);

}  // namespace onair
