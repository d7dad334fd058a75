#include "player/asrun/status.hpp"

#include <array>
#include <utility>

namespace onair {
namespace {

constexpr std::array<std::pair<AsRunStatus, std::string_view>, 8> kNames{{
    {AsRunStatus::played, "played"},
    {AsRunStatus::cut, "cut"},
    {AsRunStatus::joined, "joined"},
    {AsRunStatus::skipped, "skipped"},
    {AsRunStatus::failed, "failed"},
    {AsRunStatus::fill, "fill"},
    {AsRunStatus::silence, "silence"},
    {AsRunStatus::interrupted, "interrupted"},
}};

}  // namespace

const char* to_string(AsRunStatus status) {
  for (const auto& [s, name] : kNames)
    if (s == status) return name.data();
  return "?";
}

std::optional<AsRunStatus> parse_asrun_status(std::string_view text) {
  for (const auto& [s, name] : kNames)
    if (name == text) return s;
  return std::nullopt;
}

}  // namespace onair
