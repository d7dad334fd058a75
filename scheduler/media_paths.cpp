#include "scheduler/media_paths.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace onair {

namespace fs = std::filesystem;

ResolvedPath resolve_media_path(const fs::path& media_root, const std::string& relative) {
  const fs::path root = media_root.lexically_normal();
  fs::path rel(relative);
  fs::path full = rel.is_absolute() ? rel.lexically_normal() : (root / rel).lexically_normal();
  const fs::path inside = full.lexically_relative(root);
  if (inside.empty() || *inside.begin() == "..") {
    return {full, "path escapes the media root " + root.string()};
  }
  return {full, {}};
}

std::string to_nfc(const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return utf8;
  const icu::UnicodeString in = icu::UnicodeString::fromUTF8(utf8);
  icu::UnicodeString out = nfc->normalize(in, status);
  if (U_FAILURE(status)) return utf8;
  std::string result;
  out.toUTF8String(result);
  return result;
}

std::optional<fs::path> find_other_normalization(const fs::path& path) {
  // Walk down from the first existing ancestor, matching each missing component by NFC.
  fs::path current = path.root_path();
  bool changed = false;
  for (const auto& part : path.relative_path()) {
    std::error_code ec;
    if (fs::exists(current / part, ec)) {
      current /= part;
      continue;
    }
    const std::string wanted = to_nfc(part.string());
    bool found = false;
    for (const auto& entry : fs::directory_iterator(current, ec)) {
      if (to_nfc(entry.path().filename().string()) == wanted) {
        current = entry.path();
        found = changed = true;
        break;
      }
    }
    if (!found) return std::nullopt;
  }
  if (!changed) return std::nullopt;
  return current;
}

}  // namespace onair
