#include "player/speech/espeak.hpp"

#include <espeak-ng/speak_lib.h>
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <cctype>
#include <filesystem>
#include <mutex>

namespace onair {
namespace {

std::mutex& engine_mutex() {
  static std::mutex m;
  return m;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The synthesis callback's destination, passed through espeak_Synth's user_data. An
// exception must not cross the C library: it is kept and the synthesis stopped.
struct Collector {
  SpeechSink& sink;
  std::size_t count = 0;
  std::exception_ptr error;
};

int collect(short* wav, int count, espeak_EVENT* events) {
  if (!wav || count <= 0 || !events || !events->user_data) return 0;
  auto* c = static_cast<Collector*>(events->user_data);
  try {
    c->sink.samples(reinterpret_cast<const std::int16_t*>(wav), static_cast<std::size_t>(count));
    c->count += static_cast<std::size_t>(count);
  } catch (...) {
    c->error = std::current_exception();
    return 1;  // stop
  }
  return 0;  // go on
}

std::string variant_file(const std::string& variant) {
  if (variant.empty() || variant == "male") return "";
  if (variant == "female") return "f3";
  return variant;
}

}  // namespace

EspeakEngine& EspeakEngine::instance() {
  static EspeakEngine engine;
  return engine;
}

EspeakEngine::EspeakEngine() {
  std::lock_guard lock(engine_mutex());
  // DONT_EXIT: a missing data folder must be an error here, not the library ending the process.
  sample_rate_ = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (sample_rate_ <= 0) throw SpeechError("espeak-ng cannot start: its data (espeak-ng-data) was not found");
  espeak_SetSynthCallback(&collect);
  const char* data = nullptr;
  version_ = std::string("espeak-ng ") + espeak_Info(&data);
  espeak_VOICE spec{};
  spec.languages = "vi";
  for (const espeak_VOICE** v = espeak_ListVoices(&spec); v && *v; ++v) {
    if (!(*v)->identifier) continue;
    const std::string id = (*v)->identifier;  // "aav/vi-VN-x-central": the name is the file's
    voices_.push_back(id.substr(id.rfind('/') + 1));
  }
  std::error_code ec;
  if (data)
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(data) / "voices" / "!v", ec))
      variants_.push_back(e.path().filename().string());
  std::sort(variants_.begin(), variants_.end());
}

std::optional<std::string> EspeakEngine::check(const SpeechVoice& v) {
  if (std::none_of(voices_.begin(), voices_.end(), [&](const std::string& n) { return lower(n) == lower(v.voice); })) {
    std::string known;
    for (const auto& n : voices_) known += (known.empty() ? "" : ", ") + n;
    return fmt::format("unknown voice '{}' (espeak-ng has: {})", v.voice, known);
  }
  const std::string file = variant_file(v.variant);
  if (!file.empty() && !std::binary_search(variants_.begin(), variants_.end(), file))
    return fmt::format("unknown variant '{}' (male, female, or an espeak-ng variant such as m3, f2, f4)", v.variant);
  if (v.rate_wpm < espeakRATE_MINIMUM || v.rate_wpm > espeakRATE_MAXIMUM)
    return fmt::format("rate {} is out of range ({} to {} words per minute)", v.rate_wpm, espeakRATE_MINIMUM,
                       espeakRATE_MAXIMUM);
  if (v.pitch < 0 || v.pitch > 100) return fmt::format("pitch {} is out of range (0 to 100)", v.pitch);
  return std::nullopt;
}

std::size_t EspeakEngine::synthesize(const std::string& text, const SpeechVoice& v, SpeechSink& sink) {
  if (auto why = check(v)) throw SpeechError(*why);
  std::lock_guard lock(engine_mutex());
  const std::string file = variant_file(v.variant);
  const std::string name = lower(v.voice) + (file.empty() ? "" : "+" + file);
  if (espeak_SetVoiceByName(name.c_str()) != EE_OK) throw SpeechError(fmt::format("espeak-ng cannot load voice '{}'", name));
  espeak_SetParameter(espeakRATE, v.rate_wpm, 0);
  espeak_SetParameter(espeakPITCH, v.pitch, 0);
  Collector collector{sink, 0, nullptr};
  const espeak_ERROR r = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8 | espeakENDPAUSE,
                                      nullptr, &collector);
  espeak_Synchronize();
  if (collector.error) std::rethrow_exception(collector.error);
  if (r != EE_OK) throw SpeechError(fmt::format("espeak-ng could not speak the text (error {})", static_cast<int>(r)));
  return collector.count;
}

}  // namespace onair
