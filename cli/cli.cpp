#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "cli/control_client.hpp"
#include "scheduler/media_paths.hpp"
#include "station/logging.hpp"

namespace onair {
namespace {

constexpr int kUsage = 2;

void add_speech_options(CLI::App* cmd, CommonOptions& common) {
  cmd->add_option("--speech-cache", common.speech_cache,
                  "Folder of rendered speech (default: $XDG_CACHE_HOME/onair/speech)")
      ->type_name("DIR");
  cmd->add_option("--speech-dictionary", common.speech_dictionary,
                  "The station's abbreviations for speech (YAML: 'UBND: ủy ban nhân dân')")
      ->type_name("FILE");
}

void add_common(CLI::App* cmd, CommonOptions& common) {
  cmd->add_option("--media-root", common.media_root, "Folder that media paths are relative to")
      ->type_name("DIR");
  cmd->add_option("--extra-media-root", common.extra_media_roots,
                  "A folder media files may also resolve into through symbolic links (repeatable)")
      ->type_name("DIR");
  cmd->add_option("--probe-cache", common.probe_cache,
                  "Media probe cache file (default: $XDG_CACHE_HOME/onair/probe-cache.json)")
      ->type_name("FILE");
  cmd->add_flag("--no-probe-cache", common.no_probe_cache, "Probe every file afresh, keep no cache");
  add_speech_options(cmd, common);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"onair — radio playout: checks, plans and airs a station's daily schedule.\n"
               "Example: onair check schedules/2011-11-26.yaml", "onair"};
  app.set_version_flag("--version", "onair 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();  // global options (--log-level, --log-file) may follow the subcommand
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

  RenderArgs render_args;
  auto* render = app.add_subcommand("render", "Run the playout engine on a virtual clock, as fast as it can, into a WAV file.\n"
                                              "Sample 0 of the file is time --from. T is HH:MM[:SS[.mmm]] on the\n"
                                              "schedule's date, or an ISO date-time (2011-11-26T05:29:50).\n"
                                              "Example: onair render schedules/2011-11-26.yaml --from 05:29:50 --to 05:36 --out day.wav --asrun day.jsonl");
  render->add_option("SCHEDULE", render_args.schedule, "Day schedule file (YAML)")->required();
  render->add_option("--from", render_args.from, "Start time")->required()->type_name("T");
  render->add_option("--to", render_args.to, "End time")->required()->type_name("T");
  render->add_option("--out", render_args.out, "Output WAV file")->required()->type_name("FILE.wav");
  render->add_option("--asrun", render_args.asrun, "Append the as-run log (JSON lines) here")->type_name("FILE");
  render->add_option("--inject", render_args.inject,
                     "Rehearse a bulletin: emergency or priority, a file under the media root, the time it is\n"
                     "accepted; optional \",repeat=N\" and \",tone\" (repeatable). See docs/bulletins.md.\n"
                     "Example: --inject \"emergency:canh-bao/lu.mp3@05:59:57,tone\"")
      ->allow_extra_args(false)
      ->type_name("LEVEL:FILE@TIME");
  add_common(render, common);

  PlayArgs play_args;
  auto* play = app.add_subcommand("play", "Play the schedule in real time from now, joining what should be on air.\n"
                                          "Ends after the schedule's last programme; Ctrl-C (SIGINT/SIGTERM) ends it cleanly.\n"
                                          "OUT: default | pa:NAME | wav:PATH | null | icecast://USER:PASS@HOST:PORT/MOUNT[?format=mp3|opus&bitrate=N&mono=1&delay=MS]\n"
                                          "--output may be given more than once: every output carries the same audio.\n"
                                          "Example: onair play schedules/2011-11-26.yaml --output pa:system --asrun asrun.jsonl");
  play->add_option("SCHEDULE", play_args.schedule, "Day schedule file (YAML)")->required();
  play->add_option("--output", play_args.output, "Where the audio goes (repeatable)")->capture_default_str()->type_name("OUT");
  play->add_option("--asrun", play_args.asrun, "Append the as-run log (JSON lines) here")->type_name("FILE");
  play->add_option("--from", play_args.from, "Rehearse: play in real time as if the clock said T now")->type_name("T");
  add_common(play, common);

  SayArgs say_args;
  auto* say = app.add_subcommand("say", "Read a text aloud with Vietnamese text-to-speech (espeak-ng), as a `say:` item would:\n"
                                        "numbers, dates, times and abbreviations are read as words (docs/speech.md).\n"
                                        "Without --out, prints the rendered WAV in the speech cache.\n"
                                        "Example: onair say \"UBND xã thông báo: 7h30 ngày 26/11 họp tại hội trường\" --out tin.wav");
  say->add_option("TEXT", say_args.text, "The text (UTF-8); - reads standard input");
  say->add_option("--file", say_args.file, "Read the text from this UTF-8 file")->type_name("FILE");
  say->add_option("--voice", say_args.voice, "vi, vi-VN-x-central or vi-VN-x-south")->capture_default_str();
  say->add_option("--rate", say_args.rate, "Words per minute (80-450)")->capture_default_str()->check(CLI::Range(80, 450));
  say->add_option("--pitch", say_args.pitch, "0-100")->capture_default_str()->check(CLI::Range(0, 100));
  say->add_option("--variant", say_args.variant, "male, female, or an espeak-ng variant (m3, f2, ...)");
  say->add_option("--out", say_args.out, "Write the speech to this WAV file")->type_name("FILE.wav");
  say->add_flag("--print-text", say_args.print_text, "Print what would be read (one line, words only); render nothing");
  add_speech_options(say, common);

  auto* devices = app.add_subcommand("devices", "List PortAudio output devices (for --output pa:NAME).\n"
                                                "Example: onair devices");

  std::string report_file;
  bool report_csv = false;
  auto* report = app.add_subcommand("report", "The broadcast record for a station manager: planned vs aired per item,\n"
                                              "offsets, cuts, failures, totals.\n"
                                              "Example: onair report asrun/2011-11-26.jsonl --csv");
  report->add_option("ASRUN", report_file, "As-run log (JSON lines)")->required();
  report->add_flag("--csv", report_csv, "CSV, one row per record");

  std::string run_config;
  auto* run = app.add_subcommand("run", "The station daemon: plays continuously across days (day files, weekday\n"
                                        "templates, a default), applies schedule edits, serves the control API,\n"
                                        "raises alarms. See docs/config.md and onair.example.yaml.\n"
                                        "Example: onair run --config /etc/onair/onair.yaml");
  run->add_option("--config", run_config, "Station configuration (YAML)")->required()->type_name("FILE");

  ControlArgs control_args;
  std::map<std::string, CLI::App*> control_commands;
  auto add_control = [&](const std::string& name, const std::string& help) {
    auto* c = app.add_subcommand(name, help);
    c->add_option("--control", control_args.control, "Daemon control address")->capture_default_str()->type_name("HOST:PORT");
    c->add_option("--token", control_args.token, "Control token (default: $ONAIR_TOKEN)");
    control_commands[name] = c;
    return c;
  };
  add_control("status", "What is on air, next, alarms (from the running daemon).\nExample: onair status")
      ->add_flag("--json", control_args.json, "The raw JSON snapshot");
  add_control("skip", "End the item on air now (with the cut fade); what follows starts.\nExample: onair skip");
  add_control("stop-after-current", "Hold after the item on air (--off: resume, rejoining the schedule).\n"
                                    "Example: onair stop-after-current")
      ->add_flag("--off", control_args.off, "Cancel the hold");
  for (const char* name : {"insert", "break-in"}) {
    auto* c = add_control(name, std::string(name) == "insert"
                                    ? "Insert a file after the item on air.\nExample: onair insert jingles/opening.mp3"
                                    : "Break in at once with a file (e.g. a storm warning), then rejoin the schedule.\n"
                                      "Example: onair break-in canh-bao/bao-so-9.mp3 --repeat 2");
    c->add_option("FILE", control_args.file, "File relative to the daemon's media root")->required();
    c->add_option("--title", control_args.title, "Title for the as-run log");
    c->add_option("--gain", control_args.gain_db, "Gain in dB");
    if (std::string(name) == "break-in") c->add_option("--repeat", control_args.repeat, "Times to air it (1-10)");
  }
  add_control("reload", "Re-read the schedules now.\nExample: onair reload");
  {
    auto* b = add_control("bulletin", "A bulletin at a legal level (Circular 39/2020/TT-BTTTT): emergency airs at once,\n"
                                      "priority at the next item boundary, normal waits to be placed. See docs/bulletins.md.\n"
                                      "Example: onair bulletin canh-bao/lu.mp3 --level emergency --repeat 3 --every 30m --tone");
    b->add_option("FILE", control_args.file, "Recording relative to the daemon's media root");
    b->add_option("--text", control_args.text, "Text to speak instead of a recording");
    b->add_option("--level", control_args.level, "normal | priority | emergency")
        ->check(CLI::IsMember({"normal", "priority", "emergency"}));
    b->add_option("--title", control_args.title, "Title for the as-run log");
    b->add_option("--gain", control_args.gain_db, "Gain in dB");
    b->add_option("--repeat", control_args.repeat, "Airings in all (1-20)");
    b->add_option("--every", control_args.every, "Between airings (30m, 1h, 00:30:00)")->type_name("D");
    b->add_option("--until", control_args.until, "No airing after this (HH:MM or ISO date-time)")->type_name("T");
    b->add_flag("--tone", control_args.tone, "The attention signal first (emergency)");
    b->require_subcommand(0, 1);
    b->fallthrough();  // --control / --token after list|cancel|place
    auto* list = b->add_subcommand("list", "The bulletins and their airings.\nExample: onair bulletin list");
    list->add_flag("--json", control_args.json, "The raw JSON");
    control_commands["bulletin-list"] = list;
    auto* cancel = b->add_subcommand("cancel", "Stop a bulletin's airings still to come (and the one on air).\n"
                                               "Example: onair bulletin cancel b-20261204-063000");
    cancel->add_option("ID", control_args.id, "The bulletin's id")->required();
    control_commands["bulletin-cancel"] = cancel;
    auto* place = b->add_subcommand("place", "Place a normal bulletin in a programme of today (or tomorrow).\n"
                                             "Example: onair bulletin place b-20261204-063000 --program morning --position 2");
    place->add_option("ID", control_args.id, "The bulletin's id")->required();
    place->add_option("--program", control_args.program, "Programme id")->required();
    place->add_option("--position", control_args.position, "Airs as item N (1 = first; default: last)");
    control_commands["bulletin-place"] = place;
  }

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
  set_extra_media_roots(common.extra_media_roots);
  std::string error;
  if (!setup_logging(log, error)) {
    std::cerr << "onair: " << error << "\n";
    return kUsage;
  }
  try {
    if (check->parsed()) return cmd_check(check_files, common);
    if (plan->parsed()) return cmd_plan(plan_file, plan_as_json, common);
    if (render->parsed()) return cmd_render(render_args, common);
    if (play->parsed()) return cmd_play(play_args, common);
    if (devices->parsed()) return cmd_devices();
    if (say->parsed()) return cmd_say(say_args, common);
    if (report->parsed()) return cmd_report(report_file, report_csv);
    if (run->parsed()) return cmd_run(run_config, app.get_option("--log-level")->count() ? std::optional(log.level) : std::nullopt);
    // A bulletin's own subcommands first (the bulletin command is parsed with them).
    for (const char* sub : {"bulletin-list", "bulletin-cancel", "bulletin-place"})
      if (control_commands[sub]->parsed()) return control_command(sub, control_args);
    for (const auto& [name, cmd] : control_commands)
      if (cmd->parsed()) return control_command(name, control_args);
  } catch (const std::exception& e) {
    logger("app")->critical("{}", e.what());
    std::cerr << "onair: internal error: " << e.what() << "\n";
    return 1;
  }
  return kUsage;
}

}  // namespace onair
