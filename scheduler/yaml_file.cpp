#include "scheduler/yaml_file.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

const char* kind_of_file(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a folder";
  return "not a regular file";
}

// Counts nodes as a converter would see them (an alias counts each time it is used) and
// stops at the first node past the limit, so an alias bomb costs O(limit), not O(expansion).
// It also stops at a nesting depth no schedule needs: yaml-cpp lets an alias name the
// collection it sits in ("&a [*a]"), a cycle every later walk would follow forever.
struct NodeCounter {
  std::size_t limit, count = 0;
  YAML::Mark over{};
  bool exceeded = false, too_deep = false;
  void walk(const YAML::Node& n, int depth = 0) {
    if (exceeded || too_deep) return;
    if (depth > kMaxYamlDepth) {
      too_deep = true;
      over = n.Mark();
      return;
    }
    if (++count > limit) {
      exceeded = true;
      over = n.Mark();
      return;
    }
    if (n.IsSequence()) {
      for (const auto& c : n) {
        walk(c, depth + 1);
        if (exceeded || too_deep) return;
      }
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        walk(kv.first, depth + 1);
        walk(kv.second, depth + 1);
        if (exceeded || too_deep) return;
      }
    }
  }
};

}  // namespace

std::optional<std::string> read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes,
                                             FileReadError& error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = {errno == ENOENT ? FileReadError::missing : FileReadError::io,
             errno == ENOENT ? "no such file" : std::strerror(errno), 0};
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = {FileReadError::not_regular, fmt::format("is {}, not a regular file", kind_of_file(st.st_mode)), 0};
    return std::nullopt;
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    error = {FileReadError::too_large,
             fmt::format("is too large ({} bytes; the limit is {} bytes)", st.st_size, max_bytes),
             static_cast<std::uintmax_t>(st.st_size)};
    return std::nullopt;
  }
  // O_NONBLOCK: if the file became a FIFO after the stat, open must not wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    error = {FileReadError::io, fmt::format("cannot be opened: {}", std::strerror(errno)), 0};
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = {FileReadError::not_regular, fmt::format("is {}, not a regular file", kind_of_file(st.st_mode)), 0};
    return std::nullopt;
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = {FileReadError::io, fmt::format("cannot be read: {}", std::strerror(errno)), 0};
      return std::nullopt;
    }
    if (n == 0) break;
    // The file may grow after the stat; the limit holds for what is read.
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) {
      error = {FileReadError::too_large,
               fmt::format("is too large (over {} bytes; the limit is {} bytes)", max_bytes, max_bytes),
               text.size() + static_cast<std::size_t>(n)};
      return std::nullopt;
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

std::optional<YamlDocument> parse_yaml_text(std::string text, std::shared_ptr<const std::string> file,
                                            Diagnostics& diags, std::size_t max_nodes) {
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
    NodeCounter counter{max_nodes};
    counter.walk(root);
    if (counter.too_deep) {
      diags.error({file, counter.over.is_null() ? 1 : counter.over.line + 1,
                   counter.over.is_null() ? 1 : counter.over.column + 1},
                  fmt::format("the YAML nests deeper than {} levels here (a schedule needs fewer than 10): "
                              "does an alias name the list or map it is in, like '&a [*a]'?",
                              kMaxYamlDepth));
      return std::nullopt;
    }
    if (counter.exceeded) {
      diags.error({file, counter.over.is_null() ? 1 : counter.over.line + 1,
                   counter.over.is_null() ? 1 : counter.over.column + 1},
                  fmt::format("the YAML expands to more than {} nodes (aliases counted at each use; the "
                              "limit is {}): is this an alias bomb?",
                              max_nodes, max_nodes));
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
  FileReadError error;
  auto text = read_regular_file(path, max_bytes, error);
  if (!text) {
    switch (error.kind) {
      case FileReadError::missing:
        diags.error(where, fmt::format("cannot open {}: no such file", path.string()));
        break;
      case FileReadError::too_large:
        diags.error(where, fmt::format("{} is too large for a schedule ({:.1f} MB; the limit is {:.1f} MB)",
                                       path.string(), static_cast<double>(error.size) / 1e6,
                                       static_cast<double>(max_bytes) / 1e6));
        break;
      case FileReadError::not_regular:
        diags.error(where, fmt::format("{} {}: a schedule must be a regular file (refused without reading it)",
                                       path.string(), error.message));
        break;
      case FileReadError::io:
        diags.error(where, fmt::format("{} {}", path.string(), error.message));
        break;
    }
    return std::nullopt;
  }
  return parse_yaml_text(std::move(*text), name, diags);
}

}  // namespace onair
