#pragma once
// The work each fuzz target does with one input, shared by the libFuzzer executables
// (built with clang, ONAIR_FUZZ=ON) and by the regression test that replays the corpus
// and every crash ever found (tests/fuzz, built with the normal compiler and sanitizers).
#include <cstddef>
#include <cstdint>
#include <span>

namespace onair::fuzz {

// Arbitrary bytes as a day's schedule file: load, validate (fake media), plan, report,
// build the edit decision list. Must never crash, hang or throw.
void schedule_input(std::span<const std::uint8_t> bytes);

// Arbitrary bytes as a media file: probe it, then decode it to the end (bounded) from
// the start and from a cue-in. Must never crash, hang or throw.
void media_input(std::span<const std::uint8_t> bytes);

}  // namespace onair::fuzz
