#pragma once
// Resolving schedule paths against the media root: containment and the Unicode
// normalization hint (a Vietnamese name typed in NFC but saved in NFD, or the reverse).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace onair {

struct ResolvedPath {
  std::filesystem::path path;  // absolute
  std::string error;           // set when the path escapes the media root
};

// The path of `relative` under `media_root`. Refused (error set) when it escapes the root
// by name, or when the file exists and its canonical path (symbolic links resolved) lies
// outside the root and outside every extra media root. A missing file is not refused.
ResolvedPath resolve_media_path(const std::filesystem::path& media_root, const std::string& relative);

// An item's file: under the media root, or for a generated item (speech rendered into the
// cache) its absolute path as is.
ResolvedPath resolve_item_file(const std::filesystem::path& media_root, const std::string& source, bool generated);

// Folders besides the media root that files may resolve into through symbolic links
// (a mounted archive). Process-wide: set once at startup from --extra-media-root and the
// station config's `extra_media_roots:`, read by every resolve_media_path.
void set_extra_media_roots(std::vector<std::filesystem::path> roots);
std::vector<std::filesystem::path> extra_media_roots();

// When `path` does not exist but a path that differs only in Unicode normalization
// does, returns that path.
std::optional<std::filesystem::path> find_other_normalization(const std::filesystem::path& path);

// NFC form of UTF-8 text (unchanged if it is not valid UTF-8).
std::string to_nfc(const std::string& utf8);

}  // namespace onair
