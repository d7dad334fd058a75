#pragma once
// tests/support/stream_server.py (an Icecast-like HTTP audio stream) as a child process,
// killed by PID when the object dies, even when an assertion failed half-way through.
#include <sys/types.h>

#include <string>
#include <vector>

namespace onair::test {

class StreamServer {
 public:
  // `args` as stream_server.py takes them (FILE, --rate, --stall-after, ...); waits up to
  // 20 s for the port it prints (python starts slowly on a busy machine).
  explicit StreamServer(const std::vector<std::string>& args);
  ~StreamServer();
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/live"; }
  // SIGKILL, as when the server machine dies mid-stream.
  void kill();

 private:
  int read_port();

  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
};

}  // namespace onair::test
