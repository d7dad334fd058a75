#pragma once
// A small tmpfs mounted on a test's folder, to make a disk that fills up or turns
// read-only. Needs root (CAP_SYS_ADMIN); tests skip with the reason when it is refused.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

namespace onair::test {

class TmpfsMount {
 public:
  TmpfsMount() = default;
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  ~TmpfsMount() {
    if (mounted_ && ::umount2(dir_.c_str(), 0) != 0) ::umount2(dir_.c_str(), MNT_DETACH);
  }

  // Mounts `kib` KiB at `dir` (created); returns "" or why it could not.
  std::string mount(const std::filesystem::path& dir, int kib) {
    dir_ = dir;
    options_ = "size=" + std::to_string(kib) + "k,mode=0755";
    std::filesystem::create_directories(dir);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options_.c_str()) != 0)
      return std::string("mount -t tmpfs: ") + std::strerror(errno);
    mounted_ = true;
    return {};
  }

  // Read-only or writable again. A remount to read-only is refused (EBUSY) while a file is
  // open for writing, so it is retried for a while.
  bool set_read_only(bool ro) {
    unsigned long flags = MS_REMOUNT;
    if (ro) flags |= MS_RDONLY;
    for (int tries = 0; tries < 500; ++tries) {
      if (::mount("tmpfs", dir_.c_str(), "tmpfs", flags, options_.c_str()) == 0) return true;
      if (errno != EBUSY) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Fills the disk with `file`: writes until ENOSPC.
  static void fill(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    const std::string block(4096, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }

 private:
  std::filesystem::path dir_;
  std::string options_;
  bool mounted_ = false;
};

}  // namespace onair::test
