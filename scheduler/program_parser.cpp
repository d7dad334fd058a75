#include "scheduler/program_parser.hpp"

#include <fmt/format.h>

#include "scheduler/placeholders.hpp"
#include "scheduler/spoken_time.hpp"

namespace onair {
namespace {

const std::vector<std::string> kProgramKeys = {"id", "title", "at", "start", "end", "items", "days", "omit", "loudness", "pips"};
const std::vector<std::string> kItemKeys = {
    "file",      "relay",    "silence",  "say",  "say_file", "say_time", "title", "in",    "out",     "fade_in",
    "fade_out",  "gain",     "crossfade", "duration", "until", "fallback", "loudness", "voice", "rate",
    "pitch",     "variant"};
const char* const kKindList = "'file:', 'relay:', 'silence:', 'say:', 'say_file:' or 'say_time:'";

bool is_relay_url(std::string_view url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

std::optional<Item> parse_item(const YAML::Node& node, YamlReader& r, date::year_month_day day) {
  const std::size_t errors_before = r.diags().error_count();
  auto keys = r.read_map(node, "an item", kItemKeys);
  if (!node.IsMap()) return std::nullopt;
  Item item;
  item.mark = r.mark(node);
  auto get = [&](const char* k) -> const YamlReader::Entry* {
    auto it = keys.find(k);
    return it == keys.end() ? nullptr : &it->second;
  };

  const char* kinds[] = {"file", "relay", "silence", "say", "say_file", "say_time"};
  std::vector<const char*> present;
  for (const char* k : kinds)
    if (get(k)) present.push_back(k);
  if (present.empty()) {
    r.diags().error(item.mark, fmt::format("an item needs one of {}", kKindList));
    return std::nullopt;
  }
  if (present.size() > 1) {
    r.diags().error(r.mark(get(present[1])->key),
                    fmt::format("an item can have only one of {} (found '{}' and '{}')", kKindList,
                                present[0], present[1]));
    return std::nullopt;
  }
  const std::string kind = present[0];
  const auto& source = *get(kind.c_str());
  item.source_mark = r.mark(source.value);
  if (kind == "file") {
    item.kind = ItemKind::file;
    if (auto s = expanded_string(source, "file", r, day)) {
      if (s->empty()) r.diags().error(item.source_mark, "'file' must not be empty");
      item.source = *s;
    }
  } else if (kind == "relay") {
    item.kind = ItemKind::relay;
    if (auto s = expanded_string(source, "relay", r, day)) {
      if (!is_relay_url(*s))
        r.diags().error(item.source_mark, fmt::format("relay {} must be an http:// or https:// URL", quote_value(*s)));
      item.source = *s;
    }
  } else if (kind == "say_time") {
    item.kind = ItemKind::spoken_time;
    SpeechSpec spec;
    spec.text_mark = item.source_mark;
    if (auto s = r.string(source, kind)) {
      if (s->empty()) r.diags().error(item.source_mark, "'say_time' must not be empty");
      else if (auto filled = fill_spoken_time(*s, {}); !filled.text)
        r.diags().error(item.source_mark, fmt::format("in 'say_time' {}: {}", quote_value(*s), filled.error));
      spec.text = *s;
      item.source = "say_time";  // filled in and spoken as it goes to air
    }
    item.speech = std::move(spec);
  } else if (kind == "say" || kind == "say_file") {
    item.kind = ItemKind::speech;
    SpeechSpec spec;
    spec.text_mark = item.source_mark;
    // The text itself is not expanded: "{date}" in a bulletin is words to read.
    if (auto s = kind == "say" ? r.string(source, kind) : expanded_string(source, kind, r, day)) {
      if (s->empty()) r.diags().error(item.source_mark, fmt::format("'{}' must not be empty", kind));
      (kind == "say" ? spec.text : spec.text_file) = *s;
      item.source = "say";  // the item is there; render_speech() makes it a file
    }
    item.speech = std::move(spec);
  } else {
    item.kind = ItemKind::silence;
    item.duration = r.duration(source, "silence");
    item.duration_mark = item.source_mark;
    if (item.duration && item.duration->count() == 0)
      r.diags().error(item.source_mark, "'silence' must be longer than 0");
  }

  if (auto e = get("title")) {
    if (auto s = expanded_string(*e, "title", r, day)) item.title = *s;
  }
  auto only_for = [&](const char* key, bool allowed, const char* hint) {
    auto e = get(key);
    if (e && !allowed) {
      r.diags().error(r.mark(e->key), fmt::format("'{}' does not apply to a {} item{}", key, kind, hint));
      return static_cast<const YamlReader::Entry*>(nullptr);
    }
    return e;
  };
  const bool is_file = item.kind == ItemKind::file, is_relay = item.kind == ItemKind::relay;
  if (auto e = only_for("in", is_file, "")) {
    item.cue_in = r.duration(*e, "in");
    item.in_mark = r.mark(e->value);
  }
  if (auto e = only_for("out", is_file, "")) {
    item.cue_out = r.duration(*e, "out");
    item.out_mark = r.mark(e->value);
  }
  if (item.cue_in && item.cue_out && *item.cue_in >= *item.cue_out) {
    r.diags().error(item.out_mark, fmt::format("cue out {} is not after cue in {}", format_duration_short(*item.cue_out),
                                               format_duration_short(*item.cue_in)));
  }
  if (auto e = only_for("duration", is_relay, is_file ? "; to shorten a file use 'out'" : "")) {
    item.duration = r.duration(*e, "duration");
    item.duration_mark = r.mark(e->value);
    if (item.duration && item.duration->count() == 0) r.diags().error(item.duration_mark, "'duration' must be longer than 0");
  }
  if (auto e = only_for("until", is_relay, "")) {
    item.until = r.time_of_day(*e, "until", true);
    item.duration_mark = r.mark(e->value);
  }
  if (is_relay) {
    if (!get("duration") && !get("until"))
      r.diags().error(item.source_mark, "a relay needs 'duration:' or 'until:' to know when it ends");
    if (get("duration") && get("until"))
      r.diags().error(r.mark(get("until")->key), "a relay takes 'duration:' or 'until:', not both");
  }
  if (auto e = only_for("fallback", is_relay, "")) {
    if (auto s = expanded_string(*e, "fallback", r, day)) item.fallback = *s;
    item.fallback_mark = r.mark(e->value);
  }
  const bool is_speech = item.kind == ItemKind::speech || item.kind == ItemKind::spoken_time;
  for (const char* key : {"voice", "rate", "pitch", "variant"}) {
    auto e = only_for(key, is_speech, "");
    if (!e || !item.speech) continue;
    SpeechVoice& v = item.speech->voice;
    if (item.speech->voice_mark.line == 0) item.speech->voice_mark = r.mark(e->value);
    const std::string k = key;
    if (k == "voice" || k == "variant") {
      if (auto s = r.string(*e, key)) {
        if (s->empty()) r.diags().error(r.mark(e->value), fmt::format("'{}' must not be empty", key));
        (k == "voice" ? v.voice : v.variant) = *s;
      }
    } else if (k == "rate") {
      if (auto n = r.number(*e, key, 80, 450)) v.rate_wpm = static_cast<int>(*n);
    } else if (auto n = r.number(*e, key, 0, 100)) {
      v.pitch = static_cast<int>(*n);
    }
  }
  if (item.speech && item.speech->voice_mark.line == 0) item.speech->voice_mark = item.source_mark;
  if (auto e = get("fade_in")) item.fade_in = r.duration(*e, "fade_in").value_or(Duration{0});
  if (auto e = get("fade_out")) item.fade_out = r.duration(*e, "fade_out").value_or(Duration{0});
  if (auto e = get("crossfade")) {
    item.crossfade = r.duration(*e, "crossfade").value_or(Duration{0});
    item.crossfade_mark = r.mark(e->value);
  }
  if (auto e = get("gain")) item.gain_db = r.number(*e, "gain", -60.0, 20.0).value_or(0.0);
  if (auto e = only_for("loudness", item.kind != ItemKind::silence, ""))
    item.loudness = parse_loudness(*e, r);
  if (item.speech && r.diags().error_count() != errors_before) item.speech->has_errors = true;
  if (r.diags().error_count() != errors_before && item.source.empty() && item.kind != ItemKind::silence)
    return std::nullopt;
  return item;
}

}  // namespace

std::optional<LoudnessSpec> parse_loudness(const YamlReader::Entry& e, YamlReader& r) {
  LoudnessSpec spec;
  spec.mark = r.mark(e.value);
  if (e.value.IsScalar()) {
    const std::string v = e.value.Scalar();
    if (v == "off" || v == "false" || v == "no") {
      spec.off = true;
      return spec;
    }
    if (v == "on" || v == "true" || v == "yes") return spec;
  }
  if (!e.value.IsMap()) {
    r.diags().error(spec.mark, fmt::format("'loudness' must be off, on or a mapping such as "
                                           "{{ target: -16, true_peak: -1, max_gain: 12 }}, got {}",
                                           YamlReader::kind_of(e.value)));
    return std::nullopt;
  }
  const std::size_t errors_before = r.diags().error_count();
  auto keys = r.read_map(e.value, "'loudness'", {"target", "true_peak", "max_gain"});
  if (auto it = keys.find("target"); it != keys.end()) spec.target = r.number(it->second, "target", -40.0, -5.0);
  if (auto it = keys.find("true_peak"); it != keys.end())
    spec.true_peak = r.number(it->second, "true_peak", -9.0, 0.0);
  if (auto it = keys.find("max_gain"); it != keys.end()) spec.max_gain = r.number(it->second, "max_gain", 0.0, 30.0);
  if (r.diags().error_count() != errors_before) return std::nullopt;
  return spec;
}

std::optional<std::string> expanded_string(const YamlReader::Entry& e, std::string_view key, YamlReader& reader,
                                           date::year_month_day day) {
  auto s = reader.string(e, key);
  if (!s) return std::nullopt;
  auto x = expand_placeholders(*s, day);
  if (!x.text) {
    reader.diags().error(reader.mark(e.value), fmt::format("in '{}' {}: {}", key, quote_value(*s), x.error));
    return std::nullopt;
  }
  return x.text;
}

std::optional<std::uint8_t> parse_days(const YamlReader::Entry& e, YamlReader& reader) {
  static const std::vector<std::string> names = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  static const std::vector<std::string> all = {"sun",      "mon",     "tue",      "wed",      "thu",    "fri",
                                               "sat",      "sunday",  "monday",   "tuesday",  "wednesday",
                                               "thursday", "friday",  "saturday", "daily",    "weekdays",
                                               "weekends"};
  auto one = [&](const YAML::Node& n) -> std::optional<std::uint8_t> {
    if (!n.IsScalar()) {
      reader.diags().error(reader.mark(n), fmt::format("a day must be a name like mon or monday, got {}",
                                                       YamlReader::kind_of(n)));
      return std::nullopt;
    }
    const std::string v = n.Scalar();
    if (v == "daily") return 0x7F;
    if (v == "weekdays") return 0x3E;
    if (v == "weekends") return 0x41;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (v == names[i] || (v.size() > 3 && all[i + 7] == v)) return static_cast<std::uint8_t>(1u << i);
    std::string hint = closest_match(v, all);
    reader.diags().error(reader.mark(n), fmt::format("unknown day {} in 'days'{}", quote_value(v),
                                                     hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
    return std::nullopt;
  };
  if (e.value.IsSequence()) {
    std::uint8_t mask = 0;
    bool ok = true;
    for (const auto& n : e.value) {
      auto m = one(n);
      if (m) mask |= *m;
      else ok = false;
    }
    if (!ok) return std::nullopt;
    return mask;
  }
  return one(e.value);
}

// `pips: true | false | { level: DBFS, frequency: HZ }`.
std::optional<PipsSpec> parse_pips(const YamlReader::Entry& e, YamlReader& r) {
  PipsSpec spec;
  spec.mark = r.mark(e.value);
  if (e.value.IsMap()) {
    const std::size_t errors_before = r.diags().error_count();
    auto keys = r.read_map(e.value, "'pips'", {"level", "frequency"});
    if (auto it = keys.find("level"); it != keys.end())
      spec.level_dbfs = r.number(it->second, "level", -60.0, 0.0).value_or(spec.level_dbfs);
    if (auto it = keys.find("frequency"); it != keys.end())
      spec.frequency_hz = r.number(it->second, "frequency", 100.0, 4000.0).value_or(spec.frequency_hz);
    if (r.diags().error_count() != errors_before) return std::nullopt;
    return spec;
  }
  if (!e.value.IsScalar()) {
    r.diags().error(spec.mark, fmt::format("'pips' must be true, false or a mapping such as {{ level: -12 }}, got {}",
                                           YamlReader::kind_of(e.value)));
    return std::nullopt;
  }
  if (auto on = r.boolean(e, "pips"); on && *on) return spec;
  return std::nullopt;
}

// The time signal's two tone items, in front of the programme's own.
void add_time_signal(Program& p) {
  Item countdown, on_time;
  countdown.kind = on_time.kind = ItemKind::tone;
  countdown.generated = on_time.generated = true;
  countdown.mark = countdown.source_mark = on_time.mark = on_time.source_mark = p.pips->mark;
  countdown.title = "Tín hiệu giờ";
  on_time.title = "Tín hiệu giờ (tiếng đúng giờ)";
  countdown.duration = kPipsLeadIn;
  on_time.duration = kOnTimePip;
  countdown.tone = pips_countdown(*p.pips);
  on_time.tone = pips_on_time(*p.pips);
  p.items.insert(p.items.begin(), {std::move(countdown), std::move(on_time)});
}

std::optional<ProgramEntry> parse_program(const YAML::Node& node, YamlReader& r, date::year_month_day day) {
  auto keys = r.read_map(node, "a programme", kProgramKeys);
  if (!node.IsMap()) return std::nullopt;
  ProgramEntry entry;
  Program& p = entry.program;
  p.mark = r.mark(node);
  auto get = [&](const char* k) -> const YamlReader::Entry* {
    auto it = keys.find(k);
    return it == keys.end() ? nullptr : &it->second;
  };
  if (auto e = get("omit")) entry.omit = r.boolean(*e, "omit").value_or(false);
  if (auto e = get("id")) {
    p.id_mark = r.mark(e->value);
    if (auto s = r.string(*e, "id")) {
      if (s->empty()) r.diags().error(p.id_mark, "'id' must not be empty");
      p.id = *s;
    }
  }
  if (entry.omit) {
    if (p.id.empty()) {
      r.diags().error(p.mark, "'omit: true' needs the 'id' of the template programme to remove");
      return std::nullopt;
    }
    return entry;
  }
  if (auto e = get("title")) {
    if (auto s = expanded_string(*e, "title", r, day)) p.title = *s;
  }
  if (auto e = get("at")) {
    p.at_mark = r.mark(e->value);
    auto at = r.time_of_day(*e, "at");
    if (!at) return std::nullopt;
    p.at = *at;
  } else {
    r.diags().error(p.mark, fmt::format("programme{} has no 'at:' start time",
                                        p.id.empty() ? "" : " '" + p.id + "'"));
    return std::nullopt;
  }
  if (p.id.empty()) {
    p.id = format_time_of_day(p.at).substr(0, 5);
    if (p.at % std::chrono::minutes(1) != Duration{0}) p.id = format_time_of_day(p.at);
    p.id_derived = true;
    p.id_mark = p.at_mark;
  }
  if (auto e = get("start")) {
    if (auto c = r.choice(*e, "start", {"hard", "soft"})) p.start = *c == "soft" ? StartMode::soft : StartMode::hard;
  }
  if (auto e = get("end")) {
    p.end_mark = r.mark(e->value);
    p.end = r.time_of_day(*e, "end", true);
  }
  if (auto e = get("days")) entry.days = parse_days(*e, r);
  if (auto e = get("loudness")) p.loudness = parse_loudness(*e, r);
  if (auto e = get("items")) {
    if (!e->value.IsSequence()) {
      r.diags().error(r.mark(e->value.IsNull() ? e->key : e->value),
                      fmt::format("'items' must be a list of items, got {}", YamlReader::kind_of(e->value)));
    } else {
      for (const auto& n : e->value)
        if (auto item = parse_item(n, r, day)) p.items.push_back(std::move(*item));
      if (e->value.size() == 0) r.diags().error(r.mark(e->key), fmt::format("programme '{}' has no items", p.id));
    }
  } else {
    r.diags().error(p.mark, fmt::format("programme '{}' has no 'items:'", p.id));
  }
  if (auto e = get("pips")) {
    p.pips = parse_pips(*e, r);
    if (p.pips && p.start == StartMode::soft) {
      r.diags().error(r.mark(e->key), fmt::format("'pips' needs a hard start: the last pip marks {} exactly, and "
                                                  "programme '{}' has 'start: soft'",
                                                  format_time_of_day(p.at).substr(0, 8), p.id));
      p.pips.reset();
    }
    if (p.pips) add_time_signal(p);
  }
  return entry;
}

}  // namespace onair
