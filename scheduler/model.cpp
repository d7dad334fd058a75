#include "scheduler/model.hpp"

namespace onair {

std::string Item::display_title() const {
  if (!title.empty()) return title;
  if (speech) {
    // The first words of what is read (whole UTF-8 characters).
    const std::string& text = speech->text.empty() ? speech->text_file : speech->text;
    std::size_t cut = 0, chars = 0;
    while (cut < text.size() && chars < 40) {
      ++cut;
      while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;
      ++chars;
    }
    return (kind == ItemKind::spoken_time ? "say_time: " : "say: ") + text.substr(0, cut) +
           (cut < text.size() ? "…" : "");
  }
  switch (kind) {
    case ItemKind::file:
      return std::filesystem::path(source).filename().string();
    case ItemKind::relay:
      return "relay " + source;
    case ItemKind::silence:
      return "silence";
    case ItemKind::speech:
      return "say";
    case ItemKind::tone:
      return "time signal";
    case ItemKind::spoken_time:
      return "say_time";
  }
  return {};
}

std::size_t Program::written_number(std::size_t index) const {
  std::size_t generated = 0;
  for (std::size_t i = 0; i < items.size() && items[i].kind == ItemKind::tone; ++i) ++generated;
  return index < generated ? 0 : index - generated + 1;
}

}  // namespace onair
