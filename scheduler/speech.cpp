#include "scheduler/speech.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "scheduler/media_paths.hpp"
#include "scheduler/model.hpp"
#include "scheduler/spoken_time.hpp"
#include "scheduler/yaml_reader.hpp"

namespace onair {
namespace {

namespace fs = std::filesystem;

// A bulletin is a few pages; a larger `say_file:` is a mistake (a recording named by accident).
constexpr std::uintmax_t kMaxTextBytes = 256 * 1024;

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// The text a spoken item reads, or an error at its line.
std::optional<std::string> text_of(const Schedule& s, const SpeechSpec& spec, const SourceMark& mark,
                                   Diagnostics& diags) {
  if (spec.text_file.empty()) return spec.text;
  const ResolvedPath resolved = resolve_media_path(s.media_root, spec.text_file);
  if (!resolved.error.empty()) {
    diags.error(mark, fmt::format("say_file {}: {}", quote_value(spec.text_file), resolved.error));
    return std::nullopt;
  }
  std::error_code ec;
  const auto size = fs::file_size(resolved.path, ec);
  if (ec) {
    diags.error(mark, fmt::format("say_file {} not found (looked for {})", quote_value(spec.text_file),
                                  resolved.path.string()));
    return std::nullopt;
  }
  if (size > kMaxTextBytes) {
    diags.error(mark, fmt::format("say_file {} is {} bytes; a text to read is at most {} (is it the right file?)",
                                  quote_value(spec.text_file), size, kMaxTextBytes));
    return std::nullopt;
  }
  std::ifstream in(resolved.path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    diags.error(mark, fmt::format("say_file {} cannot be read", quote_value(spec.text_file)));
    return std::nullopt;
  }
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a BOM from Windows editors
  if (!valid_utf8(text)) {
    diags.error(mark, fmt::format("say_file {} is not UTF-8 text (save it as UTF-8)", quote_value(spec.text_file)));
    return std::nullopt;
  }
  return text;
}

// The slot of a `say_time:` item: its longest reading, rendered (and so checked) now.
void size_spoken_time(Item& item, SpeechRenderer* renderer, Diagnostics& diags) {
  const SpeechSpec& spec = *item.speech;
  if (!renderer) {
    diags.error(spec.text_mark, "spoken items cannot be rendered here (no speech engine)");
    return;
  }
  Duration longest{0};
  for (const ClockReading reading : slot_readings()) {
    const auto text = fill_spoken_time(spec.text, reading);
    if (!text.text) return;  // reported by the parser
    SpeechResult r = renderer->render(*text.text, spec.voice);
    if (r.file.empty()) {
      diags.error(r.voice_error ? spec.voice_mark : spec.text_mark,
                  r.error.empty() ? std::string("the text could not be spoken") : r.error);
      return;
    }
    if (!r.length) {
      diags.error(spec.text_mark, fmt::format("the length of the spoken time {} is unknown", quote_value(*text.text)));
      return;
    }
    longest = std::max(longest, *r.length);
  }
  item.duration = longest + kSpokenTimeMargin;
}

}  // namespace

void render_speech(Schedule& schedule, SpeechRenderer* renderer, Diagnostics& diags) {
  for (auto& program : schedule.programs)
    for (auto& item : program.items) {
      if (item.kind == ItemKind::spoken_time && item.speech && !item.speech->has_errors) {
        size_spoken_time(item, renderer, diags);
        continue;
      }
      if (item.kind != ItemKind::speech || !item.speech || item.speech->has_errors) continue;
      const SpeechSpec& spec = *item.speech;
      auto text = text_of(schedule, spec, spec.text_mark, diags);
      if (!text) continue;
      if (blank(*text)) {
        diags.error(spec.text_mark, spec.text_file.empty()
                                        ? std::string("'say' has no text to read")
                                        : fmt::format("say_file {} has no text to read", quote_value(spec.text_file)));
        continue;
      }
      if (!renderer) {
        diags.error(spec.text_mark, "spoken items cannot be rendered here (no speech engine)");
        continue;
      }
      SpeechResult r = renderer->render(*text, spec.voice);
      if (r.file.empty()) {
        diags.error(r.voice_error ? spec.voice_mark : spec.text_mark,
                    r.error.empty() ? std::string("the text could not be spoken") : r.error);
        continue;
      }
      item.kind = ItemKind::file;
      item.source = r.file.string();
      item.source_mark = spec.text_mark;
      item.generated = true;
    }
}

}  // namespace onair
