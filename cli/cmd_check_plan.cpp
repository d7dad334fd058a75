#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "station/day_pipeline.hpp"
#include "station/logging.hpp"
#include "cli/media_probing.hpp"
#include "cli/plan_report.hpp"
#include "cli/speech_setup.hpp"

namespace onair {
namespace {

void print_diagnostics(const Diagnostics& diags, std::ostream& out) {
  for (const auto& d : diags.items()) out << d.format() << "\n";
}

LoadOptions load_options(const CommonOptions& common, SpeechRenderer* speech) {
  LoadOptions options;
  options.media_root = common.media_root;
  options.speech = speech;
  return options;
}

}  // namespace

int cmd_check(const std::vector<std::string>& schedules, const CommonOptions& common) {
  auto prober = make_media_prober(common, true);
  auto speech = make_speech_cache(common);
  if (!speech) return 1;
  bool any_errors = false;
  for (const auto& file : schedules) {
    Diagnostics diags;
    auto day = load_day(file, load_options(common, speech.get()), *prober, diags);
    print_diagnostics(diags, std::cout);
    std::size_t programs = 0, items = 0;
    if (day) {
      programs = day->schedule.programs.size();
      for (const auto& p : day->schedule.programs) items += p.items.size();
    }
    std::cerr << fmt::format("{}: {} ({} programmes, {} items; {} error{}, {} warning{})\n", file,
                             diags.has_errors() ? "FAILED" : "ok", programs, items, diags.error_count(),
                             diags.error_count() == 1 ? "" : "s", diags.warning_count(),
                             diags.warning_count() == 1 ? "" : "s");
    any_errors = any_errors || diags.has_errors();
  }
  return any_errors ? 1 : 0;
}

int cmd_plan(const std::string& schedule, bool json, const CommonOptions& common) {
  auto prober = make_media_prober(common, true);
  auto speech = make_speech_cache(common);
  if (!speech) return 1;
  Diagnostics diags;
  auto day = load_day(schedule, load_options(common, speech.get()), *prober, diags);
  print_diagnostics(diags, std::cerr);
  if (!day || !day->day) return 1;
  if (json) std::cout << plan_json(*day).dump(2) << "\n";
  else std::cout << plan_text(*day);
  return diags.has_errors() ? 1 : 0;
}

}  // namespace onair
