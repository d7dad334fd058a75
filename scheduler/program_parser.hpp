#pragma once
// Parses `programs:` entries and their items from YAML into the model.
#include <cstdint>
#include <optional>
#include <vector>

#include "scheduler/model.hpp"
#include "scheduler/yaml_reader.hpp"

namespace onair {

// A programme as written in one file: templates may restrict it to weekdays, and a
// day file may remove a template's programme with `omit: true`.
struct ProgramEntry {
  Program program;
  bool omit = false;
  std::optional<std::uint8_t> days;  // bit c_encoding() set for each weekday it airs
};

std::optional<ProgramEntry> parse_program(const YAML::Node& node, YamlReader& reader,
                                          date::year_month_day day);

// Parses a `days:` value: a list of mon…sun / monday…sunday, or daily | weekdays | weekends.
std::optional<std::uint8_t> parse_days(const YamlReader::Entry& e, YamlReader& reader);

// Parses a `loudness:` value: off | on | { target, true_peak, max_gain }.
std::optional<LoudnessSpec> parse_loudness(const YamlReader::Entry& e, YamlReader& reader);

// Text with date placeholders expanded; a diagnostic on a bad placeholder.
std::optional<std::string> expanded_string(const YamlReader::Entry& e, std::string_view key,
                                           YamlReader& reader, date::year_month_day day);

}  // namespace onair
