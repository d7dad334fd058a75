#pragma once
// A JACK server with the dummy backend — a paced "sound card" named `system` that needs no
// hardware — started by a test under a unique name (JACK_DEFAULT_SERVER, inherited by
// child processes) and stopped by PID, even when an assertion fails.
#include <sys/types.h>

#include <string>

#include "support/test_media.hpp"

namespace onair::test {

class JackServer {
 public:
  explicit JackServer(int rate = 48000);
  ~JackServer() { stop(); }
  JackServer(const JackServer&) = delete;
  JackServer& operator=(const JackServer&) = delete;

  // Empty when running; otherwise why not (for GTEST_SKIP).
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }
  pid_t pid() const { return pid_; }

  void start();
  // SIGTERM first: a SIGKILLed jackd leaks its shared memory and a registry slot.
  void stop(int sig = 15);
  // SIGSTOP/SIGCONT: a device that stalls without going away.
  void signal(int sig) const;

 private:
  int rate_;
  std::string name_;
  TempDir dir_;
  pid_t pid_ = -1;
  std::string error_ = "not started";
};

}  // namespace onair::test
