// libFuzzer entry: arbitrary bytes as a schedule file (scripts/fuzz.sh runs it).
#include <spdlog/spdlog.h>

#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // diagnostics are formatted, not printed
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  onair::fuzz::schedule_input({data, size});
  return 0;
}
