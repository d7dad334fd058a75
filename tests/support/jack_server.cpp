#include "support/jack_server.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace onair::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

JackServer::JackServer(int rate) : rate_(rate) {
  static int counter = 0;
  name_ = "onair-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  setenv("JACK_DEFAULT_SERVER", name_.c_str(), 1);
  setenv("JACK_NO_START_SERVER", "1", 1);  // never let a client spawn a server of its own
  start();
}

void JackServer::start() {
  const auto which = capture("command -v jackd", false);
  const std::string jackd = which.output.substr(0, which.output.find('\n'));
  if (which.exit_code != 0 || jackd.empty()) {
    error_ = "jackd is not installed (Debian: jackd2)";
    return;
  }
  const std::string log = (dir_ / "jackd.log").string(), rate = std::to_string(rate_);
  // Two jackd starting at once on a machine where none has run yet both create JACK's
  // shared-memory registry, and the clients of one (or both) then find no ports: PortAudio
  // lists no devices. Parallel tests start their servers one at a time, until each is ready.
  const int lock = open("/tmp/onair-test-jackd-start.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (lock >= 0)
    while (flock(lock, LOCK_EX) != 0 && errno == EINTR) {
    }
  struct Unlock {
    int fd;
    ~Unlock() {
      if (fd >= 0) close(fd);  // releases the lock
    }
  } unlock{lock};
  // Everything the child needs is prepared before fork(): only async-signal-safe calls after.
  const char* argv[] = {jackd.c_str(), "-n", name_.c_str(), "-r", "-d", "dummy", "-r", rate.c_str(),
                        "-p", "1024", nullptr};
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // a crashed test must not leave its server running
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(argv[0], const_cast<char* const*>(argv));
    _exit(127);
  }
  const auto deadline = Clock::now() + 10s;
  while (Clock::now() < deadline) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "jackd exited at startup: " + capture("cat " + shell_quote(log)).output;
      return;
    }
    if (capture("jack_wait -s " + name_ + " -c 2>/dev/null", false).output == "running\n") {
      error_.clear();
      return;
    }
    std::this_thread::sleep_for(50ms);
  }
  stop();
  error_ = "jackd did not become ready within 10 s";
}

void JackServer::stop(int sig) {
  if (pid_ <= 0) return;
  kill(pid_, sig);
  const auto deadline = Clock::now() + 5s;
  int status;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
  // Clients that died without closing leave semaphore files behind.
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/dev/shm", ec)) {
    const std::string f = e.path().filename().string();
    if (f.starts_with("jack_") && f.find("_" + name_ + "_") != std::string::npos) std::filesystem::remove(e.path(), ec);
  }
}

void JackServer::signal(int sig) const {
  if (pid_ > 0) kill(pid_, sig);
}

}  // namespace onair::test
