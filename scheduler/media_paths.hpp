#pragma once
// Resolving schedule paths against the media root: containment and the Unicode
// normalization hint (a Vietnamese name typed in NFC but saved in NFD, or the reverse).
#include <filesystem>
#include <optional>
#include <string>

namespace onair {

struct ResolvedPath {
  std::filesystem::path path;  // absolute
  std::string error;           // set when the path escapes the media root
};

ResolvedPath resolve_media_path(const std::filesystem::path& media_root, const std::string& relative);

// When `path` does not exist but a path that differs only in Unicode normalization
// does, returns that path.
std::optional<std::filesystem::path> find_other_normalization(const std::filesystem::path& path);

// NFC form of UTF-8 text (unchanged if it is not valid UTF-8).
std::string to_nfc(const std::string& utf8);

}  // namespace onair
