#include "station/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace onair {

namespace fs = std::filesystem;

std::optional<InstanceLock> InstanceLock::acquire(const fs::path& folder, std::string& error, bool& held_elsewhere) {
  held_elsewhere = false;
  std::error_code ec;
  fs::create_directories(folder, ec);
  const fs::path file = folder / kFileName;
  // O_CLOEXEC: alarm commands and decoders the daemon starts must not inherit (and so keep)
  // the lock after the daemon is gone.
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = fmt::format("cannot create the lock file {}: {}", file.string(), std::strerror(errno));
    return std::nullopt;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      char buf[32] = {};
      const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
      std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      held_elsewhere = true;
      error = fmt::format("another station is already running on the as-run folder {} (pid {}, lock {}); "
                          "one station per folder: stop it first or give this one its own asrun_dir",
                          folder.string(), pid.empty() ? "unknown" : pid, file.string());
    } else {
      error = fmt::format("cannot lock {}: {}", file.string(), std::strerror(err));
    }
    ::close(fd);
    return std::nullopt;
  }
  const std::string pid = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
    error = fmt::format("the lock file {} holds no PID: {}", file.string(), std::strerror(errno));  // still locked
  return InstanceLock(fd, file);
}

InstanceLock::~InstanceLock() {
  if (fd_ < 0) return;
  // Emptied first, so a PID left in it never names a process that has gone.
  [[maybe_unused]] const int rc = ::ftruncate(fd_, 0);
  ::close(fd_);
}

}  // namespace onair
