#include "cli/plan_report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "scheduler/loudness.hpp"


namespace onair {
namespace {

const char* status_name(PlanStatus s) {
  switch (s) {
    case PlanStatus::play: return "play";
    case PlanStatus::cut: return "cut";
    case PlanStatus::skipped: return "skipped";
  }
  return "?";
}

const char* kind_name(const Item& item) {
  if (item.speech) return "say";  // rendered or not
  switch (item.kind) {
    case ItemKind::speech: return "say";
    case ItemKind::file: return "file";
    case ItemKind::relay: return "relay";
    case ItemKind::silence: return "silence";
    case ItemKind::tone: return "pips";
    case ItemKind::spoken_time: return "say_time";
  }
  return "?";
}

double seconds(Duration d) { return static_cast<double>(d.count()) / 1e6; }

std::string db(double v, const char* unit) { return std::isfinite(v) ? fmt::format("{:.1f} {}", v, unit) : fmt::format("-inf {}", unit); }

std::string loudness_note(const ItemLoudness& l) {
  switch (l.mode) {
    case ItemLoudness::Mode::off: return {};
    case ItemLoudness::Mode::agc: return fmt::format("  ~ AGC to {:g} LUFS", l.settings.target_lufs);
    case ItemLoudness::Mode::measured: break;
  }
  const LoudnessMeasure& m = *l.measured;
  std::string out = fmt::format("  ~ {}, LRA {:.1f} LU, TP {} → gain {:+.1f} dB", db(m.integrated_lufs, "LUFS"),
                                m.range_lu, db(m.true_peak_dbtp, "dBTP"), l.gain.gain_db);
  if (l.gain.silent) out += " (silence)";
  else if (l.gain.capped_by_max_gain) out += " (max_gain)";
  else if (l.gain.capped_by_ceiling) out += " (ceiling)";
  return out;
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json loudness_json(const ItemLoudness& l) {
  if (l.mode == ItemLoudness::Mode::off) return {{"mode", "off"}, {"gain_db", l.gain.gain_db}};
  nlohmann::json j = {{"mode", l.mode == ItemLoudness::Mode::agc ? "agc" : "measured"},
                      {"target_lufs", l.settings.target_lufs},
                      {"true_peak_ceiling_db", l.settings.true_peak_dbtp},
                      {"max_gain_db", l.settings.max_gain_db},
                      {"gain_db", l.gain.gain_db}};
  if (l.measured) {
    j["lufs"] = number_or_null(l.measured->integrated_lufs);
    j["lra"] = l.measured->range_lu;
    j["true_peak_db"] = number_or_null(l.measured->true_peak_dbtp);
    j["reaches_target"] = l.gain.reaches_target();
    if (l.gain.capped_by_max_gain) j["capped_by"] = "max_gain";
    else if (l.gain.capped_by_ceiling) j["capped_by"] = "true_peak";
    else if (l.gain.silent) j["capped_by"] = "silence";
  }
  return j;
}

std::string cue_notes(const Item& item) {
  std::vector<std::string> notes;
  if (item.cue_in) notes.push_back("in " + format_duration_short(*item.cue_in));
  if (item.cue_out) notes.push_back("out " + format_duration_short(*item.cue_out));
  if (item.fade_in.count()) notes.push_back("fade in " + format_duration_short(item.fade_in));
  if (item.fade_out.count()) notes.push_back("fade out " + format_duration_short(item.fade_out));
  if (item.crossfade.count()) notes.push_back("crossfade " + format_duration_short(item.crossfade));
  if (item.gain_db != 0.0) notes.push_back(fmt::format("gain {:+g} dB", item.gain_db));
  if (!item.fallback.empty()) notes.push_back("fallback " + item.fallback);
  if (notes.empty()) return {};
  return " [" + fmt::format("{}", fmt::join(notes, ", ")) + "]";
}

}  // namespace

std::string plan_text(const LoadedDay& d) {
  const Schedule& s = d.schedule;
  const LocalDay& day = *d.day;
  std::string out;
  if (!s.title.empty()) out += s.title + "\n";
  out += fmt::format("{}{} ({}) · {} · media root {}\n", s.station.empty() ? "" : s.station + " · ",
                     date::format("%F", date::sys_days(s.date)),
                     date::format("%A", date::sys_days(s.date)), day.zone()->name(), s.media_root.string());
  out += fmt::format("\n{:<14}{:<14}{:>11}   {}\n", "START", "END", "LENGTH", "ITEM");
  std::size_t gap = 0;
  for (const auto& pp : d.plan.programs) {
    while (gap < d.plan.gaps.size() && d.plan.gaps[gap].before_program == pp.index) {
      const auto& g = d.plan.gaps[gap++];
      out += fmt::format("{:<14}{:<14}{:>11}   ·· gap: {}\n", day.clock(g.start), day.clock(g.end),
                         format_duration(g.end - g.start), g.filled_with == Between::fill ? "fill" : "silence");
    }
    const Program& p = s.programs[pp.index];
    out += fmt::format("{:<14}{:<14}{:>11}   ▶ {} \"{}\" ({} start at {}", day.clock(pp.start), day.clock(pp.end),
                       format_duration(pp.end - pp.start), p.id, p.title,
                       p.start == StartMode::hard ? "hard" : "soft", format_time_of_day(p.at).substr(0, 8));
    if (p.end) out += ", end " + format_time_of_day(*p.end).substr(0, 8);
    if (pp.late.count()) out += ", " + format_duration_short(pp.late) + " late";
    out += ")\n";
    for (std::size_t i = pp.first_item; i < pp.first_item + pp.item_count; ++i) {
      const PlannedItem& pi = d.plan.items[i];
      const Item& item = p.items[pi.item];
      std::string source = item.kind == ItemKind::silence ? ""
                           : item.tone ? fmt::format("  ← {} pip{} of {:g} Hz at {:g} dBFS", item.tone->beep_count,
                                                     item.tone->beep_count == 1 ? "" : "s", item.tone->frequency_hz,
                                                     item.tone->level_dbfs)
                           : item.kind == ItemKind::spoken_time && item.speech
                               ? "  ← spoken at air (" + item.speech->voice.voice + ")"
                           : item.speech ? "  ← " + std::string(item.generated ? "rendered " : "") +
                                               (item.speech->text_file.empty() ? "speech" : item.speech->text_file) +
                                               " (" + item.speech->voice.voice + ")"
                                         : "  ← " + item.source;
      std::string status;
      if (pi.status != PlanStatus::play) status = "  !! " + pi.note;
      if (pi.unknown_length) status += "  !! length unknown";
      const std::size_t number = p.written_number(pi.item);
      out += fmt::format("{:<14}{:<14}{:>11}     {}. {}{}{}{}{}\n", day.clock(pi.start), day.clock(pi.end),
                         format_duration(pi.end - pi.start), number ? std::to_string(number) : "♪", item.display_title(), source,
                         cue_notes(item), loudness_note(item_loudness(s, d.media, p, item)), status);
    }
  }
  if (!d.plan.programs.empty()) {
    const auto& last = d.plan.programs.back();
    out += fmt::format("{:<14}{:<14}{:>11}   ■ end of the day's schedule\n", day.clock(last.end), "", "");
  }
  return out;
}

nlohmann::json plan_json(const LoadedDay& d) {
  const Schedule& s = d.schedule;
  const LocalDay& day = *d.day;
  nlohmann::json programs = nlohmann::json::array();
  for (const auto& pp : d.plan.programs) {
    const Program& p = s.programs[pp.index];
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = pp.first_item; i < pp.first_item + pp.item_count; ++i) {
      const PlannedItem& pi = d.plan.items[i];
      const Item& item = p.items[pi.item];
      nlohmann::json j = {{"index", pi.item},
                          {"title", item.display_title()},
                          {"kind", kind_name(item)},
                          {"source", item.source},
                          {"start", day.iso(pi.start)},
                          {"end", day.iso(pi.end)},
                          {"planned_s", seconds(pi.end - pi.start)},
                          {"length_s", seconds(pi.length)},
                          {"source_offset_s", seconds(pi.source_offset)},
                          {"status", status_name(pi.status)}};
      if (!pi.note.empty()) j["note"] = pi.note;
      if (pi.unknown_length) j["length_unknown"] = true;
      if (item.speech) {
        const SpeechSpec& sp = *item.speech;
        j["speech"] = {{"voice", sp.voice.voice}, {"rate_wpm", sp.voice.rate_wpm}, {"pitch", sp.voice.pitch},
                       {"variant", sp.voice.variant}, {"rendered", item.generated}};
        if (!sp.text_file.empty()) j["speech"]["text_file"] = sp.text_file;
        else j["speech"]["text"] = sp.text;
      }
      j["loudness"] = loudness_json(item_loudness(s, d.media, p, item));
      items.push_back(std::move(j));
    }
    nlohmann::json jp = {{"id", p.id},
                         {"title", p.title},
                         {"start_mode", p.start == StartMode::hard ? "hard" : "soft"},
                         {"scheduled", day.iso(pp.scheduled)},
                         {"start", day.iso(pp.start)},
                         {"end", day.iso(pp.end)},
                         {"late_s", seconds(pp.late)},
                         {"overrun_s", seconds(pp.overrun)},
                         {"items", std::move(items)}};
    if (!pp.cut_by.empty()) jp["cut_by"] = pp.cut_by;
    if (p.pips)
      jp["pips"] = {{"level_dbfs", p.pips->level_dbfs},
                    {"frequency_hz", p.pips->frequency_hz},
                    {"first_pip", day.iso(pp.onset())}};
    programs.push_back(std::move(jp));
  }
  nlohmann::json gaps = nlohmann::json::array();
  for (const auto& g : d.plan.gaps)
    gaps.push_back({{"start", day.iso(g.start)},
                    {"end", day.iso(g.end)},
                    {"duration_s", seconds(g.end - g.start)},
                    {"filled_with", g.filled_with == Between::fill ? "fill" : "silence"},
                    {"before_program", s.programs[g.before_program].id}});
  return {{"schedule", s.file.string()},
          {"date", date::format("%F", date::sys_days(s.date))},
          {"title", s.title},
          {"station", s.station},
          {"timezone", day.zone()->name()},
          {"media_root", s.media_root.string()},
          {"programs", std::move(programs)},
          {"gaps", std::move(gaps)}};
}

}  // namespace onair
