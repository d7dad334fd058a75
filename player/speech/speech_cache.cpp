#include "player/speech/speech_cache.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>

#include "player/decode/prober.hpp"
#include "player/log.hpp"
#include "player/output/wav.hpp"
#include "player/speech/espeak.hpp"
#include "player/speech/external_tts.hpp"

namespace onair {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<spdlog::logger> speech_log() { return named_logger("speech"); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// FNV-1a: stable across runs and builds (std::hash is not), enough for a cache key.
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void write_text_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text << '\n';
}

}  // namespace

SpeechCache::SpeechCache(SpeechCacheOptions options) : options_(std::move(options)) {}

std::string SpeechCache::spoken_text(const std::string& text) const {
  return normalize_vietnamese(text, options_.dictionary);
}

std::string SpeechCache::engine_name() const {
  if (options_.external) return "external " + options_.external->argv.front();
  try {
    return EspeakEngine::instance().version();
  } catch (const SpeechError& e) {
    return "espeak-ng (unavailable)";
  }
}

SpeechResult SpeechCache::render(const std::string& text, const SpeechVoice& voice) {
  SpeechResult r = render_file(text, voice);
  if (!r.file.empty()) {
    FfmpegProber prober;
    const MediaInfo info = prober.probe(r.file);
    if (info.ok) r.length = info.duration;
  }
  return r;
}

SpeechResult SpeechCache::render_file(const std::string& text, const SpeechVoice& voice) {
  SpeechResult r;
  const std::string spoken = spoken_text(text);
  if (spoken.find_first_not_of(" ,.?!") == std::string::npos) {
    r.error = "the text has nothing to read once normalised";
    return r;
  }
  std::string engine;
  try {
    if (!options_.external) {
      EspeakEngine& e = EspeakEngine::instance();
      if (auto why = e.check(voice)) {
        r.error = *why;
        r.voice_error = true;
        return r;
      }
      engine = e.version();
    } else {
      for (const auto& a : options_.external->argv) engine += a + '\0';
    }
  } catch (const SpeechError& e) {
    r.error = e.what();
    return r;
  }
  const std::string key = fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}", engine, kVietnameseNormalizerVersion,
                                      lower(voice.voice), lower(voice.variant), voice.rate_wpm, voice.pitch, spoken);
  const fs::path wav = options_.dir / fmt::format("{:016x}.wav", fnv1a(key));
  std::error_code ec;
  if (fs::is_regular_file(wav, ec) && fs::file_size(wav, ec) > 44) {
    ++reused_;
    r.file = wav;
    return r;
  }
  fs::create_directories(options_.dir, ec);
  if (ec) {
    r.error = fmt::format("cannot create the speech cache {}: {}", options_.dir.string(), ec.message());
    return r;
  }
  return synthesize_to(wav, spoken, voice);
}

SpeechResult SpeechCache::synthesize_to(const fs::path& wav, const std::string& spoken, const SpeechVoice& voice) {
  SpeechResult r;
  // Written beside its final name and renamed: a crash or a second process never leaves a
  // half file under the name the next check would trust.
  // Per process and per call: the day loader and a spoken time's source may render at once.
  static std::atomic<unsigned> calls{0};
  const fs::path tmp = wav.string() + fmt::format(".{}.{}.tmp", ::getpid(), calls.fetch_add(1));
  try {
    if (options_.external) {
      auto out = run_external_tts(options_.external->argv, spoken, options_.external->timeout);
      if (!out.error.empty()) throw SpeechError(out.error);
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f.write(out.wav.data(), static_cast<std::streamsize>(out.wav.size()));
      if (!f) throw SpeechError("cannot write " + tmp.string());
    } else {
      EspeakEngine& engine = EspeakEngine::instance();
      WavOutputOptions o;
      o.path = tmp;
      o.sample_format = WavSampleFormat::pcm16;
      o.header_interval = std::chrono::hours(1);  // a temporary name until closed: no fix-ups needed
      WavOutput out(o);
      out.open(AudioFormat{engine.sample_rate(), 1});
      // Streamed to the file as espeak-ng speaks: a long bulletin never sits in memory whole.
      struct ToWav final : SpeechSink {
        WavOutput& wav;
        explicit ToWav(WavOutput& w) : wav(w) {}
        void samples(const std::int16_t* mono, std::size_t count) override {
          wav.write_pcm16(mono, static_cast<FrameCount>(count));
        }
      } sink(out);
      if (engine.synthesize(spoken, voice, sink) == 0) throw SpeechError("espeak-ng produced no audio for the text");
      out.close();
    }
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    r.error = e.what();
    return r;
  }
  std::error_code ec;
  fs::rename(tmp, wav, ec);
  if (ec) {
    fs::remove(tmp, ec);
    r.error = fmt::format("cannot store the rendered speech in {}: {}", wav.parent_path().string(), ec.message());
    return r;
  }
  // What was read, for an operator wondering why a word sounds wrong.
  write_text_file(fs::path(wav).replace_extension(".txt"), spoken);
  ++rendered_;
  speech_log()->info("rendered {} ({} chars, voice {})", wav.filename().string(), spoken.size(), voice.voice);
  r.file = wav;
  return r;
}

}  // namespace onair
