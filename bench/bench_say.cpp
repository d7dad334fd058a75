// The speech path alone, as the daemon runs it when it loads a day: one SpeechCache::render
// of a text file (normalise, libespeak-ng, PCM16 WAV into the cache). Linked with only what
// that path uses, so a run costs what the rendering costs, not the ~160 shared libraries the
// `onair` command maps for FFmpeg before main() (bench/say_cpu.sh reports both).
//
//   bench_say TEXT_FILE CACHE_DIR
#include <fstream>
#include <iostream>
#include <iterator>

#include "player/speech/speech_cache.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bench_say TEXT_FILE CACHE_DIR\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  onair::SpeechCacheOptions o;
  o.dir = argv[2];
  onair::SpeechCache cache(std::move(o));
  const onair::SpeechResult r = cache.render(text, onair::SpeechVoice{});
  if (r.file.empty()) {
    std::cerr << "bench_say: " << r.error << "\n";
    return 1;
  }
  std::cout << r.file.string() << "\n";
  return 0;
}
