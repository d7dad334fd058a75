#pragma once
// Where to start decoding so that a cue-in reached by seeking produces exactly the
// samples a decode from the very start would have produced there. Pure arithmetic.
//
// Two things carry state across samples and must be rebuilt before the cue:
//  - the codec (overlap, bit reservoir, filter memory): decode `preroll` input samples
//    before the first sample that is used;
//  - the resampler's polyphase filter: a fresh resampler started at input sample P
//    matches a from-the-start one only if P is a multiple of in_rate/gcd (the filter
//    phase pattern repeats there) and once its own start-up transient has passed.
#include <cstdint>

#include "player/pcm/audio_format.hpp"

namespace onair {

struct CueInPlan {
  bool seek = false;                // false: decode from the start and discard to the cue
  std::int64_t feed_from_in = 0;    // first input sample given to a fresh resampler
  FrameCount feed_from_out = 0;     // the output frame that sample turns into (exact)
  std::int64_t decode_from_in = 0;  // decoding must start at or before this input sample
};

// cue_in in output frames; preroll in input samples.
CueInPlan plan_cue_in(FrameCount cue_in, int in_rate, int out_rate, std::int64_t preroll);

}  // namespace onair
