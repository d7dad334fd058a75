// The as-run status words are the contract of DESIGN.md: the engine writes them, the daemon
// and the report read them back. One spelling each, round trip exact, others refused.
#include <gtest/gtest.h>

#include "player/asrun/status.hpp"

namespace onair {
namespace {

TEST(AsRunStatusWords, AreTheDesignsAndRoundTrip) {
  const std::pair<AsRunStatus, const char*> words[] = {
      {AsRunStatus::played, "played"}, {AsRunStatus::cut, "cut"},       {AsRunStatus::joined, "joined"},
      {AsRunStatus::skipped, "skipped"}, {AsRunStatus::failed, "failed"}, {AsRunStatus::fill, "fill"},
      {AsRunStatus::silence, "silence"}, {AsRunStatus::interrupted, "interrupted"}};
  for (const auto& [status, word] : words) {
    EXPECT_STREQ(to_string(status), word);
    EXPECT_EQ(parse_asrun_status(word), status) << word;
  }
  for (const char* other : {"", "Played", "play", "ok", "interrupted ", "đã phát"})
    EXPECT_EQ(parse_asrun_status(other), std::nullopt) << other;
}

}  // namespace
}  // namespace onair
