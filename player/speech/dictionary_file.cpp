#include "player/speech/dictionary_file.hpp"

#include <fmt/format.h>

#include "scheduler/yaml_file.hpp"
#include "scheduler/yaml_reader.hpp"

namespace onair {

std::optional<SpeechDictionary> load_speech_dictionary(const std::filesystem::path& file, Diagnostics& diags) {
  const std::size_t errors_before = diags.error_count();
  auto doc = read_yaml_file(file, diags, 2 * 1024 * 1024);
  if (!doc) return std::nullopt;
  YamlReader r(doc->file, diags);
  if (doc->root.IsNull()) return SpeechDictionary{};  // an empty file adds nothing
  if (!doc->root.IsMap()) {
    diags.error(r.mark(doc->root), fmt::format("a speech dictionary is a mapping such as 'UBND: ủy ban nhân dân', got {}",
                                               YamlReader::kind_of(doc->root)));
    return std::nullopt;
  }
  if (doc->root.size() > kMaxDictionaryEntries) {
    diags.error(r.mark(doc->root), fmt::format("a speech dictionary holds at most {} entries, this one has {}",
                                               kMaxDictionaryEntries, doc->root.size()));
    return std::nullopt;
  }
  SpeechDictionary dict;
  for (const auto& kv : doc->root) {
    if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
      diags.error(r.mark(kv.first), "a dictionary entry needs the written form as its key");
      continue;
    }
    const std::string written = kv.first.Scalar();
    if (!kv.second.IsScalar() || kv.second.Scalar().empty()) {
      diags.error(r.mark(kv.second.IsNull() ? kv.first : kv.second), fmt::format("{} needs the words to read, e.g. '{}: ủy ban nhân dân'",
                                                 quote_value(written), written));
      continue;
    }
    if (written.find_first_of(" \t\n") != std::string::npos) {
      diags.error(r.mark(kv.first), fmt::format("{}: an abbreviation is one word (no spaces)", quote_value(written)));
      continue;
    }
    if (!dict.words.emplace(written, kv.second.Scalar()).second)
      diags.error(r.mark(kv.first), fmt::format("{} is in the dictionary twice", quote_value(written)));
  }
  if (diags.error_count() != errors_before) return std::nullopt;
  return dict;
}

}  // namespace onair
