#include "scheduler/media_paths.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <mutex>

namespace onair {

namespace fs = std::filesystem;

namespace {

std::mutex extra_mutex;
std::vector<fs::path> extra_roots;  // as given

bool is_within(const fs::path& path, const fs::path& root) {
  const fs::path inside = path.lexically_relative(root);
  return !inside.empty() && *inside.begin() != "..";
}

}  // namespace

void set_extra_media_roots(std::vector<fs::path> roots) {
  std::lock_guard lock(extra_mutex);
  extra_roots = std::move(roots);
}

std::vector<fs::path> extra_media_roots() {
  std::lock_guard lock(extra_mutex);
  return extra_roots;
}

ResolvedPath resolve_media_path(const fs::path& media_root, const std::string& relative) {
  const fs::path root = media_root.lexically_normal();
  fs::path rel(relative);
  fs::path full = rel.is_absolute() ? rel.lexically_normal() : (root / rel).lexically_normal();
  if (!is_within(full, root)) {
    return {full, "path escapes the media root " + root.string()};
  }
  // A symbolic link inside the root may point anywhere: judge where it really leads.
  std::error_code ec;
  const fs::path real = fs::canonical(full, ec);
  if (ec) return {full, {}};  // missing (or unreadable): the caller reports it as such
  const fs::path real_root = fs::weakly_canonical(root, ec);
  if (is_within(real, ec ? root : real_root)) return {full, {}};
  std::string allowed;
  for (const auto& extra : extra_media_roots()) {
    std::error_code e2;
    const fs::path real_extra = fs::weakly_canonical(fs::absolute(extra), e2);
    if (!e2 && is_within(real, real_extra)) return {full, {}};
    allowed += (allowed.empty() ? "" : ", ") + extra.string();
  }
  return {full, "path resolves (through a symbolic link) to " + real.string() + ", outside the media root " +
                    root.string() +
                    (allowed.empty() ? std::string(" (no extra_media_roots are set)")
                                     : " and the extra media roots " + allowed)};
}

ResolvedPath resolve_item_file(const fs::path& media_root, const std::string& source, bool generated) {
  if (generated) return {fs::path(source).lexically_normal(), {}};
  return resolve_media_path(media_root, source);
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
