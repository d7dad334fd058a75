#pragma once
// One station per as-run folder: `onair run` holds an flock on FOLDER/.onair.lock (the file
// holds its PID) for as long as it runs. The kernel drops the lock when the process ends,
// however it ends (kill -9 included), so a stale file never blocks a restart.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace onair {

class InstanceLock {
 public:
  static constexpr const char* kFileName = ".onair.lock";

  // Takes the lock on `folder` (created if missing). nullopt with `error` set when another
  // process holds it (the message names the folder and that process's PID) or the lock file
  // cannot be made (the message says why).
  static std::optional<InstanceLock> acquire(const std::filesystem::path& folder, std::string& error,
                                             bool& held_elsewhere);

  InstanceLock(InstanceLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)), file_(std::move(other.file_)) {}
  InstanceLock& operator=(InstanceLock&&) = delete;
  InstanceLock(const InstanceLock&) = delete;
  ~InstanceLock();

  const std::filesystem::path& file() const { return file_; }

 private:
  InstanceLock(int fd, std::filesystem::path file) : fd_(fd), file_(std::move(file)) {}
  int fd_ = -1;
  std::filesystem::path file_;
};

}  // namespace onair
