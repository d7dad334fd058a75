#pragma once
// Spoken items rendered ahead of air (docs/speech.md): the text is normalised for reading
// (numbers, dates, abbreviations → words), spoken by espeak-ng, and kept as a WAV in a cache
// keyed by everything that changes the sound: the normalised text, the voice settings, the
// normaliser's and the engine's versions. A second `check` of the same day renders nothing.
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "player/speech/normalize_vi.hpp"
#include "scheduler/speech.hpp"

namespace onair {

struct ExternalTts {
  std::vector<std::string> argv;  // text on stdin, a WAV on stdout; no shell
  std::chrono::milliseconds timeout{60'000};
};

struct SpeechCacheOptions {
  std::filesystem::path dir;     // created on first render
  SpeechDictionary dictionary;   // the station's abbreviations, over the built-in ones
  std::optional<ExternalTts> external;  // `tts: { command: … }`; espeak-ng otherwise
};

class SpeechCache final : public SpeechRenderer {
 public:
  explicit SpeechCache(SpeechCacheOptions options);

  SpeechResult render(const std::string& text, const SpeechVoice& voice) override;

  // What would be spoken: the normalised text on one line.
  std::string spoken_text(const std::string& text) const;
  // The engine that speaks ("espeak-ng 1.51", or the external command's first word).
  std::string engine_name() const;

  std::size_t rendered() const { return rendered_.load(); }  // synthesised by this cache
  std::size_t reused() const { return reused_.load(); }      // found already rendered
  const std::filesystem::path& dir() const { return options_.dir; }

 private:
  SpeechResult render_file(const std::string& text, const SpeechVoice& voice);
  SpeechResult synthesize_to(const std::filesystem::path& wav, const std::string& spoken, const SpeechVoice& voice);

  SpeechCacheOptions options_;
  std::atomic<std::size_t> rendered_{0}, reused_{0};
};

}  // namespace onair
