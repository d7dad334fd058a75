#pragma once
// The gain of a segment over output frames, as one Envelope: its gain, fade in and out,
// crossfade in and out (equal power) and, when it is cut short, the cut fade ending on its
// last frame. The engine mixes every segment through it.
#include "player/pcm/envelope.hpp"
#include "scheduler/edl.hpp"

namespace onair {

Envelope envelope_of(const Segment& s);

}  // namespace onair
