#pragma once
// A `say_time:` segment's audio (scheduler/spoken_time.hpp): the text, already filled in with
// its air time, is spoken by the station's speech renderer on this source's own thread when
// the engine opens it at pre-roll, then decoded like a file. The slot is fixed: a shorter
// reading is followed by silence up to `length`, a longer one ends there.
#include <memory>
#include <string>

#include "player/source/source.hpp"
#include "scheduler/speech.hpp"

namespace onair {

// `position` is the first frame to produce from the reading's start (joining part-way).
// A null `renderer` gives a source that fails ("no speech engine").
std::unique_ptr<Source> make_spoken_source(std::string text, SpeechVoice voice, SpeechRenderer* renderer,
                                           FrameCount position, FrameCount length, const AudioFormat& format);

}  // namespace onair
