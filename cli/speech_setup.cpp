#include "cli/speech_setup.hpp"

#include <iostream>

#include "cli/media_probing.hpp"
#include "player/speech/dictionary_file.hpp"

namespace onair {

std::unique_ptr<SpeechCache> make_speech_cache(const CommonOptions& common) {
  SpeechCacheOptions o;
  o.dir = common.speech_cache.value_or(default_cache_dir() / "speech");
  if (common.speech_dictionary) {
    Diagnostics diags;
    auto dict = load_speech_dictionary(*common.speech_dictionary, diags);
    for (const auto& d : diags.items()) std::cerr << d.format() << "\n";
    if (!dict) return nullptr;
    o.dictionary = std::move(*dict);
  }
  return std::make_unique<SpeechCache>(std::move(o));
}

}  // namespace onair
