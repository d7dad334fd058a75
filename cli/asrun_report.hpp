#pragma once
// `onair report`: the station manager's view of the as-run log (DESIGN.md, "As-run record
// contract"; format in docs/asrun.md). Reading never trusts the file: a crash can leave a
// torn last line, and the log is the legal record, so we report what is there and say
// what could not be read rather than refuse the whole file.
#include <cstddef>
#include <istream>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onair {

// One row of the report: an ended item's record, or a start line that never got one.
struct AsRunEntry {
  std::size_t line = 0;   // 1-based line in the log, to find it again
  bool in_flight = false; // start line with no record: on air when the log stopped
  std::string day, program;
  long long item = 0;     // index in programme, as written
  std::string title, source;
  std::string scheduled, started, ended;  // ISO-8601 as written; "" when null/absent
  std::optional<long long> offset_ms;     // started − scheduled
  std::optional<double> planned_s, played_s;  // played_s is null for `interrupted`
  std::string status, detail;             // status "" for in-flight entries
  std::optional<double> lufs, true_peak_db;   // measured on the output (absent: not measured or silence)
};

struct AsRunData {
  std::vector<AsRunEntry> entries;     // file order; in-flight starts at their start line
  // Torn or invalid lines (1-based). A record glued onto a torn prefix is still read.
  std::vector<std::size_t> bad_lines;
  // Lines the writer had to drop (its backlog overflowed while the file could not be
  // written), as its `{"event":"lost"}` lines say.
  std::size_t lost_lines = 0;
};

// Parses JSON lines. Never throws for bad content: unreadable lines land in bad_lines.
AsRunData parse_asrun(std::istream& in);

// Per broadcast day figures (definitions in docs/asrun.md).
struct AsRunDayTotals {
  std::string day;
  std::size_t records = 0;  // ended-item records (in-flight entries not included)
  std::size_t aired = 0;    // played + cut + joined + interrupted
  std::size_t played = 0, cut = 0, skipped = 0, failed = 0, joined = 0, interrupted = 0;
  std::size_t fill = 0, silence = 0, in_flight = 0, unknown_status = 0;
  double planned_s = 0;     // sum of planned_s, in-flight entries included
  double fill_s = 0, silence_s = 0;
  double aired_s = 0;       // every known played_s except silence
  std::size_t offset_count = 0;                 // played/cut items with an offset
  std::optional<long long> largest_offset_ms;   // signed value of the largest |offset|
  std::optional<std::size_t> largest_offset_entry;  // index into AsRunData::entries
  std::optional<double> mean_offset_ms;
  std::vector<std::size_t> failures;  // indices into AsRunData::entries (status failed)
  // Loudness on air: items with a measurement, weighted by what aired of them (the energy
  // mean: 10·log10(Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ)); the highest true peak.
  double loudness_energy_s = 0, loudness_s = 0;
  std::optional<double> lufs() const {
    if (loudness_s <= 0 || loudness_energy_s <= 0) return std::nullopt;
    return 10.0 * std::log10(loudness_energy_s / loudness_s);
  }
  std::optional<double> true_peak_db;
};

// Days in order of first appearance in the log.
std::vector<AsRunDayTotals> asrun_day_totals(const AsRunData& data);

// The human report; `log_name` is shown in the heading.
std::string asrun_report_text(const AsRunData& data, std::string_view log_name = {});

// RFC 4180 CSV (CRLF line ends, header row), one row per entry with every contract field.
std::string asrun_report_csv(const AsRunData& data);
// One CSV field, quoted only when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view value);

// The `onair report` command (also declared in cli/commands.hpp): prints to stdout;
// exit 1 with a one-line error on stderr when the file can't be read, else 0.
int cmd_report(const std::string& asrun_path, bool csv);

}  // namespace onair
