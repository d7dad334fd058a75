#pragma once
// The speech renderer the commands use: espeak-ng behind the speech cache
// (--speech-cache, default $XDG_CACHE_HOME/onair/speech) with the station's dictionary
// (--speech-dictionary).
#include <memory>

#include "cli/commands.hpp"
#include "player/speech/speech_cache.hpp"

namespace onair {

// nullptr, with the dictionary's problems printed to stderr, when the dictionary is bad.
std::unique_ptr<SpeechCache> make_speech_cache(const CommonOptions& common);

}  // namespace onair
