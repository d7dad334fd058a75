#include "scheduler/model.hpp"

namespace onair {

std::string Item::display_title() const {
  if (!title.empty()) return title;
  switch (kind) {
    case ItemKind::file:
      return std::filesystem::path(source).filename().string();
    case ItemKind::relay:
      return "relay " + source;
    case ItemKind::silence:
      return "silence";
  }
  return {};
}

}  // namespace onair
