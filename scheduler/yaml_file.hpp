#pragma once
// Reads a YAML file defensively: size limit, BOM, UTF-8 validation and parser errors all
// become diagnostics with a line and column, never exceptions or crashes.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "scheduler/diagnostics.hpp"

namespace onair {

struct YamlDocument {
  std::shared_ptr<const std::string> file;  // the name used in diagnostics
  YAML::Node root;
};

// `referenced_from` is where the file was named (for "template not found"), if anywhere.
std::optional<YamlDocument> read_yaml_file(const std::filesystem::path& path, Diagnostics& diags,
                                           std::uintmax_t max_bytes,
                                           const SourceMark* referenced_from = nullptr);

// Parses YAML text already in memory (used by read_yaml_file and by tests).
std::optional<YamlDocument> parse_yaml_text(std::string text, std::shared_ptr<const std::string> file,
                                            Diagnostics& diags);

}  // namespace onair
