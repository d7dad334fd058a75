// Soak: a simulated week (or any span) of the station daemon on a virtual clock, running
// free into a null output, with the process's memory sampled at fixed simulated times.
// Resident memory must stay flat and the as-run must hold every scheduled item, aired in
// full and on time. Used by bench/soak_week.sh (the week) and by ctest (a few hours).
// The rule and figures are described in docs/benchmarks.md.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "station/logging.hpp"
#include "station/station.hpp"
#include "player/output/null.hpp"
#include "soak/asrun_check.hpp"
#include "soak/memory_probe.hpp"
#include "soak/soak_media.hpp"
#include "soak/soak_schedule.hpp"

using namespace onair;
using namespace onair::soak;
namespace fs = std::filesystem;

namespace {

constexpr int kRate = 48000;
constexpr FrameCount kHour = FrameCount{kRate} * 3600;
constexpr FrameCount kDay = kHour * 24;
const std::string kZone = "Asia/Ho_Chi_Minh";

struct Options {
  double days = 7, hours = 0;
  int files = 300;
  double sample_minutes = 10;
  double warmup_hours = 0;  // 0: a day for runs of two days or more, else an hour
  std::string work, log_level = "warn";
  bool keep = false;
  FlatnessRule rule;
  int leak_kb_per_hour = 0;  // self-test of the rule: leak on purpose
};

std::string mb(double v) { return fmt::format("{:.1f} MB", v); }

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Soak: days of station playout on a virtual clock, memory sampled throughout"};
  app.add_option("--days", o.days, "simulated days (default 7)");
  app.add_option("--hours", o.hours, "simulated hours instead of days");
  app.add_option("--files", o.files, "distinct media files to generate (default 300)");
  app.add_option("--sample-minutes", o.sample_minutes, "simulated minutes between memory samples (default 10)");
  app.add_option("--warmup-hours", o.warmup_hours, "simulated hours before memory must stay flat (default 24, or 1 under two days)");
  app.add_option("--max-growth-mb", o.rule.max_growth_mb, "RSS growth allowed after the warm-up (default 4)");
  app.add_option("--max-slope-mb-per-day", o.rule.max_slope_mb_per_day, "RSS trend allowed (default 1 MB/day)");
  app.add_option("--leak-kb-per-hour", o.leak_kb_per_hour, "leak on purpose (tests that the rule catches it)");
  app.add_option("--work", o.work, "work folder (default: a new temp folder, removed after)");
  app.add_flag("--keep", o.keep, "keep the work folder");
  app.add_option("--log-level", o.log_level, "station log level (default warn)");
  CLI11_PARSE(app, argc, argv);
  std::string error;
  if (!setup_logging({o.log_level, std::nullopt}, error)) return fmt::print(stderr, "{}\n", error), 2;
  if (o.files < 20) return fmt::print(stderr, "--files must be at least 20\n"), 2;

  const double hours = o.hours > 0 ? o.hours : o.days * 24;
  const auto total = static_cast<FrameCount>(hours * static_cast<double>(kHour));
  const auto period = std::max<FrameCount>(kRate, static_cast<FrameCount>(o.sample_minutes * 60 * kRate));
  // Warm-up: the first day of a multi-day run (every code path and day rollover seen once),
  // else the first hour.
  const FrameCount warmup = o.warmup_hours > 0 ? static_cast<FrameCount>(o.warmup_hours * static_cast<double>(kHour))
                           : total >= 2 * kDay ? kDay : kHour;
  const fs::path work = o.work.empty() ? fs::temp_directory_path() / fmt::format("onair-soak-{}", ::getpid()) : fs::path(o.work);
  fs::remove_all(work);
  fs::create_directories(work / "schedules/templates");
  fs::create_directories(work / "log");

  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const Library lib = make_library(work / "media", o.files, 20111126);
  const auto first = date::year(2011) / 11 / 26;
  std::vector<ExpectedDay> days;
  for (int d = 0; d <= static_cast<int>(total / kDay) + 1; ++d)  // + tomorrow's, checked at 20:00
    days.push_back(write_day(work / "schedules", date::year_month_day(date::sys_days(first) + date::days(d)), d, lib));
  const double setup_s = elapsed();
  fmt::print("soak: {} files ({} jingles, {} items, {} fill) and {} day schedules made in {:.1f} s; "
             "running {:.1f} simulated hours\n", lib.size(), lib.jingles.size(), lib.items.size(), lib.fill.size(),
             days.size(), setup_s, hours);
  std::fflush(stdout);

  std::vector<MemorySample> samples;
  std::vector<std::unique_ptr<char[]>> leaked;
  const auto run_start = std::chrono::steady_clock::now();
  auto sample = [&](FrameCount at) {
    if (o.leak_kb_per_hour > 0 && at > 0) {
      const auto bytes = static_cast<std::size_t>(o.leak_kb_per_hour) * 1024 * static_cast<std::size_t>(period) / kHour;
      leaked.push_back(std::make_unique<char[]>(bytes));
      std::fill_n(leaked.back().get(), bytes, 1);  // touched, so resident
    }
    samples.push_back(read_memory(at));
    if (at > 0 && at % kDay == 0) {
      const double real = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
      const auto& s = samples.back();
      fmt::print("  day {}: RSS {}, anon {}, {} open files, {:.0f} s so far ({:.0f}× real time)\n", at / kDay,
                 mb(s.rss_mb), mb(s.anon_mb), s.open_fds, real, static_cast<double>(at) / kRate / real);
      std::fflush(stdout);
    }
  };

  StationConfig c;
  c.file = work / "onair.yaml";
  c.base_dir = work;
  c.output = "null";
  c.media_root = work / "media";
  c.schedules = work / "schedules";
  c.timezone = kZone;
  c.asrun_dir = work / "asrun";
  c.log_dir = work / "log";
  c.alarms.disk_min_free_bytes = 0;
  StationHooks hooks;
  hooks.output = std::make_unique<SamplingOutput>(std::make_unique<NullOutput>(), period, sample);
  hooks.virtual_start = LocalDay(kZone, first).midnight();
  hooks.run_frames = total;
  hooks.monitor_period = std::chrono::milliseconds(50);
  int code = 0;
  std::string alarms;
  {
    Station station(c, std::move(hooks));
    code = station.run({});
    alarms = station.alarms().active().dump();
  }
  const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();

  const Flatness f = judge(samples, std::min(kHour, warmup), warmup, kDay, o.rule);
  const TimePoint end = LocalDay(kZone, first).midnight() + std::chrono::microseconds(total * 1000000 / kRate);
  const AsRunSummary asrun = check_asrun(c.asrun_dir, days, kZone, end);
  const bool alarms_ok = alarms == "[]" || alarms == "{}" || alarms == "null";

  fmt::print("{:.1f} simulated hours in {:.1f} s ({:.0f}× real time); {} as-run records: {} programme items, {} fill, "
             "{} silence, {} interrupted at the stop\n", hours, run_s, hours * 3600 / run_s, asrun.records,
             asrun.programme_items, asrun.fill, asrun.silence, asrun.interrupted);
  fmt::print("  RSS: start ({:.1f} h) {}, after the warm-up ({:.1f} h) {}, peak {} (at {:.1f} h), end {}\n",
             static_cast<double>(f.start.at) / kHour, mb(f.start.rss_mb), static_cast<double>(f.warm.at) / kHour, mb(f.warm.rss_mb), mb(f.peak.rss_mb), static_cast<double>(f.peak.at) / kHour,
             mb(f.end.rss_mb));
  fmt::print("  growth after the warm-up {:+.2f} MB (anon {:+.2f} MB), trend {:+.2f} MB/day{}; open files {} -> {}\n",
             f.growth_mb, f.anon_growth_mb, f.slope_mb_per_day, f.slope_judged ? "" : " (too short to judge)",
             f.warm.open_fds, f.end.open_fds);
  fmt::print("  rule: growth <= {} MB{}, open files +{} at most\n", o.rule.max_growth_mb,
             f.slope_judged ? fmt::format(" and trend <= {} MB/day", o.rule.max_slope_mb_per_day) : "",
             o.rule.max_fd_growth);
  fmt::print("RESULT soak hours={:.1f} wall_s={:.1f} speed_x={:.0f} rss_start_mb={:.1f} rss_warm_mb={:.1f} "
             "rss_peak_mb={:.1f} rss_end_mb={:.1f} growth_mb={:.2f} slope_mb_per_day={:.2f} records={} items={} "
             "flat={} asrun_ok={}\n", hours, run_s, hours * 3600 / run_s, f.start.rss_mb, f.warm.rss_mb,
             f.peak.rss_mb, f.end.rss_mb, f.growth_mb, f.slope_mb_per_day, asrun.records, asrun.programme_items,
             f.flat ? "yes" : "no", asrun.problems.empty() ? "yes" : "no");
  int status = 0;
  if (code != 0) fmt::print("FAIL: the station exited with {}\n", code), status = 1;
  if (!f.flat) fmt::print("FAIL: memory is not flat: {}\n", f.why), status = 1;
  for (const auto& p : asrun.problems) fmt::print("FAIL: as-run: {}\n", p), status = 1;
  if (asrun.programme_items == 0) fmt::print("FAIL: as-run: no programme item aired\n"), status = 1;
  if (!alarms_ok) fmt::print("FAIL: alarms raised: {}\n", alarms), status = 1;
  if (status == 0) fmt::print("PASS\n");
  if (!o.keep && o.work.empty()) fs::remove_all(work);
  else fmt::print("work folder kept: {}\n", work.string());
  return status;
}
