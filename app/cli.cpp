#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/logging.hpp"

namespace onair {
namespace {

constexpr int kUsage = 2;

void add_common(CLI::App* cmd, CommonOptions& common) {
  cmd->add_option("--media-root", common.media_root, "Folder that media paths are relative to")
      ->type_name("DIR");
  cmd->add_option("--probe-cache", common.probe_cache,
                  "Media probe cache file (default: $XDG_CACHE_HOME/onair/probe-cache.json)")
      ->type_name("FILE");
  cmd->add_flag("--no-probe-cache", common.no_probe_cache, "Probe every file afresh, keep no cache");
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"onair — radio playout: checks, plans and airs a station's daily schedule.\n"
               "Example: onair check schedules/2011-11-26.yaml", "onair"};
  app.set_version_flag("--version", "onair 0.1.0");
  app.require_subcommand(1);
  LogSettings log;
  app.add_option("--log-level", log.level, "trace, debug, info, warn, error, critical or off")
      ->capture_default_str();
  app.add_option("--log-file", log.file, "Also log to this file (rotated at 10 MB)")->type_name("FILE");

  CommonOptions common;
  std::vector<std::string> check_files;
  auto* check = app.add_subcommand("check", "Check schedules for errors before they air.\n"
                                            "Prints FILE:LINE:COL: error|warning: message lines.\n"
                                            "Exit 0 ok (warnings allowed), 1 errors, 2 usage.\n"
                                            "Example: onair check schedules/2011-11-26.yaml --media-root media");
  check->add_option("SCHEDULE", check_files, "Day schedule files (YAML)")->required();
  add_common(check, common);

  std::string plan_file;
  bool plan_as_json = false;
  auto* plan = app.add_subcommand("plan", "Print the day's timeline: planned start and end of every item,\n"
                                          "programme boundaries, cuts and gaps.\n"
                                          "Example: onair plan schedules/2011-11-26.yaml --json");
  plan->add_option("SCHEDULE", plan_file, "Day schedule file (YAML)")->required();
  plan->add_flag("--json", plan_as_json, "Machine-readable JSON instead of the table");
  add_common(plan, common);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (what.empty()) what = "invalid command line";
    std::cerr << "onair: " << what << " (see 'onair --help')\n";
    return kUsage;
  }
  std::string error;
  if (!setup_logging(log, error)) {
    std::cerr << "onair: " << error << "\n";
    return kUsage;
  }
  try {
    if (check->parsed()) return cmd_check(check_files, common);
    if (plan->parsed()) return cmd_plan(plan_file, plan_as_json, common);
  } catch (const std::exception& e) {
    logger("app")->critical("{}", e.what());
    std::cerr << "onair: internal error: " << e.what() << "\n";
    return 1;
  }
  return kUsage;
}

}  // namespace onair
