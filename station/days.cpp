#include "station/days.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "station/day_files.hpp"
#include "station/day_pipeline.hpp"
#include "station/logging.hpp"
#include "scheduler/day_window.hpp"
#include "scheduler/media_paths.hpp"
#include "scheduler/yaml_file.hpp"

namespace onair {

namespace fs = std::filesystem;

namespace {

// Never opens a FIFO or device for reading (it could block the caller forever); what cannot
// be read fingerprints as its error, so a fix to the file still counts as a change.
std::string read_all(const fs::path& file) {
  FileReadError error;
  auto text = read_regular_file(file, 64u * 1024 * 1024, error);
  return text ? std::move(*text) : "\x01unreadable: " + error.message;
}

std::string first_errors(const Diagnostics& diags, std::size_t max = 3) {
  std::string out;
  std::size_t n = 0;
  for (const auto& d : diags.items()) {
    if (d.severity != Severity::error) continue;
    if (n++ == max) {
      out += fmt::format(" (+{} more)", diags.error_count() - max);
      break;
    }
    out += (out.empty() ? "" : " | ") + d.format();
  }
  return out;
}

// A programme's content in one line, to tell whether an edit changed it.
std::string describe(const Program& p) {
  std::string s = fmt::format("{}@{}{}", p.id, format_time_of_day(p.at), p.start == StartMode::soft ? " soft" : "");
  if (p.end) s += " end " + format_time_of_day(*p.end);
  for (const auto& i : p.items)
    s += fmt::format(" [{} {} {} {} {}]", i.source, i.title, i.cue_in ? i.cue_in->count() : -1,
                     i.cue_out ? i.cue_out->count() : -1, i.duration ? i.duration->count() : -1);
  return s;
}

SpeechCacheOptions speech_options(const StationConfig& c) {
  SpeechCacheOptions o;
  o.dir = c.speech.cache_dir;
  o.dictionary = c.speech.words;
  if (!c.speech.tts_command.empty())
    o.external = ExternalTts{c.speech.tts_command,
                             std::chrono::duration_cast<std::chrono::milliseconds>(c.speech.tts_timeout)};
  return o;
}

}  // namespace

StationDays::StationDays(const StationConfig& config, MediaProber& prober, Alarms& alarms)
    : config_(config), prober_(prober), speech_(speech_options(config)), alarms_(alarms) {}

std::size_t StationDays::fingerprint(const fs::path& file, const Schedule* schedule) const {
  std::string all = file.string() + "\n" + read_all(file);
  if (schedule)
    for (const auto& t : schedule->templates) {
      all += '\n';  // appended apart: GCC 12 -O3 warns falsely (-Wrestrict) on "\n" + string&&
      all += read_all(t);
    }
  // A say_file: text edited in place changes what the day airs.
  if (schedule)
    for (const auto& p : schedule->programs)
      for (const auto& i : p.items)
        if (i.speech && !i.speech->text_file.empty()) {
          const ResolvedPath r = resolve_media_path(schedule->media_root, i.speech->text_file);
          all += '\n';
          all += r.error.empty() ? read_all(r.path) : r.error;
        }
  return std::hash<std::string>{}(all);
}

std::optional<StationDays::Loaded> StationDays::load(date::year_month_day day, Diagnostics& diags,
                                                     std::string& origin) {
  const auto found = find_day_schedule(config_.schedules, day);
  if (!found) return std::nullopt;
  origin = found->origin;
  LoadOptions options;
  options.media_root = config_.media_root;
  options.loudness = config_.loudness;
  options.date = day;
  options.speech = &speech_;
  auto loaded = load_day(found->file, options, prober_, diags);
  if (!loaded || !loaded->day) return std::nullopt;
  if (config_.timezone.size() && loaded->schedule.timezone.empty()) loaded->schedule.timezone = config_.timezone;
  Loaded l;
  l.fingerprint = fingerprint(found->file, &loaded->schedule);
  l.file = found->file;
  l.day = BroadcastDay{std::move(loaded->schedule), std::move(loaded->media)};
  return l;
}

DayCheck StationDays::check_day(date::year_month_day day) {
  DayCheck check;
  const auto found = find_day_schedule(config_.schedules, day);
  if (!found) {
    check.missing = true;
    return check;
  }
  check.file = found->file;
  check.origin = found->origin;
  Diagnostics diags;
  std::string origin;
  auto loaded = load(day, diags, origin);
  check.errors = first_errors(diags);
  if (loaded) {
    check.programs = loaded->day.schedule.programs.size();
    if (!diags.has_errors()) {
      std::lock_guard lock(mutex_);
      days_[iso_date(day)] = std::move(*loaded);
    }
  }
  return check;
}

std::shared_ptr<const Timeline> StationDays::window(date::year_month_day today) {
  auto log = logger("station");
  // A day from the cache, else loaded (and kept); the alarms are raised here, the choice of
  // days is window_days's.
  auto cached_or_load = [&](date::year_month_day day) -> std::optional<BroadcastDay> {
    const std::string key = iso_date(day);
    {
      std::lock_guard lock(mutex_);
      if (auto it = days_.find(key); it != days_.end()) return it->second.day;
    }
    Diagnostics diags;
    std::string origin;
    auto loaded = load(day, diags, origin);
    if (!loaded) {
      if (day == today) alarms_.raise(AlarmKind::schedule_not_ready, "no schedule for today " + key);
      return std::nullopt;
    }
    if (diags.has_errors()) {
      alarms_.raise(AlarmKind::schedule_invalid, fmt::format("{} ({}) has errors; airing what is valid: {}", key,
                                                             origin, first_errors(diags)));
    }
    log->info("{}: {} programmes from {}", key, loaded->day.schedule.programs.size(), origin);
    std::lock_guard lock(mutex_);
    return days_.emplace(key, std::move(*loaded)).first->second.day;
  };
  auto days = window_days(today, kStationDayWindow, cached_or_load).days;
  // Forget days that left the window.
  {
    std::lock_guard lock(mutex_);
    const auto oldest =
        iso_date(date::year_month_day(date::sys_days(today) - date::days(kStationDayWindow.before)));
    std::erase_if(days_, [&](const auto& kv) { return kv.first < oldest; });
  }
  if (days.empty()) return nullptr;
  return std::make_shared<const Timeline>(std::move(days));
}

void StationDays::reload() {
  auto log = logger("station");
  std::vector<std::string> keys;
  {
    std::lock_guard lock(mutex_);
    for (const auto& kv : days_) keys.push_back(kv.first);
  }
  bool all_ok = true;
  for (const auto& key : keys) {
    const auto ymd = date::year_month_day(date::sys_days(date::year(std::stoi(key.substr(0, 4))) /
                                                         static_cast<unsigned>(std::stoi(key.substr(5, 2))) /
                                                         static_cast<unsigned>(std::stoi(key.substr(8, 2)))));
    const auto found = find_day_schedule(config_.schedules, ymd);
    Loaded* current = nullptr;
    {
      std::lock_guard lock(mutex_);
      current = &days_.at(key);
      if (found && found->file == current->file &&
          fingerprint(found->file, &current->day.schedule) == current->fingerprint)
        continue;  // unchanged
    }
    Diagnostics diags;
    std::string origin;
    auto loaded = load(ymd, diags, origin);
    if (!loaded || diags.has_errors()) {
      all_ok = false;
      const std::string why = loaded ? first_errors(diags) : (found ? first_errors(diags) : "the schedule file is gone");
      log->error("{}: the edited schedule is not valid; the previous version stays on air: {}", key, why);
      alarms_.raise(AlarmKind::schedule_invalid, fmt::format("edit of {} rejected: {}", key, why));
      continue;
    }
    std::lock_guard lock(mutex_);
    log_changes(days_.at(key).day.schedule, loaded->day.schedule);
    days_[key] = std::move(*loaded);
  }
  if (all_ok) alarms_.clear(AlarmKind::schedule_invalid);
}

void StationDays::log_changes(const Schedule& before, const Schedule& after) const {
  auto log = logger("station");
  const std::string day = iso_date(after.date);
  std::map<std::string, std::string> old_programs, new_programs;
  for (const auto& p : before.programs) old_programs[p.id] = describe(p);
  for (const auto& p : after.programs) new_programs[p.id] = describe(p);
  std::size_t changes = 0;
  for (const auto& [id, text] : new_programs) {
    auto it = old_programs.find(id);
    if (it == old_programs.end()) log->info("{}: programme '{}' added", day, id), ++changes;
    else if (it->second != text) log->info("{}: programme '{}' changed", day, id), ++changes;
  }
  for (const auto& [id, text] : old_programs)
    if (!new_programs.count(id)) log->info("{}: programme '{}' removed", day, id), ++changes;
  if (changes == 0) log->info("{}: schedule re-read, no programme changed", day);
}

}  // namespace onair
