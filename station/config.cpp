#include "scheduler/program_parser.hpp"
#include "station/config.hpp"
#include "station/host_port.hpp"
#include "player/output/stream/icecast_url.hpp"
#include "player/output/stream/listen_url.hpp"
#include "player/output/stream/rtp_url.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <date/tz.h>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "scheduler/yaml_file.hpp"
#include "scheduler/yaml_reader.hpp"
#include "player/speech/dictionary_file.hpp"

namespace onair {
namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxConfigBytes = 1024 * 1024;

const std::vector<std::string> kTopKeys = {
    "output",  "outputs", "media_root", "extra_media_roots", "schedules",      "timezone", "asrun_dir", "log_dir", "log_level",
    "control", "next_day_check", "silence", "alarms",   "aircheck", "loudness",
    "speech",  "tts"};
const std::vector<std::string> kLogLevels = {"trace", "debug", "info", "warn", "error", "critical", "off"};

double seconds_of(Duration d) { return static_cast<double>(d.count()) / 1e6; }

bool has_content(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r\xEF\xBB\xBF");
    if (first == std::string::npos) continue;
    if (line[first] == '#') continue;
    if (line.compare(first, 3, "---") == 0 && line.find_first_not_of(" \t\r", first + 3) == std::string::npos)
      continue;
    return true;
  }
  return false;
}

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

std::optional<fs::path> find_in_path(const std::string& program) {
  const char* env = std::getenv("PATH");
  std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string dir = end > start ? path.substr(start, end - start) : ".";
    const fs::path candidate = fs::path(dir) / program;
    if (is_executable_file(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

class ConfigParser {
 public:
  ConfigParser(std::shared_ptr<const std::string> name, Diagnostics& diags, StationConfig& config)
      : r_(std::move(name), diags), diags_(diags), c_(config) {}

  void parse(const YAML::Node& root) {
    file_mark_ = r_.mark(root);
    file_mark_.line = 0;
    auto keys = r_.read_map(root, "the station config", kTopKeys);

    c_.media_root = c_.base_dir / "media";
    c_.schedules = c_.base_dir / "schedules";
    c_.asrun_dir = c_.base_dir / "asrun";
    c_.log_dir = c_.base_dir / "log";

    if (auto e = get(keys, "output")) parse_output(*e);
    if (auto e = get(keys, "outputs")) {
      if (get(keys, "output")) diags_.error(mark(*e), "give either 'output' or 'outputs', not both");
      else parse_outputs(*e);
    }
    check_existing_dir(keys, "media_root", c_.media_root);
    check_existing_dir(keys, "schedules", c_.schedules);
    if (auto e = get(keys, "extra_media_roots")) parse_extra_roots(*e);
    if (auto e = get(keys, "timezone")) parse_timezone(*e);
    check_creatable_dir(keys, "asrun_dir", c_.asrun_dir);
    check_creatable_dir(keys, "log_dir", c_.log_dir);
    if (auto e = get(keys, "loudness")) c_.loudness = parse_loudness(*e, r_);
    if (auto e = get(keys, "log_level")) {
      if (auto v = r_.choice(*e, "log_level", kLogLevels)) c_.log_level = *v;
    }
    parse_control(get(keys, "control"));
    if (auto e = get(keys, "next_day_check")) {
      if (auto v = r_.time_of_day(*e, "next_day_check")) c_.next_day_check = *v;
    }
    if (auto e = get(keys, "silence")) parse_silence(*e);
    if (auto e = get(keys, "alarms")) parse_alarms(*e);
    if (auto e = get(keys, "aircheck")) parse_aircheck(*e);
    c_.speech.cache_dir = c_.base_dir / "cache" / "speech";
    if (auto e = get(keys, "speech")) parse_speech(*e);
    if (auto e = get(keys, "tts")) parse_tts(*e);
  }

 private:
  using Map = std::map<std::string, YamlReader::Entry>;

  static const YamlReader::Entry* get(const Map& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? nullptr : &it->second;
  }

  SourceMark mark(const YamlReader::Entry& e) const { return r_.mark(e.value.IsNull() ? e.key : e.value); }

  // A path as written, resolved against the config file's folder.
  std::optional<fs::path> path_value(const YamlReader::Entry& e, std::string_view key) {
    auto text = r_.string(e, key);
    if (!text) return std::nullopt;
    if (text->empty()) {
      diags_.error(mark(e), fmt::format("'{}' must name a folder, got an empty value", key));
      return std::nullopt;
    }
    if ((*text)[0] == '~') {
      diags_.error(mark(e), fmt::format("'{}' {}: '~' is not expanded; write the full path or one relative "
                                        "to the config file's folder",
                                        key, quote_value(*text)));
      return std::nullopt;
    }
    fs::path p(*text);
    if (p.is_relative()) p = c_.base_dir / p;
    return p.lexically_normal();
  }

  // Where to report a problem with a path that may have come from a default.
  SourceMark where(const Map& m, const std::string& key) const {
    if (auto e = get(m, key)) return mark(*e);
    return file_mark_;
  }

  // A list of existing folders that media files may resolve into through symbolic links.
  void parse_extra_roots(const YamlReader::Entry& e) {
    if (!e.value.IsSequence()) {
      diags_.error(mark(e), "'extra_media_roots' must be a list of folders, e.g. [/mnt/archive]");
      return;
    }
    for (const auto& node : e.value) {
      const YamlReader::Entry item{e.key, node};
      auto p = path_value(item, "extra_media_roots");
      if (!p) continue;
      std::error_code ec;
      if (!fs::is_directory(*p, ec)) {
        diags_.error(r_.mark(node), fmt::format("'extra_media_roots' folder {} does not exist", p->string()));
        continue;
      }
      c_.extra_media_roots.push_back(*p);
    }
  }

  void check_existing_dir(const Map& m, const std::string& key, fs::path& target) {
    if (auto e = get(m, key)) {
      auto p = path_value(*e, key);
      if (!p) return;
      target = *p;
    }
    std::error_code ec;
    const auto st = fs::status(target, ec);
    const std::string given = get(m, key) ? "" : " (the default, as '" + key + "' is not set)";
    if (!fs::exists(st)) {
      diags_.error(where(m, key), fmt::format("'{}' folder {} does not exist{}", key, target.string(), given));
    } else if (!fs::is_directory(st)) {
      diags_.error(where(m, key), fmt::format("'{}' {} is not a folder{}", key, target.string(), given));
    }
  }

  // A folder the daemon creates when needed: if it exists it must be a folder; otherwise
  // its parent must exist.
  bool check_creatable(const SourceMark& at, std::string_view key, const fs::path& target,
                       const std::string& given) {
    std::error_code ec;
    const auto st = fs::status(target, ec);
    if (fs::exists(st)) {
      if (!fs::is_directory(st)) {
        diags_.error(at, fmt::format("'{}' {} exists and is not a folder{}", key, target.string(), given));
        return false;
      }
      if (::access(target.c_str(), W_OK | X_OK) != 0) {
        diags_.error(at, fmt::format("'{}' folder {} is not writable{}", key, target.string(), given));
        return false;
      }
      return true;
    }
    const fs::path parent = target.parent_path();
    if (!fs::is_directory(parent, ec)) {
      diags_.error(at, fmt::format("'{}' {} cannot be created: its parent folder {} does not exist{}", key,
                                   target.string(), parent.string(), given));
      return false;
    }
    return true;
  }

  void check_creatable_dir(const Map& m, const std::string& key, fs::path& target) {
    if (auto e = get(m, key)) {
      auto p = path_value(*e, key);
      if (!p) return;
      target = *p;
    }
    check_creatable(where(m, key), key, target,
                    get(m, key) ? "" : " (the default, as '" + key + "' is not set)");
  }

  void parse_output(const YamlReader::Entry& e) {
    // `output: null` is the null sink, not an empty value (which YAML also reads as null).
    if (e.value.IsNull() && !e.value.Mark().is_null() && e.value.Mark().line == e.key.Mark().line &&
        e.value.Mark().column > e.key.Mark().column) {
      c_.output = "null";
      return;
    }
    if (auto spec = output_spec(e, "output")) c_.output = *spec;
  }

  // `outputs:` — the sound card and any number of streams at once (docs/streams.md).
  void parse_outputs(const YamlReader::Entry& e) {
    if (!e.value.IsSequence() || e.value.size() == 0) {
      diags_.error(mark(e), "'outputs' must be a list, e.g. [pa:system, 'listen://127.0.0.1:8001/xa.mp3']");
      return;
    }
    if (e.value.size() > 16) {
      diags_.error(mark(e), fmt::format("'outputs' lists {} outputs; at most 16", e.value.size()));
      return;
    }
    std::vector<std::string> specs;
    std::vector<int> ports;
    for (const auto& node : e.value) {
      const YamlReader::Entry item{e.key, node};
      if (node.IsNull()) {
        specs.push_back("null");
        continue;
      }
      auto spec = output_spec(item, "outputs");
      if (!spec) continue;
      if (spec->starts_with("listen://")) {
        std::string error;
        const auto t = parse_listen_url(*spec, error);
        if (t && std::find(ports.begin(), ports.end(), t->port) != ports.end()) {
          diags_.error(r_.mark(node), fmt::format("'outputs': two listen:// outputs on port {}", t->port));
          continue;
        }
        if (t) ports.push_back(t->port);
      }
      specs.push_back(*spec);
    }
    if (specs.size() != e.value.size()) return;
    c_.outputs = std::move(specs);
    c_.output = c_.outputs.front();
  }

  // One output's spelling, checked (and a wav: path made absolute); nullopt after an error.
  std::optional<std::string> output_spec(const YamlReader::Entry& e, const std::string& key) {
    auto text = r_.string(e, key);
    if (!text) return std::nullopt;
    const std::string& s = *text;
    const SourceMark at = r_.mark(e.value);
    if (s == "default" || s == "null") return s;
    if (s.rfind("pa:", 0) == 0) {
      if (s.size() == 3) {
        diags_.error(at, fmt::format("invalid value 'pa:' for '{}': give a device name after 'pa:' (see `onair devices`)", key));
        return std::nullopt;
      }
      return s;
    }
    if (s.rfind("icecast://", 0) == 0 || s.rfind("listen://", 0) == 0 || s.rfind("rtp://", 0) == 0) {
      std::string error;
      const bool ok = s[0] == 'i'   ? parse_icecast_url(s, error).has_value()
                      : s[0] == 'l' ? parse_listen_url(s, error).has_value()
                                    : parse_rtp_url(s, error).has_value();
      if (!ok) {
        diags_.error(at, fmt::format("invalid '{}': {}", key, error));  // the message never holds a password or token
        return std::nullopt;
      }
      return s;
    }
    if (s.rfind("wav:", 0) == 0) {
      if (s.size() == 4) {
        diags_.error(at, fmt::format("invalid value 'wav:' for '{}': give a file path after 'wav:'", key));
        return std::nullopt;
      }
      fs::path p(s.substr(4));
      if (p.is_relative()) p = c_.base_dir / p;
      p = p.lexically_normal();
      std::error_code ec;
      if (fs::is_directory(p, ec)) {
        diags_.error(at, fmt::format("'{}' {} is a folder; give a .wav file path", key, p.string()));
        return std::nullopt;
      }
      if (!fs::is_directory(p.parent_path(), ec)) {
        diags_.error(at, fmt::format("'{}' file {} cannot be created: its folder {} does not exist", key, p.string(),
                                     p.parent_path().string()));
        return std::nullopt;
      }
      return "wav:" + p.string();
    }
    const std::string hint = closest_match(s, {"default", "null"});
    diags_.error(at, fmt::format("invalid value {} for '{}': expected default | pa:NAME | wav:PATH | null | "
                                 "icecast://… | listen://… | rtp://…{}",
                                 quote_value(s), key, hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
    return std::nullopt;
  }

  void parse_timezone(const YamlReader::Entry& e) {
    auto text = r_.string(e, "timezone");
    if (!text) return;
    try {
      (void)date::locate_zone(*text);
      c_.timezone = *text;
    } catch (const std::exception&) {
      std::vector<std::string> names;
      try {
        for (const auto& z : date::get_tzdb().zones) names.emplace_back(z.name());
      } catch (const std::exception&) {
      }
      const std::string hint = closest_match(*text, names);
      diags_.error(mark(e), fmt::format("unknown time zone {} for 'timezone': use an IANA name such as "
                                        "Asia/Ho_Chi_Minh{}",
                                        quote_value(*text),
                                        hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
    }
  }

  // A mapping section; an empty value (`silence:`) means all defaults.
  std::optional<Map> section(const YamlReader::Entry& e, std::string_view name,
                             const std::vector<std::string>& keys) {
    if (e.value.IsNull()) return Map{};
    if (!e.value.IsMap()) {
      diags_.error(mark(e), fmt::format("'{}' must be a mapping of keys ({}), got {}", name,
                                        fmt::join(keys, ", "), YamlReader::kind_of(e.value)));
      return std::nullopt;
    }
    return r_.read_map(e.value, fmt::format("'{}'", name), keys);
  }

  std::optional<long long> integer(const YamlReader::Entry& e, std::string_view key, double min, double max) {
    auto v = r_.number(e, key, min, max);
    if (!v) return std::nullopt;
    if (std::floor(*v) != *v) {
      diags_.error(mark(e), fmt::format("'{}' must be a whole number, got {}", key, e.value.Scalar()));
      return std::nullopt;
    }
    return static_cast<long long>(*v);
  }

  std::optional<Duration> duration_in(const YamlReader::Entry& e, std::string_view key, Duration min,
                                      Duration max) {
    auto v = r_.duration(e, key);
    if (!v) return std::nullopt;
    if (*v < min || *v > max) {
      diags_.error(mark(e), fmt::format("'{}' {} is out of range: {} s to {} s", key, quote_value(e.value.Scalar()),
                                        seconds_of(min), seconds_of(max)));
      return std::nullopt;
    }
    return v;
  }

  void parse_control(const YamlReader::Entry* e) {
    SourceMark listen_mark = file_mark_;
    if (e) {
      auto m = section(*e, "control", {"listen", "token"});
      if (!m) return;
      listen_mark = mark(*e);
      if (auto l = get(*m, "listen")) {
        listen_mark = mark(*l);
        if (auto text = r_.string(*l, "listen")) {
          std::string error;
          ControlConfig parsed;
          if (parse_listen_address(*text, parsed, error)) {
            c_.control.listen = parsed.listen;
            c_.control.host = parsed.host;
            c_.control.port = parsed.port;
            c_.control.loopback = parsed.loopback;
          } else {
            diags_.error(listen_mark, fmt::format("invalid 'listen' address {}: {}", quote_value(*text), error));
            return;
          }
        }
      }
      if (auto t = get(*m, "token")) {
        if (auto text = r_.string(*t, "token")) {
          const bool bad_char = std::any_of(text->begin(), text->end(), [](char ch) {
            const auto u = static_cast<unsigned char>(ch);
            return u <= 0x20 || u == 0x7F;
          });
          if (bad_char) {
            diags_.error(mark(*t), "'token' must not contain spaces or control characters");
            return;
          }
          if (!text->empty() && text->size() < 16)
            diags_.warning(mark(*t), fmt::format("'token' is short ({} characters); use at least 16 random "
                                                 "characters, e.g. from `openssl rand -hex 16`",
                                                 text->size()));
          c_.control.token = *text;
        }
      }
    }
    if (!c_.control.loopback && c_.control.token.empty()) {
      diags_.error(listen_mark, fmt::format("control listens on {}, which is not a loopback address: set "
                                            "'token' under 'control' (any other machine could control the "
                                            "station without it)",
                                            c_.control.listen));
    }
  }

  void parse_silence(const YamlReader::Entry& e) {
    auto m = section(e, "silence", {"threshold_db", "after", "action"});
    if (!m) return;
    if (auto v = get(*m, "threshold_db")) {
      if (auto x = r_.number(*v, "threshold_db", -120, 0)) c_.silence.threshold_db = *x;
    }
    if (auto v = get(*m, "after")) {
      if (auto d = duration_in(*v, "after", std::chrono::seconds(1), std::chrono::hours(1))) c_.silence.after = *d;
    }
    if (auto v = get(*m, "action")) {
      if (auto a = r_.choice(*v, "action", {"fill", "alarm", "off"}))
        c_.silence.action = *a == "fill" ? SilenceAction::fill : *a == "alarm" ? SilenceAction::alarm : SilenceAction::off;
    }
  }

  // A program and its arguments, run without a shell: `[prog, arg…]` or one word. `what`
  // names it in messages ("alarm", "tts"). nullopt on an error or when empty.
  std::optional<std::vector<std::string>> parse_argv(const YamlReader::Entry& e, std::string_view what) {
    std::vector<std::string> argv;
    if (e.value.IsNull()) return std::nullopt;  // `command:` empty = none
    if (e.value.IsScalar()) {
      const std::string& s = e.value.Scalar();
      if (s.find_first_of(" \t") != std::string::npos) {
        diags_.error(mark(e), fmt::format("'command' {} must be a list of arguments, e.g. "
                                          "[/usr/local/bin/notify, --to, ops]; it is run without a shell",
                                          quote_value(s)));
        return std::nullopt;
      }
      argv.push_back(s);
    } else if (e.value.IsSequence()) {
      for (const auto& item : e.value) {
        if (!item.IsScalar()) {
          diags_.error(r_.mark(item), fmt::format("each 'command' argument must be text, got {}",
                                                  YamlReader::kind_of(item)));
          return std::nullopt;
        }
        argv.push_back(item.Scalar());
      }
    } else {
      diags_.error(mark(e), fmt::format("'command' must be a list of arguments, got {}", YamlReader::kind_of(e.value)));
      return std::nullopt;
    }
    if (argv.empty()) return std::nullopt;  // `command: []` = none
    const SourceMark program_mark = e.value.IsSequence() ? r_.mark(e.value[0]) : mark(e);
    std::string& program = argv[0];
    if (program.empty()) {
      diags_.error(program_mark, "'command' program name is empty");
      return std::nullopt;
    }
    if (program.find('/') != std::string::npos) {
      fs::path p(program);
      if (p.is_relative()) p = c_.base_dir / p;
      p = p.lexically_normal();
      if (!is_executable_file(p)) {
        std::error_code ec;
        diags_.error(program_mark, fmt::format("{} 'command' {} {}", what, p.string(),
                                               fs::exists(p, ec) ? "is not an executable file" : "does not exist"));
        return std::nullopt;
      }
      program = p.string();
    } else if (!find_in_path(program)) {
      diags_.warning(program_mark, fmt::format("{} 'command' {} is not found in PATH; give its full path",
                                               what, quote_value(program)));
    }
    return argv;
  }

  void parse_command(const YamlReader::Entry& e) {
    if (auto argv = parse_argv(e, "alarm")) c_.alarms.command = std::move(*argv);
  }

  void parse_alarms(const YamlReader::Entry& e) {
    auto m = section(e, "alarms", {"command", "min_interval", "timeout", "disk_min_free_mb", "disk_check_interval",
                                   "stream_down_after"});
    if (!m) return;
    if (auto v = get(*m, "command")) parse_command(*v);
    if (auto v = get(*m, "min_interval")) {
      if (auto d = duration_in(*v, "min_interval", Duration{0}, std::chrono::hours(24))) c_.alarms.min_interval = *d;
    }
    if (auto v = get(*m, "timeout")) {
      if (auto d = duration_in(*v, "timeout", std::chrono::milliseconds(100), std::chrono::minutes(10)))
        c_.alarms.timeout = *d;
    }
    if (auto v = get(*m, "disk_min_free_mb")) {
      if (auto n = integer(*v, "disk_min_free_mb", 0, 1e9))
        c_.alarms.disk_min_free_bytes = static_cast<std::uint64_t>(*n) * 1024 * 1024;
    }
    if (auto v = get(*m, "stream_down_after")) {
      if (auto d = duration_in(*v, "stream_down_after", std::chrono::seconds(1), std::chrono::hours(24)))
        c_.alarms.stream_down_after = *d;
    }
    if (auto v = get(*m, "disk_check_interval")) {
      if (auto d = duration_in(*v, "disk_check_interval", std::chrono::seconds(1), std::chrono::hours(24)))
        c_.alarms.disk_check_interval = *d;
    }
  }

  void parse_speech(const YamlReader::Entry& e) {
    if (e.value.IsNull()) return;
    auto m = section(e, "speech", {"cache_dir", "dictionary"});
    if (!m) return;
    if (auto v = get(*m, "cache_dir")) {
      auto p = path_value(*v, "cache_dir");
      if (p && check_creatable(mark(*v), "speech.cache_dir", *p, "")) c_.speech.cache_dir = *p;
    }
    if (auto v = get(*m, "dictionary")) {
      auto p = path_value(*v, "dictionary");
      if (!p) return;
      std::error_code ec;
      if (!fs::is_regular_file(*p, ec)) {
        diags_.error(mark(*v), fmt::format("speech 'dictionary' {} {}", p->string(),
                                           fs::exists(*p, ec) ? "is not a regular file" : "does not exist"));
        return;
      }
      // Its own problems name its own lines.
      if (auto words = load_speech_dictionary(*p, diags_)) {
        c_.speech.dictionary = *p;
        c_.speech.words = std::move(*words);
      }
    }
  }

  void parse_tts(const YamlReader::Entry& e) {
    if (e.value.IsNull()) return;  // `tts:` empty = espeak-ng
    auto m = section(e, "tts", {"command", "timeout"});
    if (!m) return;
    if (auto v = get(*m, "command")) {
      if (auto argv = parse_argv(*v, "tts")) c_.speech.tts_command = std::move(*argv);
    } else {
      diags_.error(r_.mark(e.key), "'tts' needs 'command': the program that reads text on stdin and writes a WAV "
                                   "on stdout, e.g. [/usr/local/bin/piper-vi, --quiet]");
    }
    if (auto v = get(*m, "timeout")) {
      if (auto d = duration_in(*v, "timeout", std::chrono::seconds(1), std::chrono::minutes(30)))
        c_.speech.tts_timeout = *d;
    }
  }

  void parse_aircheck(const YamlReader::Entry& e) {
    if (e.value.IsNull()) return;  // `aircheck:` empty = off
    auto m = section(e, "aircheck", {"enabled", "dir", "format", "bitrate", "retention_days"});
    if (!m) return;
    if (auto v = get(*m, "enabled")) {
      auto on = r_.boolean(*v, "enabled");
      if (on && !*on) return;  // the section is kept for later but off
    }
    AirCheckConfig a;
    bool ok = true;
    if (auto v = get(*m, "dir")) {
      auto p = path_value(*v, "dir");
      if (p && check_creatable(mark(*v), "aircheck.dir", *p, "")) a.dir = *p;
      else ok = false;
    } else {
      diags_.error(r_.mark(e.key), "'aircheck' needs 'dir': the folder for the hourly recordings");
      ok = false;
    }
    if (auto v = get(*m, "format")) {
      if (auto f = r_.choice(*v, "format", {"mp3", "opus"})) a.format = *f == "mp3" ? AirCheckFormat::mp3 : AirCheckFormat::opus;
      else ok = false;
    }
    a.bitrate_kbps = a.format == AirCheckFormat::mp3 ? 128 : 64;
    if (auto v = get(*m, "bitrate")) {
      const bool mp3 = a.format == AirCheckFormat::mp3;
      if (auto n = integer(*v, mp3 ? "bitrate (kbit/s, mp3)" : "bitrate (kbit/s, opus)", mp3 ? 32 : 16, mp3 ? 320 : 256))
        a.bitrate_kbps = static_cast<int>(*n);
      else ok = false;
    }
    if (auto v = get(*m, "retention_days")) {
      if (auto n = integer(*v, "retention_days", 0, 36500)) a.retention_days = static_cast<int>(*n);
      else ok = false;
    }
    if (ok) c_.aircheck = a;
  }

  YamlReader r_;
  Diagnostics& diags_;
  StationConfig& c_;
  SourceMark file_mark_;
};

}  // namespace

bool parse_listen_address(const std::string& text, ControlConfig& out, std::string& error) {
  const auto parsed = parse_host_port(text, HostKind::address, 1, error);
  if (!parsed) return false;
  out.listen = text;
  out.host = parsed->host;
  out.port = static_cast<std::uint16_t>(parsed->port);
  out.loopback = is_loopback_host(parsed->host);
  return true;
}

std::string to_string(SilenceAction a) {
  switch (a) {
    case SilenceAction::fill: return "fill";
    case SilenceAction::alarm: return "alarm";
    case SilenceAction::off: return "off";
  }
  return "?";
}


std::optional<StationConfig> load_station_config(const fs::path& path, Diagnostics& diags) {
  auto name = std::make_shared<const std::string>(path.string());
  const SourceMark whole{name, 0, 0};
  std::error_code ec;
  FileReadError error;
  auto read = read_regular_file(path, kMaxConfigBytes, error);
  if (!read) {
    switch (error.kind) {
      case FileReadError::missing:
        diags.error(whole, "cannot open the config file: no such file (see onair.example.yaml and docs/config.md)");
        break;
      case FileReadError::too_large:
        diags.error(whole, fmt::format("is too large for a config file ({} bytes; the limit is {} bytes)",
                                       error.size, kMaxConfigBytes));
        break;
      case FileReadError::not_regular:
        diags.error(whole, fmt::format("{}: the config must be a regular file (refused without reading it)",
                                       error.message));
        break;
      case FileReadError::io: diags.error(whole, "cannot read the config file: " + error.message); break;
    }
    return std::nullopt;
  }
  std::string text = std::move(*read);
  if (!has_content(text)) {
    diags.error({name, 1, 1}, "the config file is empty: expected keys such as 'media_root:' and 'schedules:' "
                              "(see onair.example.yaml)");
    return std::nullopt;
  }
  auto doc = parse_yaml_text(std::move(text), name, diags);
  if (!doc) return std::nullopt;

  StationConfig config;
  config.file = fs::absolute(path, ec).lexically_normal();
  config.base_dir = config.file.parent_path();
  const std::size_t errors_before = diags.error_count();
  ConfigParser(doc->file, diags, config).parse(doc->root);
  if (diags.error_count() > errors_before) return std::nullopt;
  return config;
}

}  // namespace onair
