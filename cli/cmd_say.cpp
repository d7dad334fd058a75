// `onair say`: a text read as a `say:` item would be (normalised, spoken, cached).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "cli/speech_setup.hpp"
#include "scheduler/yaml_file.hpp"

namespace onair {

namespace fs = std::filesystem;

int cmd_say(const SayArgs& args, const CommonOptions& common) {
  std::string text = args.text;
  if (args.file) {
    if (!args.text.empty()) {
      std::cerr << "onair: say takes a TEXT or --file, not both\n";
      return 2;
    }
    FileReadError error;
    auto read = read_regular_file(*args.file, 256 * 1024, error);
    if (!read) {
      std::cerr << "onair: " << args.file->string() << ": " << error.message << "\n";
      return 1;
    }
    text = std::move(*read);
  } else if (text == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    std::cerr << "onair: say needs a text (TEXT, - for standard input, or --file FILE)\n";
    return 2;
  }
  auto speech = make_speech_cache(common);
  if (!speech) return 1;
  if (args.print_text) {
    std::cout << speech->spoken_text(text) << "\n";
    return 0;
  }
  SpeechVoice voice;
  voice.voice = args.voice;
  voice.rate_wpm = args.rate;
  voice.pitch = args.pitch;
  voice.variant = args.variant;
  const SpeechResult r = speech->render(text, voice);
  if (r.file.empty()) {
    std::cerr << "onair: cannot say it: " << r.error << "\n";
    return 1;
  }
  if (!args.out) {
    std::cout << r.file.string() << "\n";
    return 0;
  }
  std::error_code ec;
  fs::copy_file(r.file, *args.out, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    std::cerr << "onair: cannot write " << args.out->string() << ": " << ec.message() << "\n";
    return 1;
  }
  std::cerr << fmt::format("onair: {} ({}, {}{})\n", args.out->string(), speech->engine_name(), voice.voice,
                           speech->reused() ? ", from the cache" : "");
  return 0;
}

}  // namespace onair
