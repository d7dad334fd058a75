#pragma once
// Speech from text with libespeak-ng (no cloud, no shell): Vietnamese voices vi,
// vi-VN-x-central, vi-VN-x-south, a rate, a pitch and a voice variant (male, female, or an
// espeak-ng variant such as f3). The library keeps its state in globals, so there is one
// engine per process and every call holds its lock: bulletins are rendered one at a time,
// ahead of air, never on a real-time thread.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scheduler/speech.hpp"

namespace onair {

struct SpeechError : std::runtime_error {
  using std::runtime_error::runtime_error;
};


// Where synthesised speech goes as it comes (mono 16-bit, a few thousand samples at a
// time): streamed to its file, never held whole in memory.
class SpeechSink {
 public:
  virtual ~SpeechSink() = default;
  virtual void samples(const std::int16_t* mono, std::size_t count) = 0;
};

class EspeakEngine {
 public:
  // The process's engine, initialised on first use. Throws SpeechError when espeak-ng's
  // data cannot be found.
  static EspeakEngine& instance();

  // A message naming the bad value (unknown voice or variant, rate or pitch out of range),
  // or nullopt when `v` can speak.
  std::optional<std::string> check(const SpeechVoice& v);
  // Speaks `text` into `sink`; returns the number of samples. Throws SpeechError (check()'s
  // message, or the library's error); what `sink` throws ends the synthesis and is rethrown.
  std::size_t synthesize(const std::string& text, const SpeechVoice& v, SpeechSink& sink);
  int sample_rate() const { return sample_rate_; }

  // "espeak-ng 1.51" (the speech cache keys on it: a new engine speaks differently).
  const std::string& version() const { return version_; }
  // The Vietnamese voices espeak-ng has (for messages).
  std::vector<std::string> voice_names() const { return voices_; }

 private:
  EspeakEngine();
  std::string version_;
  std::vector<std::string> voices_;     // as espeak-ng's files name them ("vi-VN-x-central"); any case matches
  std::vector<std::string> variants_;   // file names under voices/!v
  int sample_rate_ = 0;
};

}  // namespace onair
