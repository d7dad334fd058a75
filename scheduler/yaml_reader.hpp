#pragma once
// Typed, source-marked reading of yaml-cpp nodes. Every problem becomes a diagnostic
// that names the file, line, column and the offending value; nothing throws out of here.
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/diagnostics.hpp"
#include "scheduler/timecode.hpp"

namespace onair {

// Edit distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small distance, or empty.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// Shows a scalar in a message, shortened and quoted.
std::string quote_value(std::string_view value);

class YamlReader {
 public:
  YamlReader(std::shared_ptr<const std::string> file, Diagnostics& diags)
      : file_(std::move(file)), diags_(diags) {}

  SourceMark mark(const YAML::Node& node) const;
  Diagnostics& diags() const { return diags_; }

  // Describes a node's kind for messages: "a list", "a mapping", "an empty value", ...
  static std::string kind_of(const YAML::Node& node);

  // The keys of a mapping, checked: duplicates and unknown keys are reported (with a
  // "did you mean" when close). Returns key → (key node, value node) for known keys.
  struct Entry {
    YAML::Node key;
    YAML::Node value;
  };
  std::map<std::string, Entry> read_map(const YAML::Node& map, std::string_view what,
                                        const std::vector<std::string>& allowed);

  // Typed values; on a wrong type or format, a diagnostic and nullopt.
  std::optional<std::string> string(const Entry& e, std::string_view key);
  std::optional<Duration> duration(const Entry& e, std::string_view key);
  std::optional<Duration> time_of_day(const Entry& e, std::string_view key, bool allow_24 = false);
  std::optional<double> number(const Entry& e, std::string_view key, double min, double max);
  std::optional<bool> boolean(const Entry& e, std::string_view key);
  std::optional<std::string> choice(const Entry& e, std::string_view key,
                                    const std::vector<std::string>& choices);

 private:
  std::shared_ptr<const std::string> file_;
  Diagnostics& diags_;
};

}  // namespace onair
