#include "cli/asrun_report.hpp"
#include "player/asrun/status.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <deque>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <utility>

#include "scheduler/timecode.hpp"

namespace onair {
namespace {

// Reads fields leniently but notices wrong types: a record whose `status` is a number is
// damage, not data, and must be counted as unreadable rather than shown half-empty.
struct FieldReader {
  const nlohmann::json& j;
  bool ok = true;

  const nlohmann::json* find(const char* key) const {
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  }
  std::string text(const char* key) {
    const auto* v = find(key);
    if (v && !v->is_string()) ok = false;
    return v && v->is_string() ? v->get<std::string>() : std::string{};
  }
  std::optional<double> number(const char* key) {
    const auto* v = find(key);
    if (v && !v->is_number()) ok = false;
    return v && v->is_number() ? std::optional<double>(v->get<double>()) : std::nullopt;
  }
  std::optional<long long> integer(const char* key) {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_number_integer()) return v->get<long long>();
    if (auto d = number(key); d && std::fabs(*d) < 9e15) return std::llround(*d);
    ok = false;
    return std::nullopt;
  }
};

// Same identity as AsRunLog's recovery (player/asrun/log.cpp), so a start line pairs with
// its record — including the `interrupted` record that recovery writes for it.
std::string key_of(const AsRunEntry& e) {
  return e.day + "|" + e.program + "|" + std::to_string(e.item) + "|" + e.source + "|" + e.started;
}

bool is_on_time_status(std::optional<AsRunStatus> s) { return s == AsRunStatus::played || s == AsRunStatus::cut; }

// Adds one entry to a set of totals (used for programmes and days alike).
void add(AsRunDayTotals& t, double& offset_sum, const AsRunEntry& e, std::size_t index) {
  t.planned_s += e.planned_s.value_or(0.0);
  if (e.in_flight) {
    ++t.in_flight;
    return;
  }
  ++t.records;
  const std::optional<AsRunStatus> s = parse_asrun_status(e.status);
  const double played = e.played_s.value_or(0.0);
  if (e.lufs && played > 0) {
    t.loudness_energy_s += played * std::pow(10.0, *e.lufs / 10.0);
    t.loudness_s += played;
  }
  if (e.true_peak_db) t.true_peak_db = std::max(t.true_peak_db.value_or(-HUGE_VAL), *e.true_peak_db);
  if (!s) {
    ++t.unknown_status;
  } else {
    switch (*s) {
      case AsRunStatus::played: ++t.played; break;
      case AsRunStatus::cut: ++t.cut; break;
      case AsRunStatus::joined: ++t.joined; break;
      case AsRunStatus::interrupted: ++t.interrupted; break;
      case AsRunStatus::skipped: ++t.skipped; break;
      case AsRunStatus::failed:
        ++t.failed;
        t.failures.push_back(index);
        break;
      case AsRunStatus::fill:
        ++t.fill;
        t.fill_s += played;
        break;
      case AsRunStatus::silence:
        ++t.silence;
        t.silence_s += played;
        break;
    }
  }
  if (s == AsRunStatus::played || s == AsRunStatus::cut || s == AsRunStatus::joined || s == AsRunStatus::interrupted)
    ++t.aired;
  if (s != AsRunStatus::silence) t.aired_s += played;
  // Joined items start late on purpose (mid-item after a restart); only items that were
  // meant to start on the dot say anything about timing accuracy.
  if (is_on_time_status(s) && e.offset_ms) {
    ++t.offset_count;
    offset_sum += static_cast<double>(*e.offset_ms);
    if (!t.largest_offset_ms || std::llabs(*e.offset_ms) > std::llabs(*t.largest_offset_ms)) {
      t.largest_offset_ms = e.offset_ms;
      t.largest_offset_entry = index;
    }
  }
}

std::optional<std::chrono::sys_days> parse_date(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t n) {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

// "HH:MM:SS.mmm" of an ISO time, "+N" when it falls N days after the broadcast day.
std::string clock_of(const std::string& iso, const std::string& day) {
  if (iso.empty()) return "?";
  if (iso.size() < 23 || iso[10] != 'T') return iso;  // not ours: show it as written
  std::string out = iso.substr(11, 12);
  const auto at = parse_date(iso), base = parse_date(day);
  if (at && base && *at != *base) out += fmt::format("{:+}", (*at - *base).count());
  return out;
}

std::string seconds_text(std::optional<double> s) {
  if (!s) return "?";
  // Beyond ~100 days a Duration conversion could overflow; such values are damage anyway.
  if (!(std::fabs(*s) < 1e7)) return fmt::format("{:g} s", *s);
  return format_duration(Duration{std::llround(*s * 1e6)});
}

std::string offset_text(std::optional<long long> ms) {
  if (!ms) return "?";
  return *ms ? fmt::format("{:+} ms", *ms) : "0 ms";
}

std::string item_text(const AsRunEntry& e) {
  std::string out = fmt::format("{} #{}", e.program.empty() ? "(between)" : e.program, e.item);
  if (!e.title.empty()) out += " \"" + e.title + "\"";
  if (!e.source.empty()) out += "  ← " + e.source;
  return out;
}

std::string status_counts(const AsRunDayTotals& t) {
  std::string out;
  auto part = [&](std::size_t n, const char* name) {
    if (n) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, name);
  };
  const std::pair<std::size_t, const char*> parts[] = {
      {t.played, "played"}, {t.cut, "cut"},         {t.joined, "joined"},   {t.interrupted, "interrupted"},
      {t.skipped, "skipped"}, {t.failed, "failed"}, {t.fill, "fill"},       {t.silence, "silence"},
      {t.unknown_status, "unknown status"},        {t.in_flight, "in flight"}};
  for (const auto& [n, name] : parts) part(n, name);
  return out;
}

// "  · −16.2 LUFS, −1.3 dBTP" when the record has them.
std::string loudness_text(std::optional<double> lufs, std::optional<double> true_peak) {
  std::string out;
  if (lufs) out += fmt::format("{:.1f} LUFS", *lufs);
  if (true_peak) out += fmt::format("{}{:.1f} dBTP", out.empty() ? "" : ", ", *true_peak);
  return out;
}

std::string row_text(const AsRunEntry& e) {
  const std::string status = e.in_flight ? "IN FLIGHT" : e.status;
  std::string detail = e.in_flight ? "in flight / no end recorded" : e.detail;
  return fmt::format("{:<15} {:<15} {:>10}  {:>11}  {:>11}  {:<12} {}{}\n", clock_of(e.scheduled, e.day),
                     clock_of(e.started, e.day), offset_text(e.offset_ms), seconds_text(e.planned_s),
                     e.in_flight ? std::string("?") : seconds_text(e.played_s), status, item_text(e),
                     (detail.empty() ? "" : "  · " + detail) +
                         (e.lufs || e.true_peak_db ? "  · " + loudness_text(e.lufs, e.true_peak_db) : ""));
}

std::string day_summary(const AsRunData& data, const AsRunDayTotals& t) {
  std::string out = fmt::format("\nTotals for {}\n", t.day);
  out += fmt::format("  items aired      {}", t.aired);
  if (t.aired) out += fmt::format(" (played {}, cut {}, joined {}, interrupted {})", t.played, t.cut, t.joined,
                                  t.interrupted);
  out += fmt::format("\n  cut              {}\n  skipped          {}\n  failed           {}\n", t.cut, t.skipped,
                     t.failed);
  out += fmt::format("  joined           {}\n  interrupted      {}\n", t.joined, t.interrupted);
  if (t.in_flight) out += fmt::format("  in flight        {} (start recorded, no end recorded)\n", t.in_flight);
  if (t.unknown_status) out += fmt::format("  unknown status   {}\n", t.unknown_status);
  out += fmt::format("  fill time        {} ({} record{})\n", seconds_text(t.fill_s), t.fill, t.fill == 1 ? "" : "s");
  out += fmt::format("  silence time     {} ({} record{})\n", seconds_text(t.silence_s), t.silence,
                     t.silence == 1 ? "" : "s");
  out += fmt::format("  total aired      {} (items and fill, not silence{})\n", seconds_text(t.aired_s),
                     t.interrupted ? "; interrupted items' airtime unknown, not included" : "");
  if (t.lufs() || t.true_peak_db)
    out += fmt::format("  loudness on air  {} (measured items, weighted by airtime)\n", loudness_text(t.lufs(), t.true_peak_db));
  if (t.largest_offset_ms) {
    const AsRunEntry& big = data.entries[*t.largest_offset_entry];
    out += fmt::format("  start offset     largest {} ({}), mean {:+.1f} ms over {} on-time item{}\n",
                       offset_text(t.largest_offset_ms), item_text(big), *t.mean_offset_ms, t.offset_count,
                       t.offset_count == 1 ? "" : "s");
  } else {
    out += "  start offset     no played or cut items\n";
  }
  if (!t.failures.empty()) {
    out += "  failures:\n";
    for (std::size_t i : t.failures) {
      const AsRunEntry& f = data.entries[i];
      out += fmt::format("    {} {}: {}\n", clock_of(f.started.empty() ? f.scheduled : f.started, f.day),
                         item_text(f), f.detail.empty() ? "(no detail recorded)" : f.detail);
    }
  }
  return out;
}

// One line as an entry; nullopt when it is not a readable start line or record.
std::optional<AsRunEntry> parse_line(std::string_view line, bool& is_start) {
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  FieldReader r{j};
  AsRunEntry e;
  const std::string event = r.text("event");
  e.day = r.text("day"), e.program = r.text("program"), e.item = r.integer("item").value_or(0);
  e.title = r.text("title"), e.source = r.text("source");
  e.scheduled = r.text("scheduled"), e.started = r.text("started"), e.ended = r.text("ended");
  e.offset_ms = r.integer("offset_ms"), e.planned_s = r.number("planned_s"), e.played_s = r.number("played_s");
  e.status = r.text("status"), e.detail = r.text("detail");
  e.lufs = r.number("lufs"), e.true_peak_db = r.number("true_peak_db");
  is_start = event == "start";
  if (!r.ok || (!event.empty() && !is_start) || (!is_start && e.status.empty())) return std::nullopt;
  return e;
}

// The writer's note that it dropped lines (docs/asrun.md): how many.
std::optional<std::size_t> lost_count(std::string_view line) {
  if (line.find("\"lost\"") == std::string_view::npos) return std::nullopt;
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("event", "") != "lost") return std::nullopt;
  const auto it = j.find("records");
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::size_t>();
}

// A torn line that the writer did not end (a crash mid-write with nothing left in flight
// triggers no recovery) gets the next record glued onto it. Records are flat objects, so
// `{"` only starts one (inside strings it is escaped): try the first few such positions.
std::optional<AsRunEntry> salvage_glued(std::string_view line, bool& is_start) {
  std::size_t at = 0;
  for (int tries = 0; tries < 8; ++tries) {
    at = line.find("{\"", at + 1);
    if (at == std::string_view::npos) return std::nullopt;
    if (auto e = parse_line(line.substr(at), is_start)) return e;
  }
  return std::nullopt;
}

}  // namespace

AsRunData parse_asrun(std::istream& in) {
  AsRunData out;
  enum Kind : char { record, open_start, closed_start };
  std::vector<Kind> kinds;  // parallel to out.entries while parsing
  std::unordered_map<std::string, std::deque<std::size_t>> open;  // start lines awaiting a record
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (const auto lost = lost_count(line)) {
      out.lost_lines += *lost;
      continue;
    }
    bool is_start = false;
    auto e = parse_line(line, is_start);
    if (!e) {
      out.bad_lines.push_back(n);
      e = salvage_glued(line, is_start);
      if (!e) continue;
    }
    e->line = n;
    const std::string key = key_of(*e);
    if (is_start) {
      open[key].push_back(out.entries.size());
    } else if (auto it = open.find(key); it != open.end() && !it->second.empty()) {
      kinds[it->second.front()] = closed_start;  // ended: the record supersedes the trace
      it->second.pop_front();
    }
    kinds.push_back(is_start ? open_start : record);
    out.entries.push_back(std::move(*e));
  }
  // Start lines that found their record are dropped; the rest were on air when it stopped.
  std::vector<AsRunEntry> kept;
  kept.reserve(out.entries.size());
  for (std::size_t i = 0; i < out.entries.size(); ++i) {
    if (kinds[i] == closed_start) continue;
    out.entries[i].in_flight = kinds[i] == open_start;
    kept.push_back(std::move(out.entries[i]));
  }
  out.entries = std::move(kept);
  return out;
}

std::vector<AsRunDayTotals> asrun_day_totals(const AsRunData& data) {
  std::vector<AsRunDayTotals> days;
  std::vector<double> sums;
  std::unordered_map<std::string, std::size_t> by_day;
  for (std::size_t i = 0; i < data.entries.size(); ++i) {
    const AsRunEntry& e = data.entries[i];
    auto [it, fresh] = by_day.try_emplace(e.day, days.size());
    if (fresh) {
      days.emplace_back().day = e.day;
      sums.push_back(0.0);
    }
    add(days[it->second], sums[it->second], e, i);
  }
  for (std::size_t d = 0; d < days.size(); ++d)
    if (days[d].offset_count) days[d].mean_offset_ms = sums[d] / static_cast<double>(days[d].offset_count);
  return days;
}

std::string asrun_report_text(const AsRunData& data, std::string_view log_name) {
  std::string out = log_name.empty() ? "As-run report\n" : fmt::format("As-run report: {}\n", log_name);
  if (!data.bad_lines.empty()) {
    std::string lines;
    for (std::size_t i = 0; i < data.bad_lines.size() && i < 10; ++i)
      lines += fmt::format("{}{}", i ? ", " : "", data.bad_lines[i]);
    if (data.bad_lines.size() > 10) lines += ", …";
    out += fmt::format("note: {} unreadable line{} skipped (torn or invalid JSON, e.g. after a crash): line{} {}\n",
                       data.bad_lines.size(), data.bad_lines.size() == 1 ? "" : "s",
                       data.bad_lines.size() == 1 ? "" : "s", lines);
  }
  if (data.lost_lines > 0)
    out += fmt::format("note: the log says {} line{} could not be written and were dropped (see the player's log)\n",
                       data.lost_lines, data.lost_lines == 1 ? "" : "s");
  if (data.entries.empty()) return out + "no records\n";
  for (const AsRunDayTotals& day : asrun_day_totals(data)) {
    out += fmt::format("\n══ Broadcast day {} ══\n", day.day.empty() ? "(none recorded)" : day.day);
    out += fmt::format("{:<15} {:<15} {:>10}  {:>11}  {:>11}  {:<12} {}\n", "SCHEDULED", "STARTED", "OFFSET",
                       "PLANNED", "AIRED", "STATUS", "PROGRAMME #ITEM \"TITLE\"  ← SOURCE  · DETAIL");
    // Programmes as they aired: consecutive entries of the same programme form one block.
    const AsRunEntry* prev = nullptr;
    AsRunDayTotals block;
    double unused = 0;
    auto close_block = [&] {
      if (!prev) return;
      const std::string loud = loudness_text(block.lufs(), block.true_peak_db);
      out += fmt::format("  └ {}: planned {}, aired {} ({}){}\n",
                         prev->program.empty() ? "between programmes" : prev->program,
                         seconds_text(block.planned_s), seconds_text(block.aired_s), status_counts(block),
                         loud.empty() ? "" : "; on air " + loud);
    };
    for (std::size_t i = 0; i < data.entries.size(); ++i) {
      const AsRunEntry& e = data.entries[i];
      if (e.day != day.day) continue;
      if (!prev || prev->program != e.program) {
        close_block();
        block = AsRunDayTotals{};
        out += e.program.empty() ? "▷ between programmes\n" : fmt::format("▶ {}\n", e.program);
      }
      add(block, unused, e, i);
      out += row_text(e);
      prev = &e;
    }
    close_block();
    out += day_summary(data, day);
  }
  return out;
}

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string asrun_report_csv(const AsRunData& data) {
  std::string out =
      "day,program,item,title,source,scheduled,started,ended,offset_ms,planned_s,played_s,status,detail,lufs,true_peak_db\r\n";
  auto level = [](std::optional<double> v) { return v ? fmt::format("{:.1f}", *v) : std::string{}; };
  auto num = [](std::optional<double> v) { return v ? fmt::format("{:.3f}", *v) : std::string{}; };
  for (const AsRunEntry& e : data.entries) {
    // In-flight entries are not records, but leaving them out would hide an item that
    // went to air; they get a status no record can have.
    const std::string status = e.in_flight ? "in_flight" : e.status;
    const std::string detail = e.in_flight ? "no end recorded" : e.detail;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\r\n", csv_field(e.day), csv_field(e.program), e.item,
                       csv_field(e.title), csv_field(e.source), csv_field(e.scheduled), csv_field(e.started),
                       csv_field(e.ended), e.offset_ms ? std::to_string(*e.offset_ms) : "", num(e.planned_s),
                       num(e.played_s), csv_field(status), csv_field(detail), level(e.lufs), level(e.true_peak_db));
  }
  return out;
}

}  // namespace onair
