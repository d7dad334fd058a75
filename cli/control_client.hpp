#pragma once
// The CLI side of the control API: `onair status|skip|stop-after-current|insert|break-in|reload`
// send one request to a running daemon and print the answer for a person.
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "station/control_server.hpp"

namespace onair {

struct ControlArgs {
  std::string control = kDefaultControlAddress;  // --control HOST:PORT
  std::optional<std::string> token;              // --token; unset: $ONAIR_TOKEN, else none
  std::string file;                              // insert, break-in: relative to the daemon's media root
  std::optional<std::string> title;              // insert, break-in
  std::optional<double> gain_db;                 // insert, break-in
  std::optional<int> repeat;                     // break-in
  bool off = false;                              // stop-after-current --off: cancel the hold
  // bulletin (docs/bulletins.md)
  std::optional<std::string> text;               // spoken instead of FILE
  std::string level;                             // normal | priority | emergency
  std::optional<std::string> every;              // "30m", "1h", "90s", "HH:MM:SS"
  std::optional<std::string> until;              // HH:MM[:SS] or an ISO date-time
  bool tone = false;                             // the attention signal first
  std::string id, program;                       // bulletin cancel|place
  std::optional<int> position;                   // bulletin place: as item N (1 = first)
  bool json = false;                             // status --json: the raw snapshot
  int timeout_s = 15;                            // waiting for the answer
};

// Exit codes of the control subcommands.
inline constexpr int kControlOk = 0;
inline constexpr int kControlRefused = 1;      // the daemon answered 4xx/5xx (message printed)
inline constexpr int kControlUsage = 2;        // bad --control address or command name
inline constexpr int kControlUnreachable = 3;  // no answer: "cannot reach onair at HOST:PORT: ..."

// name: status | skip | stop-after-current | insert | break-in | reload | bulletin |
// bulletin-list | bulletin-cancel | bulletin-place.
// Prints the result on `out` (stdout), errors as one line on `err` (stderr).
int control_command(const std::string& name, const ControlArgs& args);
int control_command(const std::string& name, const ControlArgs& args, std::ostream& out, std::ostream& err);

// "30m", "1h", "90s", "45" (seconds), "HH:MM:SS" / "MM:SS" → seconds; nullopt otherwise.
std::optional<std::int64_t> parse_cli_duration(const std::string& text);
// The bulletin list, a line each (id, level, state, airings, title).
std::string format_bulletins(const nlohmann::json& reply);

// The human-readable status (a few lines, each ending in '\n'); tolerant of missing fields.
std::string format_status(const nlohmann::json& status);

}  // namespace onair
