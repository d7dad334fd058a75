#pragma once
// The station's own abbreviations for speech (`speech: { dictionary: FILE }`,
// `--speech-dictionary FILE`): a YAML mapping of what is written to what is read,
//   UBND: ủy ban nhân dân
//   "Tp.": thành phố
// added to (and overriding) the built-in Vietnamese ones. Problems name the file and line.
#include <filesystem>
#include <optional>

#include "player/speech/normalize_vi.hpp"
#include "scheduler/diagnostics.hpp"

namespace onair {

inline constexpr std::size_t kMaxDictionaryEntries = 20'000;

std::optional<SpeechDictionary> load_speech_dictionary(const std::filesystem::path& file, Diagnostics& diags);

}  // namespace onair
