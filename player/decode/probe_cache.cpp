#include "player/decode/probe_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "player/ffmpeg/log_bridge.hpp"

namespace onair {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Bump when the prober's results change meaning, so stale measurements are dropped.
constexpr int kVersion = 1;
constexpr const char* kFormat = "onair-probe-cache";

bool transient(const MediaInfo& info) {
  return !info.ok && (info.error.find("timed out") != std::string::npos ||
                      info.error.find("time budget") != std::string::npos ||
                      info.error.find("stopped") != std::string::npos);
}

json to_json(const MediaInfo& m) {
  json j{{"ok", m.ok},
         {"error", m.error},
         {"duration_us", m.duration.count()},
         {"estimated", m.duration_estimated},
         {"sample_rate", m.sample_rate},
         {"channels", m.channels},
         {"codec", m.codec}};
  if (m.header_duration) j["header_duration_us"] = m.header_duration->count();
  if (!m.loudness.empty()) {
    // JSON has no -inf (digital silence): null stands for it.
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    json list = json::array();
    for (const auto& [r, l] : m.loudness)
      list.push_back({{"in_us", r.in_us}, {"out_us", r.out_us}, {"lufs", num(l.integrated_lufs)},
                      {"lra", num(l.range_lu)}, {"true_peak_db", num(l.true_peak_dbtp)}});
    j["loudness"] = std::move(list);
  }
  return j;
}

MediaInfo media_info_from(const json& j) {
  MediaInfo m;
  m.ok = j.at("ok").get<bool>();
  m.error = j.at("error").get<std::string>();
  m.duration = std::chrono::microseconds(j.at("duration_us").get<std::int64_t>());
  m.duration_estimated = j.at("estimated").get<bool>();
  if (j.contains("header_duration_us"))
    m.header_duration = std::chrono::microseconds(j["header_duration_us"].get<std::int64_t>());
  m.sample_rate = j.at("sample_rate").get<int>();
  m.channels = j.at("channels").get<int>();
  m.codec = j.at("codec").get<std::string>();
  if (j.contains("loudness")) {
    auto num = [](const json& v) {
      return v.is_null() ? -std::numeric_limits<double>::infinity() : v.get<double>();
    };
    for (const auto& l : j["loudness"])
      m.loudness[CueRange{l.at("in_us").get<std::int64_t>(), l.at("out_us").get<std::int64_t>()}] =
          LoudnessMeasure{num(l.at("lufs")), num(l.at("lra")), num(l.at("true_peak_db"))};
  }
  return m;
}

void write_all(int fd, const std::string& text, const fs::path& path) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("write " + path.string() + ": " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

ProbeCache::ProbeCache(std::unique_ptr<MediaProber> inner, fs::path cache_file)
    : inner_(std::move(inner)), file_(std::move(cache_file)) {
  if (!inner_) throw std::invalid_argument("ProbeCache needs an inner prober");
  load();
}

ProbeCache::~ProbeCache() {
  try {
    bool dirty;
    {
      std::lock_guard lock(mutex_);
      dirty = dirty_;
    }
    if (dirty) save();
  } catch (const std::exception& e) {
    decode_log()->error("probe cache {}: not saved: {}", file_.string(), e.what());
  }
}

void ProbeCache::load() {
  std::ifstream in(file_, std::ios::binary);
  if (!in) return;  // first run
  try {
    const json doc = json::parse(in);
    if (doc.at("format") != kFormat || doc.at("version") != kVersion) {
      decode_log()->info("probe cache {}: other format/version, starting afresh", file_.string());
      return;
    }
    for (const auto& [path, j] : doc.at("entries").items()) {
      try {
        entries_[path] = Entry{j.at("size").get<std::int64_t>(), j.at("mtime_ns").get<std::int64_t>(),
                               media_info_from(j)};
      } catch (const json::exception&) {
        // One bad entry costs one re-probe, not the whole cache.
      }
    }
  } catch (const std::exception& e) {
    entries_.clear();
    decode_log()->warn("probe cache {} is unreadable ({}); starting afresh", file_.string(), e.what());
  }
}

ProbeCache::Stat ProbeCache::stat_of(const fs::path& file) {
  Stat s;
  s.abs = file.is_absolute() ? file.lexically_normal() : fs::absolute(file).lexically_normal();
  struct stat st {};
  if (::stat(s.abs.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return s;
  s.ok = true;
  s.size = st.st_size;
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return s;
}

std::optional<LoudnessMeasure> ProbeCache::measure(const fs::path& file, CueRange range) {
  const Stat st = stat_of(file);
  if (!st.ok) return inner_->measure(st.abs, range);
  auto fresh = [&](const Entry& e) { return e.size == st.size && e.mtime_ns == st.mtime_ns; };
  bool known = false;
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(st.abs.native()); it != entries_.end() && fresh(it->second)) {
      known = true;
      if (auto m = it->second.info.loudness.find(range); m != it->second.info.loudness.end()) {
        ++counters_.measure_hits;
        return m->second;
      }
    }
  }
  // A stale entry would keep the old file's measurements: probe the new file first.
  if (!known && !probe(st.abs).ok) return std::nullopt;
  std::optional<LoudnessMeasure> m = inner_->measure(st.abs, range);
  std::lock_guard lock(mutex_);
  ++counters_.measure_misses;
  if (auto it = entries_.find(st.abs.native()); m && it != entries_.end() && fresh(it->second)) {
    it->second.info.loudness[range] = *m;
    dirty_ = true;
  }
  return m;
}

MediaInfo ProbeCache::probe(const fs::path& file) {
  const Stat st = stat_of(file);
  const fs::path& abs = st.abs;
  if (!st.ok) return inner_->probe(abs);
  const std::int64_t size = st.size;
  const std::int64_t mtime_ns = st.mtime_ns;
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(abs.native()); it != entries_.end() && it->second.size == size &&
                                               it->second.mtime_ns == mtime_ns) {
      ++counters_.hits;
      return it->second.info;
    }
  }
  MediaInfo info = inner_->probe(abs);
  std::lock_guard lock(mutex_);
  ++counters_.misses;
  if (!transient(info)) {
    entries_[abs.native()] = Entry{size, mtime_ns, info};
    dirty_ = true;
  }
  return info;
}

void ProbeCache::save() {
  std::string text;
  {
    std::lock_guard lock(mutex_);
    json entries = json::object();
    for (const auto& [path, e] : entries_) {
      json j = to_json(e.info);
      j["size"] = e.size;
      j["mtime_ns"] = e.mtime_ns;
      entries[path] = std::move(j);
    }
    text = json{{"format", kFormat}, {"version", kVersion}, {"entries", std::move(entries)}}.dump();
    dirty_ = false;
  }
  try {
    if (file_.has_parent_path()) fs::create_directories(file_.parent_path());
    // Readers (another onair process, a crash mid-write) only ever see a whole file.
    const fs::path tmp = file_.string() + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("create " + tmp.string() + ": " + std::strerror(errno));
    try {
      write_all(fd, text, tmp);
      if (::fsync(fd) != 0) throw std::runtime_error("fsync " + tmp.string() + ": " + std::strerror(errno));
    } catch (...) {
      ::close(fd);
      ::unlink(tmp.c_str());
      throw;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), file_.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      ::unlink(tmp.c_str());
      throw std::runtime_error("rename " + tmp.string() + ": " + why);
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    dirty_ = true;  // still unsaved
    throw;
  }
}

ProbeCache::Counters ProbeCache::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

std::size_t ProbeCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace onair
