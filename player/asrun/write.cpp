// Writing the as-run log so that no record is lost: lines wait in memory, in order, while
// the file cannot be written, a partial write is cut back, and the file is opened for each
// batch, so a removed or replaced file (or folder) is found again and a read-only remount
// is not blocked by a file we hold open.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>

#include "player/asrun/log.hpp"
#include "player/log.hpp"

namespace onair {
namespace {

std::shared_ptr<spdlog::logger> log() { return named_logger("asrun"); }

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::string lost_line(std::size_t lost, std::size_t max_pending) {
  return nlohmann::json{{"event", "lost"},
                        {"records", lost},
                        {"detail", std::to_string(lost) + " as-run line(s) that belong here could not be written: "
                                   "the file could not be written for so long that more than " +
                                   std::to_string(max_pending) +
                                   " waited, and the oldest were dropped (the player's log holds them)"}}
             .dump() +
         "\n";
}

}  // namespace

AsRunLog::~AsRunLog() {
  std::lock_guard lock(mutex_);
  flush_locked();
  if (pending_.empty() && unreported_lost_ == 0) return;
  log()->error("as-run log {}: {} line(s) could not be written ({}); here they are, so they are not lost:",
               path_.string(), pending_.size(), error_);
  for (const auto& line : pending_) log()->error("as-run {}: {}", path_.string(), line.substr(0, line.size() - 1));
}

void AsRunLog::queue_locked(const nlohmann::json& j) {
  // Replace invalid UTF-8 (a title from tags) rather than throw into the engine.
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::size_t bound = std::max<std::size_t>(1, options_.max_pending);
  if (pending_.size() >= bound) flush_locked();  // room may have come back since the last try
  if (pending_.size() >= bound) {
    ++lost_;
    ++unreported_lost_;
    log()->error("as-run log {}: {} lines are waiting to be written ({}); dropping the oldest ({} dropped so far): {}",
                 path_.string(), pending_.size(), error_, lost_, pending_.front().substr(0, pending_.front().size() - 1));
    pending_.pop_front();
  }
  pending_.push_back(std::move(line));
}

void AsRunLog::flush_locked() {
  if (pending_.empty() && unreported_lost_ == 0) return;
  std::string error;
  const int fd = open_for_append(error);
  if (fd < 0) return note_failure(error);
  const off_t batch_start = ::lseek(fd, 0, SEEK_END);
  // What was dropped came before what waits, so the note of it goes first.
  bool lost_written = unreported_lost_ > 0 && write_line(fd, lost_line(unreported_lost_, options_.max_pending), error);
  std::size_t written = 0;
  if (unreported_lost_ == 0 || lost_written)
    while (written < pending_.size() && write_line(fd, pending_[written], error)) ++written;
  if ((written > 0 || lost_written) && (options_.sync ? options_.sync(fd) : ::fsync(fd)) != 0) {
    // None of the batch is known to be on disk: take it back and write it again later
    // (if the cut fails too, a line may be written twice, which is better than lost).
    error = errno_text("fsync failed");
    if (batch_start >= 0 && ::ftruncate(fd, batch_start) != 0) log()->warn("as-run log {}: {}", path_.string(), errno_text("cut failed"));
    written = 0;
    lost_written = false;
  }
  ::close(fd);
  if (lost_written) unreported_lost_ = 0;
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(written));
  if (!error.empty()) return note_failure(error);
  if (!error_.empty()) {
    log()->warn("as-run log {}: writing again; {} waiting line(s) written", path_.string(), written);
    error_.clear();
  }
}

int AsRunLog::open_for_append(std::string& error) {
  int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT && path_.has_parent_path()) {
    std::error_code ec;  // the folder was removed (or never made): make it again
    std::filesystem::create_directories(path_.parent_path(), ec);
    fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  if (fd < 0) {
    error = errno_text("cannot open it");
    return -1;
  }
  // A torn last line (a crash mid-write, or a cut that failed) would glue onto our next
  // record: end it first.
  struct stat st {};
  char last = '\n';
  if (::fstat(fd, &st) == 0 && st.st_size > 0 && ::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
      !write_line(fd, "\n", error)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool AsRunLog::write_line(int fd, const std::string& line, std::string& error) {
  const off_t before = ::lseek(fd, 0, SEEK_END);
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno_text("write failed") : std::string("write failed: nothing written");
      // Cut back what went in (ENOSPC part way through), so the file never holds a torn line.
      if (p != line.data() && before >= 0 && ::ftruncate(fd, before) != 0)
        log()->warn("as-run log {}: {}", path_.string(), errno_text("cutting a partial line failed"));
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

void AsRunLog::note_failure(const std::string& error) {
  ++failures_;
  // Once per kind of failure, not at every retry.
  if (error != error_)
    log()->error("as-run log {}: {}; records wait in memory until it can be written ({} line(s) now)",
                 path_.string(), error, pending_.size());
  error_ = error;
}

void AsRunLog::retry() {
  std::lock_guard lock(mutex_);
  flush_locked();
}

AsRunHealth AsRunLog::health() const {
  std::lock_guard lock(mutex_);
  AsRunHealth h;
  h.ok = error_.empty() && pending_.empty() && unreported_lost_ == 0;
  h.pending = pending_.size();
  h.lost = lost_;
  h.error = error_;
  h.file = path_;
  return h;
}

}  // namespace onair
