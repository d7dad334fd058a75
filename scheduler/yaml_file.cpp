#include "scheduler/yaml_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace onair {
namespace {

// Returns the byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t first_invalid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned min = 0;
    if (c < 0x80) {
      if (c == 0) return i;  // NUL: binary data, not text
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) len = 2, min = 0x80;
    else if ((c & 0xF0) == 0xE0) len = 3, min = 0x800;
    else if ((c & 0xF8) == 0xF0) len = 4, min = 0x10000;
    else return i;
    if (i + len > s.size()) return i;
    unsigned cp = c & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string::npos;
}

SourceMark mark_at_offset(const std::string& s, std::size_t offset, std::shared_ptr<const std::string> file) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      ++col;  // count characters, not bytes
    }
  }
  return {std::move(file), line, col};
}

}  // namespace

std::optional<YamlDocument> parse_yaml_text(std::string text, std::shared_ptr<const std::string> file,
                                            Diagnostics& diags) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  if (auto bad = first_invalid_utf8(text); bad != std::string::npos) {
    diags.error(mark_at_offset(text, bad, file),
                fmt::format("not UTF-8 text (byte 0x{:02X}); schedules must be saved as UTF-8",
                            static_cast<unsigned char>(text[bad])));
    return std::nullopt;
  }
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsDefined() || root.IsNull()) {
      diags.error({file, 1, 1}, "the file is empty: expected schedule keys such as 'programs:'");
      return std::nullopt;
    }
    return YamlDocument{std::move(file), root};
  } catch (const YAML::Exception& e) {
    SourceMark m{file, e.mark.is_null() ? 1 : e.mark.line + 1, e.mark.is_null() ? 1 : e.mark.column + 1};
    std::string msg = e.msg;
    // A tab where indentation is expected is the most common cause; say so.
    if (m.line > 0) {
      std::istringstream lines(text);
      std::string line;
      for (int n = 0; n < m.line && std::getline(lines, line); ++n) {}
      if (line.find('\t') != std::string::npos) msg += " (this line contains a tab; YAML indentation must use spaces)";
    }
    diags.error(m, "YAML syntax error: " + msg);
    return std::nullopt;
  } catch (const std::exception& e) {
    diags.error({file, 1, 1}, std::string("cannot parse YAML: ") + e.what());
    return std::nullopt;
  }
}

std::optional<YamlDocument> read_yaml_file(const std::filesystem::path& path, Diagnostics& diags,
                                           std::uintmax_t max_bytes, const SourceMark* referenced_from) {
  auto name = std::make_shared<const std::string>(path.string());
  const SourceMark where = referenced_from ? *referenced_from : SourceMark{name, 0, 0};
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    diags.error(where, fmt::format("cannot open {}: no such file", path.string()));
    return std::nullopt;
  }
  if (std::filesystem::is_directory(status)) {
    diags.error(where, fmt::format("{} is a folder, not a schedule file", path.string()));
    return std::nullopt;
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes) {
    diags.error(where, fmt::format("{} is too large for a schedule ({:.1f} MB; the limit is {:.1f} MB)",
                                   path.string(), static_cast<double>(size) / 1e6,
                                   static_cast<double>(max_bytes) / 1e6));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error(where, fmt::format("cannot read {}", path.string()));
    return std::nullopt;
  }
  std::string text;
  text.resize(static_cast<std::size_t>(ec ? 0 : size));
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_yaml_text(std::move(text), name, diags);
}

}  // namespace onair
