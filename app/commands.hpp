#pragma once
// The subcommands. Each returns the process exit code.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace onair {

struct CommonOptions {
  std::optional<std::filesystem::path> media_root;
  std::optional<std::filesystem::path> probe_cache;  // empty: default location
  bool no_probe_cache = false;
};

int cmd_check(const std::vector<std::string>& schedules, const CommonOptions& common);
int cmd_plan(const std::string& schedule, bool json, const CommonOptions& common);

}  // namespace onair
