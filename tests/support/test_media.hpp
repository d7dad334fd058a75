#pragma once
// Helpers for tests: scratch folders and media generated with the ffmpeg command,
// so no binary media is committed.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace onair::test {

// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command; returns its exit status.
int run(const std::string& command);

// Runs a command and captures stdout (and stderr when merge_stderr).
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult capture(const std::string& command, bool merge_stderr = true);

// Generates a sine tone with ffmpeg. `extra` is added before the output path
// (e.g. "-c:a libmp3lame -b:a 128k" or "-ar 8000 -ac 1"). Throws on failure.
void make_tone(const std::filesystem::path& out, double freq_hz, double seconds,
               const std::string& extra = "");

// Writes text to a file, creating folders.
void write_file(const std::filesystem::path& file, const std::string& text);

// The JSON objects of a JSON-lines file (an as-run log), skipping lines that do not parse.
std::vector<nlohmann::json> read_json_lines(const std::filesystem::path& file);

// Waits (at most 30 s: sanitizer builds start slowly) until `file` holds `lines` complete
// lines, so a test never depends on how long a process takes to start. False on time-out.
bool wait_for_lines(const std::filesystem::path& file, std::size_t lines);

// Quotes a path for the shell.
std::string shell_quote(const std::string& s);

}  // namespace onair::test
