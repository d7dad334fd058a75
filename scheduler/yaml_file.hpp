#pragma once
// Reads a YAML file defensively: size limit, BOM, UTF-8 validation and parser errors all
// become diagnostics with a line and column, never exceptions or crashes.
#include <yaml-cpp/yaml.h>

#include <cstddef>
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

// Expanded YAML nodes one file may hold (aliases included, each use counted): a schedule at
// the per-day limits has well under this; an alias "bomb" is refused at the first excess.
inline constexpr std::size_t kMaxYamlNodes = 2'000'000;
// Nesting levels one file may have (a schedule has about 6): deeper is refused, which also
// stops an alias that refers to its own collection ("&a [*a]", a cycle).
inline constexpr int kMaxYamlDepth = 64;

// Reads a whole regular file without ever blocking on it: non-regular files (FIFOs, devices,
// sockets, folders) are refused after stat, and the open uses O_NONBLOCK plus fstat so a file
// swapped for a FIFO in between is refused too. On failure returns nullopt and sets `error`
// to a sentence without the file name ("is a FIFO, not a regular file").
// `size` is set to the file's size when known (for "too large" messages).
struct FileReadError {
  enum Kind { missing, not_regular, too_large, io } kind = io;
  std::string message;
  std::uintmax_t size = 0;
};
std::optional<std::string> read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes,
                                             FileReadError& error);

// `referenced_from` is where the file was named (for "template not found"), if anywhere.
std::optional<YamlDocument> read_yaml_file(const std::filesystem::path& path, Diagnostics& diags,
                                           std::uintmax_t max_bytes,
                                           const SourceMark* referenced_from = nullptr);

// Parses YAML text already in memory (used by read_yaml_file and by tests).
std::optional<YamlDocument> parse_yaml_text(std::string text, std::shared_ptr<const std::string> file,
                                            Diagnostics& diags, std::size_t max_nodes = kMaxYamlNodes);

}  // namespace onair
