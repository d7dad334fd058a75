#pragma once
// What became of an item, as the as-run log says it (docs/asrun.md). One enum and one
// spelling, shared by the engine that records, the daemon that raises alarms on failures
// and the report that reads the log back.
#include <optional>
#include <string_view>

namespace onair {

enum class AsRunStatus {
  played,       // aired in full
  cut,          // aired, ended before its natural end (a hard start, `end`, the window)
  joined,       // aired from part-way (the player started or resumed inside it)
  skipped,      // never aired: its time was taken
  failed,       // could not air, or stopped airing (media, stream, silence detected)
  fill,         // a filler between programmes
  silence,      // silence between programmes, or a silence item
  interrupted,  // on air when playout stopped (signal, operator, crash)
};

const char* to_string(AsRunStatus status);
// nullopt for a word the log does not use (a log written by something else, or damaged).
std::optional<AsRunStatus> parse_asrun_status(std::string_view text);

}  // namespace onair
