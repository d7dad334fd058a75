#include "scheduler/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace onair {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string quote_value(std::string_view value) {
  std::string shown;
  std::size_t count = 0;
  for (char c : value) {
    if (++count > 60) {
      shown += "…";
      break;
    }
    if (c == '\n') shown += "\\n";
    else if (c == '\t') shown += "\\t";
    else shown += c;
  }
  return "'" + shown + "'";
}

SourceMark YamlReader::mark(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return {file_, 0, 0};
  return {file_, m.line + 1, m.column + 1};
}

std::string YamlReader::kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "an empty value";
    case YAML::NodeType::Scalar: return quote_value(node.Scalar());
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

std::map<std::string, YamlReader::Entry> YamlReader::read_map(
    const YAML::Node& map, std::string_view what, const std::vector<std::string>& allowed) {
  std::map<std::string, Entry> out;
  if (!map.IsMap()) {
    diags_.error(mark(map), fmt::format("{} must be a mapping of keys, got {}", what, kind_of(map)));
    return out;
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      diags_.error(mark(key), fmt::format("{}: a key must be a plain word, got {}", what, kind_of(key)));
      continue;
    }
    const std::string name = key.Scalar();
    if (auto found = out.find(name); found != out.end()) {
      diags_.error(mark(key), fmt::format("duplicate key '{}' in {} (first given at line {})", name,
                                          what, mark(found->second.key).line));
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string hint = closest_match(name, allowed);
      diags_.error(mark(key), fmt::format("unknown key {} in {}{}", quote_value(name), what,
                                          hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
      // Remember it so a duplicate of an unknown key is not reported twice.
      out.emplace(name, Entry{key, YAML::Node()});
      continue;
    }
    out.emplace(name, Entry{key, it->second});
  }
  // Drop the placeholders of unknown keys.
  for (auto it = out.begin(); it != out.end();) {
    if (!it->second.value.IsDefined()) it = out.erase(it);
    else ++it;
  }
  return out;
}

std::optional<std::string> YamlReader::string(const Entry& e, std::string_view key) {
  if (!e.value.IsScalar()) {
    diags_.error(mark(e.value.IsNull() ? e.key : e.value),
                 fmt::format("'{}' must be text, got {}", key, kind_of(e.value)));
    return std::nullopt;
  }
  return e.value.Scalar();
}

std::optional<Duration> YamlReader::duration(const Entry& e, std::string_view key) {
  auto text = string(e, key);
  if (!text) return std::nullopt;
  auto parsed = parse_duration(*text);
  if (!parsed.value) {
    diags_.error(mark(e.value), fmt::format("invalid duration {} for '{}': {}", quote_value(*text),
                                            key, parsed.error));
  }
  return parsed.value;
}

std::optional<Duration> YamlReader::time_of_day(const Entry& e, std::string_view key, bool allow_24) {
  auto text = string(e, key);
  if (!text) return std::nullopt;
  auto parsed = parse_time_of_day(*text, allow_24);
  if (!parsed.value) {
    diags_.error(mark(e.value), fmt::format("invalid time {} for '{}': {}", quote_value(*text), key,
                                            parsed.error));
  }
  return parsed.value;
}

std::optional<double> YamlReader::number(const Entry& e, std::string_view key, double min, double max) {
  auto text = string(e, key);
  if (!text) return std::nullopt;
  double v = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  if (begin != end && *begin == '+') ++begin;
  auto r = std::from_chars(begin, end, v);
  if (r.ec != std::errc() || r.ptr != end || !std::isfinite(v)) {
    diags_.error(mark(e.value), fmt::format("'{}' must be a number, got {}", key, quote_value(*text)));
    return std::nullopt;
  }
  if (v < min || v > max) {
    diags_.error(mark(e.value), fmt::format("'{}' value {} is out of range {} to {}", key, *text, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(const Entry& e, std::string_view key) {
  auto text = string(e, key);
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "yes" || *text == "on") return true;
  if (*text == "false" || *text == "no" || *text == "off") return false;
  diags_.error(mark(e.value), fmt::format("'{}' must be true or false, got {}", key, quote_value(*text)));
  return std::nullopt;
}

std::optional<std::string> YamlReader::choice(const Entry& e, std::string_view key,
                                              const std::vector<std::string>& choices) {
  auto text = string(e, key);
  if (!text) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : " | ") + c;
  std::string hint = closest_match(*text, choices);
  diags_.error(mark(e.value), fmt::format("invalid value {} for '{}': expected {}{}", quote_value(*text),
                                          key, list, hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
  return std::nullopt;
}

}  // namespace onair
