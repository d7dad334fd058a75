#pragma once
// The time signal's pips (scheduler/time_signal.hpp), generated as they air: a few
// multiplications per sample, no thread, no I/O, no allocation, so reading it on the render
// thread is as safe as reading a ring, and every pip starts on its exact frame.
#include <memory>

#include "player/source/source.hpp"
#include "scheduler/time_signal.hpp"

namespace onair {

// `position` is the first frame to produce, counted from the tone's start (non-zero when
// joining part-way); `length` ends it.
std::unique_ptr<Source> make_tone_source(const ToneSpec& tone, FrameCount position, FrameCount length,
                                         const AudioFormat& format);

}  // namespace onair
